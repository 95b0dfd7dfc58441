"""Plans through the API: choosing one, per-regimen first dates, the list of
plans, and what is measured and infused (issues 13 and 14)."""

from decimal import Decimal

D = Decimal


def post(client, body):
    return client.post("/api/v1/plan", json=body)


def regimens_of(data):
    return {r["id"]: r for r in data["regimens"]}


KAWASAKI = {"plan": "kawasaki_aha2017", "weight": {"value": 20, "unit": "kg"},
            "height": {"value": 115, "unit": "cm"}, "start_date": "2027-01-31"}


def test_kawasaki_plan_for_a_20_kg_child(client):
    response = post(client, KAWASAKI)
    assert response.status_code == 200
    data = response.get_json()
    assert data["plan"]["id"] == "kawasaki_aha2017" and "McCrindle" in data["plan"]["source"]
    r = regimens_of(data)
    assert [(i["date"], i["amount"], i["unit"]) for i in r["ivig"]["items"]] == [("2027-01-31", 40, "g")]
    high, low = r["aspirin"]["items"]
    # 80 mg/kg/day x 20 kg = 1,600 mg/day: 400 mg every 6 hours for 14 days.
    assert (high["amount"], high["doses_per_day"], high["daily_amount"], high["frequency"]) == (
        400, 4, 1600, "every 6 hours")
    assert (high["date"], high["until"]) == ("2027-01-31", "2027-02-13")
    # then 5 mg/kg/day x 20 kg = 100 mg, capped at 81 mg, once daily for 6 weeks.
    assert (low["exact"], low["amount"], low["capped"], low["until"]) == (100, 81, True, "2027-03-27")


def test_carra_plan_first_dates(client):
    body = {"plan": "jdm_carra_ivmp", "weight": {"value": 14, "unit": "kg"},
            "height": {"value": 96, "unit": "cm"}, "start_date": "2027-01-31"}
    r = regimens_of(post(client, body).get_json())
    assert [(i["date"], i["amount"]) for i in r["methylprednisolone"]["items"]] == [
        ("2027-01-31", 420), ("2027-02-01", 420), ("2027-02-02", 420)]
    assert r["prednisolone"]["start_date"] == "2027-02-03" and r["prednisolone"]["items"][0]["amount"] == 28
    moved = regimens_of(post(client, {**body, "start_dates": {"prednisolone": "2027-02-10"}}).get_json())
    assert moved["prednisolone"]["items"][0]["date"] == "2027-02-10"


def test_nih_condition_is_in_the_answer(client):
    body = {"plan": "lupus_nephritis_nih", "weight": {"value": 40, "unit": "kg"},
            "height": {"value": 152.1, "unit": "cm"}, "start_date": "2027-01-31"}
    items = regimens_of(post(client, body).get_json())["cyclophosphamide"]["items"]
    assert [(i["amount"], i["phase"], i["condition"]) for i in items[:2]] == [
        (650, 1, None), (980, 2, "if the nadir white cell count allowed")]


def test_choices_are_checked_against_the_chosen_plan(client):
    response = post(client, {**KAWASAKI, "regimens": ["pamidronate"], "overrides": {"ivig": {"dose": 2}},
                             "start_dates": {"aspirin": "2027-13-01"}})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"regimens", "start_dates.aspirin"} <= fields
    unknown = post(client, {**KAWASAKI, "plan": "no_such_plan"})
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "plan"


def test_plans_are_listed(client):
    data = client.get("/api/v1/plans").get_json()
    assert data["default_plan"] == "jdm_calcinosis"
    plans = {p["id"]: p for p in data["plans"]}
    assert len(plans) == 6
    ivig = plans["jdm_calcinosis"]["regimens"][1]
    assert (ivig["id"], ivig["drug"], ivig["dose_rule"], ivig["overridable"]) == (
        "ivig", "immunoglobulin", "2 g/kg", True)
    assert ivig["override_range"] == {"min": 1, "max": 2, "unit": "g/kg"}
    carra = {r["id"]: r for r in plans["jdm_carra_ivmp"]["regimens"]}
    assert carra["prednisolone"]["start_day"] == 4 and not carra["prednisolone"]["overridable"]


def test_case_patient_volumes_rates_and_cumulative_in_the_answer(client):
    body = {"weight": {"value": 14, "unit": "kg"}, "height": {"value": 96, "unit": "cm"},
            "start_date": "2027-01-31"}
    r = regimens_of(post(client, body).get_json())
    pred = r["prednisolone"]["items"][0]
    assert (pred["volume"]["value"], pred["volume"]["device"], pred["volume"]["measured_amount"]) == (
        9.4, "10 mL syringe", 28.2)
    assert r["prednisolone"]["product"]["name"] == "prednisolone oral solution 15 mg/5 mL"
    assert r["prednisolone"]["cumulative"] is None
    ivig = r["ivig"]
    assert [(s["rate_ml_per_h"], s["minutes"], s["volume_ml"]) for s in ivig["infusion"]["steps"]] == [
        (8.4, 30, 4.2), (16.8, 30, 8.4), (33.6, 478, 267.4)]
    assert ivig["infusion"]["total_minutes"] == 538
    assert ivig["items"][0]["volume"]["vials"] == [{"size": 20, "unit": "g", "count": 1},
                                                   {"size": 10, "unit": "g", "count": 1}]
    cyc = r["cyclophosphamide"]
    assert cyc["cumulative"] == {"amount": 1860, "unit": "mg", "already_given": 0, "per_basis": 3049,
                                 "per_basis_unit": "mg/m2"}
    assert cyc["infusion"]["hydration"]["volume_ml"] == 458
    assert r["methotrexate"]["notes"] == ["Give folic acid as per local protocol."]


def test_tablets_and_already_given(client):
    body = {"weight": {"value": 14, "unit": "kg"}, "height": {"value": 96, "unit": "cm"},
            "start_date": "2027-01-31", "products": {"prednisolone": "prednisolone_tablets_5"},
            "already_given": {"cyclophosphamide": 600}}
    data = post(client, body).get_json()
    r = regimens_of(data)
    assert [i["tablets"] for i in r["prednisolone"]["items"]] == [6, 4, 3, 2, 1, 1, 1]
    # 1,860 + 600 = 2,460 mg ÷ 0.61 m² = 4,033 mg/m², past the 4,000 mg/m² threshold.
    assert r["cyclophosphamide"]["cumulative"]["per_basis"] == 4033
    assert any("4,033 mg/m²" in w["message"] for w in data["warnings"])
    assert any("−28.6%" in w["message"] for w in data["warnings"])
