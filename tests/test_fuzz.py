"""Fuzzing /api/v1/plan and /sheet: never a 5xx, every refusal names a field,
every accepted answer agrees with the independent oracle (tests/oracle.py).

The quick run throws a few hundred inputs; the `slow` tests (run by
.ci/run) throw 10,000 at each endpoint."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import (
    PLANS,
    TO_CM,
    TO_KG,
    bsa_float,
    corrected_months,
    dosing_weight,
    egfr,
    expected_amounts,
    methotrexate_share,
    mosteller,
    to_step,
    weight_for_age_z,
)

D = Decimal
FORMULAS = ["mosteller", "dubois", "haycock", "gehan_george", "boyd"]
IDS = list(PLANS["jdm_calcinosis"])

odd_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "14", "14.5", "1e3", "0x10", "١٤", "１４", "14,5", ".5", "5.", "-1",
                     "NaN", "inf", "Infinity", "9" * 400, "0.0000001", "<script>alert(1)</script>",
                     "2027-02-29", "2028-02-29", "0000-01-01", "9999-12-31", "2027-1-1", "kg",
                     "lb", "cm", "in", "m", "g", "stone", "mosteller", "boyd"]),
)
numbers = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=D("-1e6"), max_value=D("1e6")),
    st.decimals(min_value=D("0.3"), max_value=D(250), places=2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    odd_text, st.booleans(), st.none(),
)


def json_number(value):
    return float(value) if isinstance(value, Decimal) else value


def measure(units):
    return st.one_of(
        st.fixed_dictionaries({"value": numbers.map(json_number), "unit": st.sampled_from(units)}),
        st.fixed_dictionaries({"value": numbers.map(json_number), "unit": odd_text}),
        st.dictionaries(odd_text, numbers.map(json_number), max_size=3),
        numbers.map(json_number),
    )


weights = st.one_of(
    st.tuples(st.decimals(min_value=D("2.5"), max_value=D(150), places=2), st.just("kg")),
    st.tuples(st.integers(2500, 150000).map(D), st.just("g")),
    st.tuples(st.decimals(min_value=D("5.6"), max_value=D(330), places=1), st.just("lb")))
heights = st.one_of(
    st.tuples(st.decimals(min_value=D(45), max_value=D(200), places=1), st.just("cm")),
    st.tuples(st.decimals(min_value=D("0.45"), max_value=D(2), places=3), st.just("m")),
    st.tuples(st.decimals(min_value=D(18), max_value=D(78), places=1), st.just("in")))
starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)).map(str)
override_values = {
    "ivig": st.decimals(min_value=1, max_value=2, places=2),
    "methotrexate": st.decimals(min_value=10, max_value=20, places=1),
    "pamidronate": st.decimals(min_value=D("0.5"), max_value=D("1.5"), places=2),
    "cyclophosphamide": st.integers(500, 1000).map(D),
}
plausible_bodies = st.builds(
    lambda w, h, start, formula, chosen, overrides, patient: {
        "weight": {"value": float(w[0]), "unit": w[1]}, "height": {"value": float(h[0]), "unit": h[1]},
        "start_date": start, "bsa_formula": formula, "regimens": chosen,
        "overrides": {k: {"dose": float(v)} for k, v in overrides.items() if k in chosen}, **patient},
    weights, heights, starts, st.sampled_from(FORMULAS),
    st.lists(st.sampled_from(IDS), min_size=1, max_size=5, unique=True),
    st.fixed_dictionaries({}, optional={k: v for k, v in override_values.items()}),
    st.fixed_dictionaries({}, optional={
        "age": st.fixed_dictionaries({"years": st.integers(0, 22), "months": st.integers(0, 11)}),
        "sex": st.sampled_from(["female", "male"]), "confirm_implausible": st.booleans()}))


def _plan_body(plan, w, h, start, formula, chosen, overrides, firsts, patient, kidney):
    body = {"plan": plan, "weight": {"value": float(w[0]), "unit": w[1]},
            "height": {"value": float(h[0]), "unit": h[1]}, "start_date": start, "bsa_formula": formula,
            "regimens": chosen, **patient}
    if plan == "jdm_calcinosis":
        body["overrides"] = {k: {"dose": float(v)} for k, v in overrides.items() if k in chosen}
    body["start_dates"] = {k: v for k, v in firsts.items() if k in chosen}
    body.update(kidney)
    return body


plan_bodies = st.sampled_from(list(PLANS)).flatmap(lambda plan: st.builds(
    _plan_body, st.just(plan), weights, heights, starts, st.sampled_from(FORMULAS),
    st.lists(st.sampled_from(list(PLANS[plan])), min_size=1, max_size=len(PLANS[plan]), unique=True),
    st.fixed_dictionaries({}, optional={k: v for k, v in override_values.items()}),
    st.fixed_dictionaries({}, optional={rid: starts for rid in PLANS[plan]}),
    st.fixed_dictionaries({}, optional={
        "age": st.fixed_dictionaries({"years": st.integers(0, 22), "months": st.integers(0, 11)}),
        "sex": st.sampled_from(["female", "male"]), "confirm_implausible": st.booleans()}),
    st.fixed_dictionaries({}, optional={
        "creatinine": st.one_of(
            st.fixed_dictionaries({"value": st.decimals(min_value=D("0.1"), max_value=D(8), places=2)
                                   .map(float), "unit": st.just("mg/dL")}),
            st.fixed_dictionaries({"value": st.integers(10, 700), "unit": st.just("umol/L")})),
        "gestational_age": st.fixed_dictionaries({"weeks": st.integers(22, 44), "days": st.integers(0, 6)}),
    })))
plausible_queries = st.builds(
    lambda w, h, start, formula, chosen, overrides: [
        ("weight", str(w[0])), ("weight_unit", w[1]), ("height", str(h[0])), ("height_unit", h[1]),
        ("start", start), ("bsa_formula", formula), *[("regimen", r) for r in chosen],
        *[(f"dose.{k}", str(v)) for k, v in overrides.items() if k in chosen]],
    weights, heights, starts, st.sampled_from(FORMULAS),
    st.lists(st.sampled_from(IDS), min_size=1, max_size=5, unique=True),
    st.fixed_dictionaries({}, optional={k: v for k, v in override_values.items()}))

api_bodies = st.one_of(
    plausible_bodies, plan_bodies,
    st.fixed_dictionaries(
        {"weight": measure(["kg", "g", "lb"]), "height": measure(["cm", "m", "in"])},
        optional={
            "start_date": st.one_of(st.dates().map(str), odd_text, numbers.map(json_number)),
            "bsa_formula": st.one_of(st.sampled_from(FORMULAS), odd_text),
            "regimens": st.one_of(st.lists(st.sampled_from(IDS), max_size=6),
                                  st.lists(odd_text, max_size=3), odd_text),
            "overrides": st.one_of(
                st.dictionaries(st.sampled_from(IDS), st.fixed_dictionaries(
                    {"dose": numbers.map(json_number)}), max_size=3),
                st.dictionaries(odd_text, numbers.map(json_number), max_size=2)),
            "age": st.dictionaries(st.sampled_from(["years", "months", "x"]),
                                   numbers.map(json_number), max_size=3),
            "sex": odd_text,
            "plan": st.one_of(st.sampled_from(list(PLANS)), odd_text, numbers.map(json_number)),
            "start_dates": st.one_of(
                st.dictionaries(st.sampled_from(IDS), st.one_of(st.dates().map(str), odd_text), max_size=3),
                odd_text),
            "products": st.dictionaries(st.sampled_from(IDS), odd_text, max_size=2),
            "already_given": st.dictionaries(st.sampled_from(IDS), numbers.map(json_number), max_size=2),
            "extra": numbers.map(json_number),
        }),
    st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=10),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8),
)

SHEET_KEYS = ["weight", "weight_unit", "height", "height_unit", "age_years", "age_months", "sex",
              "start", "bsa_formula", "regimen", "dose.ivig", "dose.methotrexate",
              "dose.pamidronate", "dose.cyclophosphamide", "dose.prednisolone"]
valid_value = {
    "weight": st.decimals(min_value=D("0.3"), max_value=D(250), places=2).map(str),
    "weight_unit": st.sampled_from(["kg", "g", "lb"]),
    "height": st.decimals(min_value=D(20), max_value=D(250), places=1).map(str),
    "height_unit": st.sampled_from(["cm", "m", "in"]),
    "age_years": st.integers(0, 20).map(str), "age_months": st.integers(0, 11).map(str),
    "sex": st.sampled_from(["female", "male", ""]), "start": st.dates().map(str),
    "bsa_formula": st.sampled_from(FORMULAS), "regimen": st.sampled_from(IDS),
    "dose.ivig": st.decimals(min_value=1, max_value=2, places=2).map(str),
    "dose.methotrexate": st.decimals(min_value=10, max_value=20, places=1).map(str),
    "dose.pamidronate": st.decimals(min_value=D("0.5"), max_value=D("1.5"), places=2).map(str),
    "dose.cyclophosphamide": st.integers(500, 1000).map(str),
    "dose.prednisolone": odd_text,
}
pair = st.sampled_from(SHEET_KEYS + ["foo", "weight "]).flatmap(
    lambda k: st.tuples(st.just(k), st.one_of(valid_value.get(k, odd_text), odd_text)))
sheet_queries = plausible_queries | st.lists(pair, max_size=18) | st.tuples(
    *[st.tuples(st.just(k), valid_value[k]) for k in SHEET_KEYS[:9]],
    st.tuples(st.just("regimen"), st.sampled_from(IDS)),
    st.tuples(st.just("regimen"), st.sampled_from(IDS)),
).map(list)


def check_api(client, body):
    raw = json.dumps(body, allow_nan=True)
    response = client.post("/api/v1/plan", data=raw, content_type="application/json")
    assert response.status_code < 500, raw
    data = response.get_json()
    if response.status_code != 200:
        assert response.status_code in (400, 413, 422)
        assert data["errors"] and all(e["field"] and e["message"] for e in data["errors"])
        return
    patient = data["patient"]
    weight = to_step(D(repr(body["weight"]["value"])) * TO_KG[body["weight"]["unit"]], D("0.01"))
    height = to_step(D(repr(body["height"]["value"])) * TO_CM[body["height"]["unit"]], D("0.1"))
    assert D(str(patient["weight_kg"])) == weight and D(str(patient["height_cm"])) == height
    bsa = D(str(patient["bsa_m2"]))
    if patient["bsa_formula"] == "mosteller":
        assert bsa == mosteller(height, weight)
    assert abs(float(bsa) - bsa_float(patient["bsa_formula"], height, weight)) <= 0.00501
    growth = data["growth"]
    expected_growth = None
    used = None
    if "age" in body:
        chronological = 12 * body["age"]["years"] + body["age"]["months"]
        used = corrected_months(chronological, body.get("gestational_age"))
    if used is not None and used >= 0 and "sex" in body:
        expected_growth = weight_for_age_z(*divmod(used, 12), body["sex"], weight)
    if expected_growth is None:
        assert growth is None and data["warnings"][0]["code"] == "growth_check_not_done"
    else:
        reference, z = expected_growth
        assert growth["reference"] == reference
        if abs(z) <= 3:
            assert abs(growth["weight_for_age_z"] - z) <= 0.0051
    overrides = body.get("overrides", {})
    plan = body.get("plan", "jdm_calcinosis")
    assert data["plan"]["id"] == plan
    age = body.get("age") or {}
    years_used, months_used = divmod(used, 12) if used is not None and used >= 0 else (None, None)
    dosing_kg = dosing_weight(weight, height, years_used, months_used, body.get("sex"))
    kidney = None
    if "creatinine" in body:
        kidney = egfr(D(repr(body["creatinine"]["value"])), body["creatinine"]["unit"], height,
                      age.get("years"), age.get("months"), body.get("sex"))
        assert data["kidney"]["egfr"] == float(kidney)
    for regimen in data["regimens"]:
        rid = regimen["id"]
        override = overrides.get(rid, {}).get("dose")
        expected = expected_amounts(rid, weight, bsa, None if override is None else D(repr(override)), plan,
                                    dosing_kg, methotrexate_share(kidney) if rid == "methotrexate" else None)
        _, _, count, offset = PLANS[plan][rid]
        items = regimen["items"]
        assert len(items) == count
        assert [D(str(i["amount"])) for i in items] == [expected[i["phase"] - 1] for i in items]
        assert [i["phase"] for i in items] == sorted(i["phase"] for i in items)
        if "start_date" in body:
            first = body.get("start_dates", {}).get(rid)
            if first is None:
                first = str(date.fromisoformat(body["start_date"]) + timedelta(days=offset))
            assert items[0]["date"] == first


def _sheet_dosing_kg(params, weight, html):
    """The dosing weight of section E for the sheet's patient (the height as printed)."""
    try:
        years, months = int(params["age_years"][0]), int(params["age_months"][0])
    except (KeyError, ValueError):
        return weight
    height = D(re.search(r'id="height-used">([0-9.,]+)\scm', html).group(1).replace(",", ""))
    return dosing_weight(weight, height, years, months, params.get("sex", [""])[0] or None)


