"""The growth check (issue 4): warnings, the unit explanation, the
confirmation rule and when the check is not done."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dosing import InvalidInput, PlanRequest, compute_plan
from app.dosing.growth import age_words, bmi_of, check_growth
from app.dosing.growth_references import load_references
from app.dosing.plan import make_patient

D = Decimal
REFS = load_references()
GIRL = {"age_years": 3, "age_months": 6, "sex": "female"}


def check(weight="14", weight_unit="kg", height="96", height_unit="cm", **kw):
    req = PlanRequest(D(weight), weight_unit, D(height), height_unit, date(2027, 1, 4), **kw)
    return check_growth(make_patient(req), REFS)


def by_measure(result):
    return {m.measure: m for m in result.measures}


def test_case_girl_is_plausible():
    """14 kg, 96 cm, 3 years 6 months (CDC 2000, read at 42.5 months)."""
    result = check(**GIRL)
    assert result.reference == "CDC 2000"
    assert result.warnings == () and not result.needs_confirmation
    measures = by_measure(result)
    assert measures["weight"].z == D("-0.50")  # ((14 / 14.8812)^-1.1070 - 1) / (-1.1070 x 0.12597)
    assert result.bmi == D("15.2")  # 14 / 0.96² = 15.19


def test_31_kg_girl_warns_and_explains_pounds():
    result = check("31", **GIRL)
    assert by_measure(result)["weight"].z == D("3.99")
    assert by_measure(result)["weight"].percentile == D("99.9")
    weight = result.warnings[0]
    assert weight.code == "weight_possibly_in_pounds"
    assert weight.message == (
        "31 kg is far above the expected weight for a 3-year-6-month-old girl (z +4.0). "
        "31 lb would be 14.06 kg (z -0.5). Was the weight measured in pounds?")
    # BMI 31 / 0.96² = 33.6 is above +3 too, but neither is beyond 5.
    assert [w.code for w in result.warnings] == ["weight_possibly_in_pounds", "bmi_for_age_extreme"]
    assert not result.needs_confirmation


def test_weight_in_kilograms_typed_as_pounds():
    """14 lb = 6.35 kg for the same girl: far below; read as 14 kg it fits."""
    result = check("14", "lb", **GIRL)
    assert result.warnings[0].code == "weight_possibly_in_kilograms"
    assert result.warnings[0].message.startswith("14 lb (6.35 kg) is far below the expected weight")
    assert result.warnings[0].message.endswith(
        "14 kg would give z -0.5. Was the weight measured in kilograms?")
    assert result.needs_confirmation  # z about -11


def test_height_in_inches_typed_as_centimetres():
    """38 in = 96.52 cm."""
    result = check(height="38", **GIRL)
    assert result.warnings[0].code == "height_possibly_in_inches"
    assert result.warnings[0].message.endswith(
        "38 in would be 96.52 cm (z -0.3). Was the height measured in inches?")


def test_no_explanation_when_the_other_unit_is_implausible_too():
    """45 kg for the girl: +4.9; 45 lb = 20.41 kg is itself about +2.5."""
    result = check("45", **GIRL)
    codes = [w.code for w in result.warnings]
    assert codes[0] == "weight_for_age_extreme"
    assert "pounds" not in result.warnings[0].message


def test_beyond_5_needs_confirmation():
    result = check("70", **GIRL)
    assert result.needs_confirmation
    assert result.confirm[0] == "weight-for-age z +5.9 is beyond ±5"


def test_bmi_above_every_reference_needs_confirmation():
    """A 15-year-old girl of 250 kg and 160 cm: the CDC weight z-score is
    compressed (+3.6), but the BMI 250 / 1.6² = 97.7 is above 60 kg/m²."""
    result = check("250", height="160", age_years=15, age_months=0, sex="female")
    assert by_measure(result)["weight"].z < 5
    assert result.bmi == D("97.7")
    assert "bmi_outside_reference" in [w.code for w in result.warnings]
    assert result.confirm == ("a BMI of 97.7 kg/m² is above 60 kg/m²",)


def test_compressed_cdc_weight_still_catches_pounds_in_an_adolescent():
    """A 12-year-old girl of 40 kg entered as 88 "kg": the CDC z-score is
    only +2.8 (compressed), the modified z-score +3.5; 88 lb is 39.92 kg."""
    result = check("88", height="150", age_years=12, age_months=0, sex="female")
    weight = result.warnings[0]
    assert weight.code == "weight_possibly_in_pounds"
    assert "(z +2.8, modified z +3.5)" in weight.message
    assert "88 lb would be 39.92 kg" in weight.message


def test_who_below_24_months_cdc_from_24():
    assert check("12", height="86", age_years=1, age_months=11, sex="male").reference == "WHO 2006"
    assert check("12", height="86", age_years=2, age_months=0, sex="male").reference == "CDC 2000"


def test_twelve_month_olds_of_9_kg():
    boy = by_measure(check("9", height="75", age_years=1, age_months=0, sex="male"))
    girl = by_measure(check("9", height="75", age_years=1, age_months=0, sex="female"))
    assert boy["weight"].percentile == D("26.3")
    assert girl["weight"].percentile == D("51.9")


@pytest.mark.parametrize("kw, reason", [
    ({}, "age (years and months) and sex are needed"),
    ({"age_years": 3, "age_months": 6}, "age (years and months) and sex are needed"),
    ({"sex": "female"}, "age (years and months) and sex are needed"),
    ({"age_years": 0, "age_months": 0, "sex": "female"}, "this patient is 0 years 0 months"),
    ({"age_years": 20, "age_months": 0, "sex": "male"}, "this patient is 20 years 0 months"),
    ({"age_years": 35, "age_months": 2, "sex": "male"}, "cover ages 1 month to 19 years 11 months"),
])
def test_check_not_done(kw, reason):
    result = check("31", **kw)
    assert result.reference is None and result.measures == ()
    assert reason in result.not_done
    assert [w.code for w in result.warnings] == ["growth_check_not_done"]
    assert not result.needs_confirmation


def test_age_words():
    assert age_words(3, 6) == "3-year-6-month-old"
    assert age_words(0, 11) == "11-month-old"
    assert age_words(1, 0) == "1-year-old"


def test_bmi_is_weight_over_height_squared():
    assert bmi_of(D(14), D(96)).quantize(D("0.001")) == D("15.191")  # 14 / 0.9216
    assert check("31", **GIRL).bmi == D("33.6")  # 31 / 0.9216 = 33.637, printed to 0.1
    assert check("0.3", height="250", **GIRL).bmi == D("0")  # 0.048: still judged, far below


def test_plan_refuses_unconfirmed_and_accepts_confirmed(book):
    req = PlanRequest(D(70), "kg", D(96), "cm", date(2027, 1, 4), **GIRL)
    with pytest.raises(InvalidInput) as caught:
        compute_plan(book, req, REFS)
    assert [e.field for e in caught.value.errors] == ["confirm_implausible"]
    assert caught.value.growth.needs_confirmation
    confirmed = PlanRequest(D(70), "kg", D(96), "cm", date(2027, 1, 4), confirm_implausible=True, **GIRL)
    plan = compute_plan(book, confirmed, REFS)
    assert plan.confirmed and plan.growth.warnings


@settings(max_examples=300, deadline=None)
@given(weight=st.one_of(
           st.tuples(st.decimals(min_value=D("0.3"), max_value=D(250), places=2), st.just("kg")),
           st.tuples(st.decimals(min_value=D("0.7"), max_value=D(551), places=1), st.just("lb"))),
       height=st.decimals(min_value=D(20), max_value=D(250), places=1),
       years=st.integers(0, 25), months=st.integers(0, 11), sex=st.sampled_from(["female", "male"]))
def test_rules_hold_for_any_measurement(weight, height, years, months, sex):
    """Warnings name |z| >= 3 (or compressed modified z >= 3); confirmation
    exactly when |z| >= 5 or BMI > 60; percentiles within 0.1 to 99.9."""
    result = check(str(weight[0]), weight[1], str(height), age_years=years, age_months=months, sex=sex)
    if result.reference is None:
        return
    zs = [abs(m.z) for m in result.measures]
    assert bool(result.confirm) == (max(zs) >= 5 or result.bmi > 60)
    if max(zs) >= 3:
        assert result.warnings
    assert all(D("0.1") <= m.percentile <= D("99.9") for m in result.measures)
    assert len(result.warnings) <= 3
