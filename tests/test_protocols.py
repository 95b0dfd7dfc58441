"""The plans of clinical-reference.md section H, with figures computed by hand
from the reference (issue 13)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dosing import InvalidInput, PlanRequest, compute_plan
from app.dosing.bsa import FORMULAS
from app.dosing.growth_references import load_references
from app.dosing.rounding import half_up

D = Decimal
START = date(2027, 1, 31)
REFERENCES = load_references()


def plan(book, plan_id, weight="14", height="96", **kw):
    kw.setdefault("start", START)
    return compute_plan(book, PlanRequest(D(weight), kw.pop("weight_unit", "kg"), D(height), "cm",
                                          plan=plan_id, **kw), REFERENCES)


def regimen(result, rid):
    return next(r for r in result.regimens if r.id == rid)


def test_case_patient_on_the_carra_jdm_plan(book):
    result = plan(book, "jdm_carra_ivmp")
    # 30 mg/kg/day x 14 kg = 420 mg, below the 1,000 mg cap, a multiple of 10 mg.
    mp = regimen(result, "methylprednisolone")
    assert [(i.date, i.amount) for i in mp.items] == [
        (date(2027, 1, 31), 420), (date(2027, 2, 1), 420), (date(2027, 2, 2), 420)]
    # Prednisolone from day 4: 2 mg/kg/day x 14 kg = 28 mg/day from 3 Feb for 4 weeks.
    pred = regimen(result, "prednisolone")
    assert pred.start == date(2027, 2, 3)
    assert (pred.items[0].date, pred.items[0].until, pred.items[0].amount) == (
        date(2027, 2, 3), date(2027, 3, 2), 28)
    assert [i.amount for i in pred.items] == [28, 21, 14, 11, 7, 5, 3]
    # Methotrexate 15 mg/m²/week x 0.61 m² = 9.15 mg -> 9 mg weekly from the start date.
    mtx = regimen(result, "methotrexate")
    assert (mtx.items[0].date, mtx.items[0].amount, len(mtx.items)) == (START, 9, 52)


def test_twenty_kg_child_on_the_kawasaki_plan(book):
    result = plan(book, "kawasaki_aha2017", weight="20", height="115")
    ivig = regimen(result, "ivig")
    # 2 g/kg x 20 kg = 40 g, one infusion.
    assert [(i.date, i.amount, i.capped) for i in ivig.items] == [(START, 40, False)]
    high, low = regimen(result, "aspirin").items
    # 80 mg/kg/day x 20 kg = 1,600 mg/day in 4 doses: 400 mg every 6 hours for 14 days.
    assert (high.amount, high.doses_per_day, high.daily_amount) == (400, 4, 1600)
    assert (high.date, high.until) == (START, date(2027, 2, 13))
    # Then 5 mg/kg/day x 20 kg = 100 mg, capped at 81 mg, once daily for 6 weeks, then stop.
    assert (low.exact, low.amount, low.capped, low.doses_per_day) == (100, 81, True, 1)
    assert (low.date, low.until) == (date(2027, 2, 14), date(2027, 3, 27))
    asp = regimen(result, "aspirin")
    assert asp.calculation(high) == (
        "80 mg/kg/day × 20 kg = 1,600 mg/day; 1,600 mg ÷ 4 = 400 mg every 6 hours (1,600 mg a day)")
    assert asp.calculation(low) == "5 mg/kg/day × 20 kg = 100 mg/day, above the cap of 81 mg/day: 81 mg"
    assert not asp.regimen.open_ended


def test_aspirin_day_never_above_its_cap(book):
    # 80 mg/kg/day x 60 kg = 4,800 mg/day, above 4,000 mg/day: 1,000 mg per dose.
    high = regimen(plan(book, "kawasaki_aha2017", weight="60", height="160"), "aspirin").items[0]
    assert (high.exact, high.amount, high.daily_amount, high.capped) == (1200, 1000, 4000, True)


def test_aspirin_divided_dose_rounded_on_its_own(book):
    # 80 mg/kg/day x 13.3 kg = 1,064 mg/day; / 4 = 266 mg -> 265 mg (5 mg steps); 1,060 mg a day.
    high = regimen(plan(book, "kawasaki_aha2017", weight="13.3", height="95"), "aspirin").items[0]
    assert (high.exact, high.amount, high.daily_amount) == (266, 265, 1060)


# Mosteller: sqrt(152.1 cm x 40 kg / 3600) = sqrt(1.69) = 1.3 m² exactly.
BSA_1_3 = {"weight": "40", "height": "152.1"}


def test_nih_cyclophosphamide_for_1_3_m2(book):
    result = plan(book, "lupus_nephritis_nih", **BSA_1_3)
    assert result.patient.bsa_m2 == D("1.3")
    cyc = regimen(result, "cyclophosphamide")
    # 500 mg/m² x 1.3 = 650 mg, then 750 mg/m² x 1.3 = 975 mg -> 980 mg (10 mg steps) x 5,
    # monthly from the first dose, each under the 1,500 mg cap.
    assert [(i.date, i.amount) for i in cyc.items] == [
        (date(2027, 1, 31), 650), (date(2027, 2, 28), 980), (date(2027, 3, 31), 980),
        (date(2027, 4, 30), 980), (date(2027, 5, 31), 980), (date(2027, 6, 30), 980)]
    assert not any(i.capped for i in cyc.items)
    second = cyc.regimen.phases[cyc.items[1].phase]
    assert second.condition == "if the nadir white cell count allowed"
    # Methylprednisolone 30 mg/kg/day x 40 kg = 1,200 mg, above the 1 g cap.
    assert {(i.amount, i.capped) for i in regimen(result, "methylprednisolone").items} == {(1000, True)}


def test_eurolupus_fixed_dose_whatever_the_weight(book):
    for weight, height in (("14", "96"), ("70", "170")):
        cyc = regimen(plan(book, "lupus_nephritis_eurolupus", weight=weight, height=height),
                      "cyclophosphamide")
        assert [(i.date, i.amount) for i in cyc.items] == [
            (date(2027, 1, 31), 500), (date(2027, 2, 14), 500), (date(2027, 2, 28), 500),
            (date(2027, 3, 14), 500), (date(2027, 3, 28), 500), (date(2027, 4, 11), 500)]
        assert cyc.calculation(cyc.items[0]) == "500 mg, a fixed dose"


def test_mycophenolate_at_1_3_and_3_m2(book):
    mmf = regimen(plan(book, "lupus_nephritis_mmf", **BSA_1_3), "mycophenolate").items
    # 600 mg/m² x 1.3 m² = 780 mg -> 800 mg (50 mg steps), twice daily, continuing.
    assert [(i.exact, i.amount, i.doses_per_day, i.until) for i in mmf] == [(780, 800, 2, None)]
    # sqrt(216 cm x 150 kg / 3600) = 3 m²: 1,800 mg, capped at 1,500 mg per dose.
    big = regimen(plan(book, "lupus_nephritis_mmf", weight="150", height="216"), "mycophenolate").items
    assert [(i.exact, i.amount, i.capped) for i in big] == [(1800, 1500, True)]


def test_first_dose_date_per_regimen(book):
    result = plan(book, "jdm_carra_ivmp", start_dates={"prednisolone": date(2027, 2, 10)})
    assert regimen(result, "prednisolone").items[0].date == date(2027, 2, 10)
    assert regimen(result, "methylprednisolone").items[0].date == START


@pytest.mark.parametrize("changes,field", [
    ({"plan_id": "no_such_plan"}, "plan"),
    ({"plan_id": "kawasaki_aha2017", "regimens": ("pamidronate",)}, "regimens"),
    ({"plan_id": "kawasaki_aha2017", "overrides": {"ivig": D(2)}}, "dose.ivig"),
    ({"plan_id": "jdm_carra_ivmp", "start_dates": {"ivig": START}}, "start.ivig"),
    ({"plan_id": "jdm_carra_ivmp", "start_dates": {"prednisolone": date(1999, 1, 1)}}, "start.prednisolone"),
    ({"plan_id": "jdm_carra_ivmp", "regimens": ("methotrexate",),
      "start_dates": {"prednisolone": START}}, "start.prednisolone"),
])
def test_choices_are_checked_against_the_chosen_plan(book, changes, field):
    plan_id = changes.pop("plan_id")
    with pytest.raises(InvalidInput) as caught:
        plan(book, plan_id, **changes)
    assert field in [e.field for e in caught.value.errors]


def test_a_late_phase_that_rounds_to_nothing_is_refused_naming_the_regimen(book):
    # 1.5 mg/kg/day x 0.3 kg = 0.45 mg rounds to 0 mg: the second phase cannot be given.
    with pytest.raises(InvalidInput) as caught:
        plan(book, "jdm_carra_ivmp", weight="0.3", height="25")
    assert [e.field for e in caught.value.errors] == ["regimens"]
    assert caught.value.errors[0].message.startswith("prednisolone: 1.5 mg/kg/day × 0.3 kg = 0.45 mg/day")


PLANS = ["jdm_calcinosis", "jdm_carra_ivmp", "kawasaki_aha2017", "lupus_nephritis_nih",
         "lupus_nephritis_mmf", "lupus_nephritis_eurolupus"]
weights = st.decimals(min_value=D(5), max_value=D(250), places=2)
heights = st.decimals(min_value=D(60), max_value=D(250), places=1)


@settings(max_examples=40, deadline=None)
@given(plan_id=st.sampled_from(PLANS), w=weights, h=heights, formula=st.sampled_from(sorted(FORMULAS)))
def test_every_regimen_within_its_caps_and_half_an_increment(book, plan_id, w, h, formula):
    for r in plan(book, plan_id, weight=w, height=h, bsa_formula=formula).regimens:
        for item in r.items:
            phase = r.regimen.phases[item.phase]
            assert item.amount <= phase.dose_cap
            assert abs(item.amount - min(item.exact, phase.dose_cap)) <= phase.round_to / 2
            assert item.capped == (item.exact > phase.dose_cap)
            if phase.per is not None:
                # The day's (or week's) total never above its cap.
                assert item.daily_amount <= phase.cap


@settings(max_examples=40, deadline=None)
@given(plan_id=st.sampled_from(PLANS), w=weights, extra=st.decimals(min_value=D("0.01"), max_value=D(30),
                                                                    places=2), h=heights)
def test_every_plan_monotone_in_weight(book, plan_id, w, extra, h):
    light = plan(book, plan_id, weight=w, height=h)
    heavy = plan(book, plan_id, weight=min(w + extra, D(250)), height=h)
    for a, b in zip(light.regimens, heavy.regimens, strict=True):
        assert all(x.amount <= y.amount for x, y in zip(a.items, b.items, strict=True))


@settings(max_examples=40, deadline=None)
@given(plan_id=st.sampled_from(PLANS), w=weights, h=heights, taller=st.decimals(
    min_value=D("0.1"), max_value=D(40), places=1))
def test_every_plan_monotone_in_bsa(book, plan_id, w, h, taller):
    short = plan(book, plan_id, weight=w, height=h)
    tall = plan(book, plan_id, weight=w, height=min(h + taller, D(250)))
    for a, b in zip(short.regimens, tall.regimens, strict=True):
        assert all(x.amount <= y.amount for x, y in zip(a.items, b.items, strict=True))


@settings(max_examples=40, deadline=None)
@given(plan_id=st.sampled_from(PLANS), lb=st.decimals(min_value=D(12), max_value=D(550), places=2),
       h=heights)
def test_every_plan_same_in_kg_and_lb(book, plan_id, lb, h):
    kg = half_up(lb * D("0.45359237"), D("0.01"))
    assert plan(book, plan_id, weight=lb, weight_unit="lb", height=h).regimens == \
        plan(book, plan_id, weight=kg, height=h).regimens


def test_each_drug_keeps_its_products_and_notes_in_every_plan(book):
    # Section A's products and section D's notes belong to the drug, whatever
    # the plan: the CARRA prednisolone is measured like the case plan's
    # (28 mg ÷ 3 mg/mL = 9.33 mL, 9.4 mL in a 10 mL syringe = 28.2 mg), and
    # the Kawasaki immunoglobulin carries the boxed-warning note.
    pred = regimen(plan(book, "jdm_carra_ivmp"), "prednisolone")
    first = pred.administration.measures[0]
    assert (first.volume, first.device.name, first.measured) == (D("9.4"), "10 mL syringe", D("28.2"))
    assert pred.regimen.notes == ("Calcium and vitamin D as per local protocol.",)
    ivig = regimen(plan(book, "kawasaki_aha2017", weight="20", height="110"), "ivig")
    assert ivig.regimen.notes == (
        "Check kidney function and hydration before each course; slowest practicable rate if at risk "
        "of thrombosis or kidney failure (boxed warning).",)


def test_eurolupus_cyclophosphamide_is_measured_diluted_and_noted(book):
    # 500 mg ÷ 20 mg/mL = 25 mL: more than the 20 mL syringe holds, so the
    # 50 mL syringe (1 mL steps), 25 mL = 500 mg; to 100 mL (5 mg/mL) over
    # 60 minutes: 100 mL/h. Six doses: 3,000 mg.
    cyc = regimen(plan(book, "lupus_nephritis_eurolupus"), "cyclophosphamide")
    given = cyc.administration
    m = given.measures[0]
    assert (m.volume, m.device.name, m.measured) == (25, "50 mL syringe", 500)
    infusion = given.infusions[0]
    assert (infusion.dilution.volume_ml, infusion.dilution.concentration) == (100, 5)
    assert [(s.rate_ml_per_h, s.minutes) for s in infusion.steps] == [(100, 60)]
    # A fixed dose, yet cyclophosphamide is totalled per m² against the
    # pharmacy's 4,000 mg/m² (section C): 3,000 mg ÷ 0.61 m² = 4,918 mg/m².
    total = given.cumulative
    assert (total.amount, total.basis_value, total.per_basis) == (3000, D("0.61"), 4918)
    assert total.basis_unit == "m2"
    assert total.reaches_threshold
    assert ("cyclophosphamide: the cumulative dose reaches 4,918 mg/m², at or above the 4,000 mg/m² the "
            "pharmacy set") in given.warnings
    assert cyc.regimen.notes == ("Hydration and mesna as per local protocol; check the blood count "
                                 "before each dose.",)