def check_sheet(client, query):
    response = client.get("/sheet", query_string=query)
    assert response.status_code < 500, query
    html = response.get_data(as_text=True)
    if response.status_code != 200:
        assert response.status_code in (414, 422)
        if response.status_code == 422:
            assert 'class="error' in html and ('There is a problem' in html or 'There are ' in html)
        return
    params: dict[str, list[str]] = {}
    for key, value in query:
        params.setdefault(key, []).append(value)
    weight = D(re.search(r'id="weight-used">([0-9.,]+)\skg', html).group(1).replace(",", ""))
    bsa = D(re.search(r'id="bsa">([0-9.]+)\sm²', html).group(1))
    expected_weight = to_step(D(params["weight"][0].strip()) * TO_KG[params["weight_unit"][0]], D("0.01"))
    assert weight == expected_weight
    for rid in dict.fromkeys(params["regimen"]):
        section = html.split(f'id="regimen-{rid}"')[1].split("</section>")[0]
        override = params.get(f"dose.{rid}", [""])[0].strip()
        expected = expected_amounts(rid, weight, bsa, D(override) if override else None,
                                    dosing_kg=_sheet_dosing_kg(params, weight, html))
        if rid == "prednisolone":
            shown = re.findall(r'class="figure">([0-9.,]+)\smg once daily', section)
        else:
            shown = re.findall(r'Give <strong class="figure">([0-9.,]+)\s', section)
        assert [D(s.replace(",", "")) for s in shown] == (expected if rid == "prednisolone" else expected[:1])


QUICK = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FULL = settings(max_examples=10_000, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@QUICK
@given(body=api_bodies)
def test_fuzz_api(client, body):
    check_api(client, body)


@QUICK
@given(query=sheet_queries)
def test_fuzz_sheet(client, query):
    check_sheet(client, query)


@pytest.mark.slow
@FULL
@given(body=api_bodies)
def test_fuzz_api_full(client, body):
    check_api(client, body)


@pytest.mark.slow
@FULL
@given(query=sheet_queries)
def test_fuzz_sheet_full(client, query):
    check_sheet(client, query)
