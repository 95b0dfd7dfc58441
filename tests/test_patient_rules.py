"""The right weight and the kidneys in the engine: dosing weight, where the
weight came from, kidney rules and corrected age, with figures computed by
hand from clinical-reference.md, second edition, sections E, F, G, I
(issue 15)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dosing import InvalidInput, PlanRequest, compute_plan
from app.dosing.growth_references import load_references

D = Decimal
TODAY = date(2027, 1, 31)
REFERENCES = load_references()
GIRL_3_6 = {"age_years": 3, "age_months": 6, "sex": "female"}


def plan(book, weight="14", height="96", **kw):
    kw.setdefault("start", TODAY)
    kw.setdefault("today", TODAY)
    return compute_plan(book, PlanRequest(D(weight), "kg", D(height), "cm", **kw), REFERENCES)


def regimen(result, rid):
    return next(r for r in result.regimens if r.id == rid)


def test_obese_14_year_old_girl_gets_immunoglobulin_on_adjusted_weight(book):
    result = plan(book, weight="95", height="160", age_years=14, age_months=0, sex="female",
                  regimens=("ivig", "methotrexate"))
    ivig = regimen(result, "ivig")
    # ideal 19.35257209 x 1.6² = 49.54 kg; 95 > 1.2 x 49.54 = 59.45; adjusted 49.54 + 0.4 x 45.46 = 67.72.
    assert (result.ideal.kg, ivig.dosing_weight.kind, ivig.dosing_weight.kg) == (D("49.54"), "adjusted",
                                                                                 D("67.72"))
    # 2 g/kg x 67.72 kg = 135.44 g, above the 70 g cap.
    assert (ivig.items[0].exact, ivig.items[0].amount, ivig.items[0].capped) == (D("135.44"), 70, True)
    assert ivig.calculation(ivig.items[0]).startswith("2 g/kg × 67.72 kg (adjusted weight) = 135.44 g")
    # BSA from the actual weight: sqrt(160 x 95 / 3600) = 2.05 m².
    assert result.patient.bsa_m2 == D("2.05")
    assert regimen(result, "methotrexate").dosing_weight is None


def test_exactly_120_percent_of_ideal_is_dosed_on_actual_weight(book):
    # Ideal 49.54 kg; 1.2 x 49.54 = 59.448 kg: 59.44 kg is not above it (nor is it equal to
    # a 0.01 kg weight above it), 59.45 kg is.
    base = {"height": "160", "age_years": 14, "age_months": 0, "sex": "female", "regimens": ("ivig",)}
    at = regimen(plan(book, weight="59.44", **base), "ivig")
    above = regimen(plan(book, weight="59.45", **base), "ivig")
    assert (at.dosing_weight.kind, at.dosing_weight.kg) == ("actual", D("59.44"))
    # 49.54 + 0.4 x (59.45 - 49.54) = 53.504 -> 53.5 kg
    assert (above.dosing_weight.kind, above.dosing_weight.kg) == ("adjusted", D("53.5"))


def test_sex_missing_from_2_years_is_refused_for_adjusted_weight(book):
    with pytest.raises(InvalidInput) as caught:
        plan(book, weight="95", height="160", age_years=14, age_months=0, regimens=("ivig",))
    assert [e.field for e in caught.value.errors] == ["sex"]
    assert "ideal weight" in caught.value.errors[0].message


@settings(max_examples=60, deadline=None)
@given(weight=st.decimals(min_value=D(10), max_value=D(150), places=2),
       height=st.decimals(min_value=D(90), max_value=D(190), places=1),
       years=st.integers(2, 19), sex=st.sampled_from(["female", "male"]))
def test_dose_on_adjusted_weight_never_exceeds_the_dose_on_actual_weight(book, weight, height, years, sex):
    ivig = regimen(plan(book, weight=str(weight), height=str(height), age_years=years, age_months=0,
                        sex=sex, regimens=("ivig",), confirm_implausible=True), "ivig")
    assert ivig.dosing_weight.kg <= weight
    assert ivig.items[0].amount <= min(70, (2 * weight).quantize(D(1), rounding="ROUND_HALF_UP"))


def test_old_weight_warns_and_high_alert_regimens_are_refused(book):
    old = TODAY - timedelta(days=31)
    result = plan(book, weighed_on=old, regimens=("ivig", "pamidronate"), **GIRL_3_6)
    assert result.notices == ("The weight was taken 31 days ago (31 Dec 2026), more than 30 days: weigh "
                              "the child again before dosing.",)
    with pytest.raises(InvalidInput) as caught:
        plan(book, weighed_on=old)
    assert [e.field for e in caught.value.errors] == ["weighed_on", "weighed_on"]
    assert caught.value.errors[1].message.startswith("cyclophosphamide is a high-alert medication")
    # 30 days is not older than 30 days.
    assert plan(book, weighed_on=TODAY - timedelta(days=30), **GIRL_3_6).notices == ()


def test_stated_weight_warns_and_refuses_high_alert(book):
    result = plan(book, weight_source="stated", regimens=("ivig",), **GIRL_3_6)
    assert result.notices == ("The weight was stated, not measured: weigh the child in kilograms before "
                              "dosing.",)
    with pytest.raises(InvalidInput) as caught:
        plan(book, weight_source="estimated", regimens=("methotrexate",))
    assert [e.field for e in caught.value.errors] == ["weight_source"]


def test_weight_in_the_future_is_refused(book):
    with pytest.raises(InvalidInput) as caught:
        plan(book, weighed_on=TODAY + timedelta(days=1))
    assert [e.field for e in caught.value.errors] == ["weighed_on"]


def kidney(book, creatinine, unit="mg/dL", formula="bedside_schwartz", **kw):
    return plan(book, creatinine=D(creatinine), creatinine_unit=unit, egfr_formula=formula, **GIRL_3_6, **kw)


def test_case_patient_egfr_both_formulas_and_units(book):
    # CKiD U25: K 33.736 x 0.96 m ÷ 0.35 mg/dL = 92.53 -> 92.5; 31 µmol/L ÷ 88.4 = 0.35 mg/dL.
    for value, unit in (("0.35", "mg/dL"), ("31", "umol/L")):
        result = kidney(book, value, unit, "ckid_u25")
        assert (result.kidney.value, result.kidney.k, result.kidney.creatinine_mg_dl) == (
            D("92.5"), D("33.736"), D("0.35"))
    # Bedside Schwartz: 0.413 x 96 ÷ 0.35 = 113.28 -> 113.3.
    assert kidney(book, "0.35").kidney.value == D("113.3")


def test_methotrexate_by_egfr_band(book):
    # Bedside Schwartz, 0.413 x 96 cm = 39.648 ÷ creatinine.
    with pytest.raises(InvalidInput) as caught:
        kidney(book, "5", regimens=("methotrexate",))  # 7.9: below 10
    assert "methotrexate: eGFR 7.9" in caught.value.errors[0].message and "do not give" in \
        caught.value.errors[0].message
    # 39.648 ÷ 3.96 = 10.01 -> 10.0: 50% of 9.15 mg = 4.575 mg -> 4.5 mg (0.5 mg steps).
    half = regimen(kidney(book, "3.96", regimens=("methotrexate",)), "methotrexate")
    assert (half.items[0].exact, half.items[0].amount) == (D("4.575"), D("4.5"))
    assert half.calculation(half.items[0]) == (
        "15 mg/m²/week × 0.61 m² = 9.15 mg/week × 50% for kidney function = 4.575 mg/week, "
        "rounded to 4.5 mg")
    assert half.calculation(half.items[0], "\u00a0") == (
        "15\u00a0mg/m²/week × 0.61\u00a0m² = 9.15\u00a0mg/week × 50% for kidney function = "
        "4.575\u00a0mg/week, rounded to 4.5\u00a0mg")
    # 39.648 ÷ 1.98 = 20.02 -> 20.0: a warning, the full dose.
    at_20 = regimen(kidney(book, "1.98", regimens=("methotrexate",)), "methotrexate")
    assert at_20.items[0].amount == 9 and any("prescriber decides" in w for w in at_20.kidney.warnings)
    # 39.648 ÷ 0.79 = 50.19 -> 50.2: nothing applies.
    assert regimen(kidney(book, "0.79", regimens=("methotrexate",)), "methotrexate").kidney.warnings == ()


def test_immunoglobulin_rate_lowered_below_egfr_60(book):
    # 39.648 ÷ 0.7 = 56.6: at most 3.3 mg/kg/min: 3.3 x 14 kg x 60 ÷ 100 mg/mL = 27.72 -> 27.7 mL/h.
    ivig = regimen(kidney(book, "0.7", regimens=("ivig",)), "ivig")
    steps = ivig.administration.infusions[0].steps
    assert [(s.rate_ml_per_h, s.minutes, s.volume_ml) for s in steps] == [
        (D("8.4"), 30, D("4.2")), (D("16.8"), 30, D("8.4")), (D("27.7"), 580, D("267.4"))]
    # 39.648 ÷ 0.66 = 60.07 -> 60.1: the usual 33.6 mL/h.
    usual = regimen(kidney(book, "0.66", regimens=("ivig",)), "ivig").administration.infusions[0].steps
    assert usual[-1].rate_ml_per_h == D("33.6")


def test_no_creatinine_says_kidney_function_not_given(book):
    mtx = regimen(plan(book, regimens=("methotrexate",)), "methotrexate")
    assert mtx.kidney.warnings == ("kidney function not given: check before each dose",)


def test_old_creatinine_warns(book):
    result = kidney(book, "0.35", creatinine_on=TODAY - timedelta(days=8), regimens=("ivig",))
    assert any("creatinine was taken 8 days ago" in n for n in result.notices)


def test_infant_born_at_30_weeks_is_checked_at_corrected_age(book):
    # 5 months = 152.19 days; 40 - 30 weeks = 70 days; 82.19 days = 2 completed months.
    result = plan(book, weight="5", height="58", age_years=0, age_months=5, sex="female",
                  gestation_weeks=30, gestation_days=0, regimens=("ivig",))
    assert (result.patient.age_used_months, result.patient.corrected_for_gestation) == (2, True)
    assert result.growth.reference == "WHO 2006"


def test_correction_ends_at_2_years_for_very_preterm(book):
    # Born at 31 weeks: corrected until 24 months of age.
    before = plan(book, weight="11", height="84", age_years=1, age_months=11, sex="male",
                  gestation_weeks=31, gestation_days=0, regimens=("ivig",))
    after = plan(book, weight="11", height="84", age_years=2, age_months=0, sex="male",
                 gestation_weeks=31, gestation_days=0, regimens=("ivig",))
    # 23 months = 700.06 days - 63 days = 637.06 days = 20 completed months (WHO); at 24, uncorrected (CDC).
    assert (before.patient.age_used_months, before.growth.reference) == (20, "WHO 2006")
    assert (after.patient.age_used_months, after.growth.reference) == (24, "CDC 2000")
