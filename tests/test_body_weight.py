"""Ideal, adjusted and dosing weight against the clinical reference (section E).

Medians are the CDC 2000 BMI-for-age M values as published
(cdc_2000_bmiagerev.csv, rows at completed months + 0.5); products worked
by hand.
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dosing.body_weight import IdealWeight, adjusted_weight, dosing_weight, ideal_weight
from app.dosing.growth_references import TABLES, GrowthTableError, load_references

D = Decimal
REFS = load_references()


def test_reference_example_girl_14_years():
    """Section E: M 19.35257209 (CDC row 168.5, girls); 19.35257209 × 1.6² =
    49.5425… → 49.54 kg; 95 > 1.2 × 49.54 = 59.448; 49.54 + 0.4 × 45.46 =
    67.724 → 67.72 kg."""
    ideal = ideal_weight(REFS, "female", 14, 0, D("160.0"))
    assert ideal.median_bmi == D("19.35257209")
    assert ideal.kg == D("49.54")
    assert ideal.text == "ideal 19.35257209 kg/m² × (1.6 m)² = 49.54 kg"
    used = dosing_weight(D(95), ideal, D("0.4"), D(120))
    assert used == ("adjusted", D("67.72"), D("49.54"), D("67.72"),
                    "ideal 19.35257209 kg/m² × (1.6 m)² = 49.54 kg; "
                    "adjusted 49.54 + 0.4 × (95 − 49.54) = 67.72 kg")


@pytest.mark.parametrize(("sex", "years", "months", "height", "median", "kg"), [
    # 16.64613844 × 1.4² = 32.6264… (boys, row 120.5)
    ("male", 10, 0, "140", "16.64613844", "32.63"),
    # 16.38804056 × 0.9² = 13.2743… (girls, row 24.5: the first month with an IBW)
    ("female", 2, 0, "90", "16.38804056", "13.27"),
    # 21.71189225 × 1.65² = 59.1106… (girls, row 239.5: the last)
    ("female", 19, 11, "165", "21.71189225", "59.11"),
])
def test_ideal_weight_from_published_medians(sex, years, months, height, median, kg):
    ideal = ideal_weight(REFS, sex, years, months, D(height))
    assert (ideal.median_bmi, ideal.kg, ideal.missing_age_or_sex) == (D(median), D(kg), False)


@pytest.mark.parametrize(("years", "months", "says"), [
    (1, 11, "no ideal body weight under 2 years"),
    (0, 3, "no ideal body weight under 2 years"),
    (20, 0, "no ideal body weight from 20 years"),
])
def test_no_ideal_weight_outside_2_to_20_years(years, months, says):
    ideal = ideal_weight(REFS, "female", years, months, D(80))
    assert ideal.kg is None and ideal.median_bmi is None and not ideal.missing_age_or_sex
    assert ideal.text.startswith(says)
    used = dosing_weight(D("11.2"), ideal)
    assert used == ("actual", D("11.2"), None, None, f"{ideal.text}; actual weight used")


@pytest.mark.parametrize(("sex", "years", "months"), [(None, 14, 0), ("female", None, None)])
def test_missing_age_or_sex_refuses_adjusted_weight(sex, years, months):
    ideal = ideal_weight(REFS, sex, years, months, D(160))
    assert ideal.kg is None and ideal.missing_age_or_sex
    with pytest.raises(ValueError, match="needs the age .*and sex"):
        dosing_weight(D(95), ideal)


def test_exactly_120_percent_is_not_above():
    """An ideal of 50 kg: 120% is 60 kg. 60 kg is not above it (actual); 60.01
    is (adjusted 50 + 0.4 × 10.01 = 54.004 → 54)."""
    ideal = IdealWeight(D(50), D("19.53125"), D("1.6"), "ideal 19.53 kg/m² × (1.6 m)² = 50 kg", False)
    at = dosing_weight(D(60), ideal, D("0.4"), D(120))
    assert (at.kind, at.kg, at.adjusted) == ("actual", D(60), None)
    assert at.text == ("ideal 19.53 kg/m² × (1.6 m)² = 50 kg; 60 kg is not above 120% of ideal "
                       "(60 kg): actual weight used")
    above = dosing_weight(D("60.01"), ideal, D("0.4"), D(120))
    assert (above.kind, above.kg) == ("adjusted", D(54))


def test_threshold_around_the_reference_example():
    """1.2 × 49.54 = 59.448: 59.44 kg is actual, 59.45 kg is adjusted
    (49.54 + 0.4 × 9.91 = 53.504 → 53.5)."""
    ideal = ideal_weight(REFS, "female", 14, 0, D(160))
    assert dosing_weight(D("59.44"), ideal).kind == "actual"
    assert dosing_weight(D("59.45"), ideal).kg == D("53.5")


def test_factor_and_threshold_are_parameters():
    """Factor 0.3, threshold 150%: 49.54 × 1.5 = 74.31; 95 is above;
    49.54 + 0.3 × 45.46 = 63.178 → 63.18. At 200%, 95 < 99.08: actual."""
    ideal = ideal_weight(REFS, "female", 14, 0, D(160))
    assert dosing_weight(D(95), ideal, D("0.3"), D(150)).kg == D("63.18")
    assert dosing_weight(D(95), ideal, D("0.3"), D(200)).kind == "actual"


def test_a_missing_median_row_is_refused(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(TABLES, folder)
    path = folder / "cdc_2000_bmiagerev.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("2,168.5,")))
    with pytest.raises(GrowthTableError, match=r"cdc_2000_bmiagerev.csv: female: no row at 168 \+ 0.5"):
        load_references(folder)


weights = st.decimals(min_value=D(5), max_value=D(250), places=2)


@given(weights, weights, st.sampled_from([D("0.25"), D("0.4"), D("0.5")]))
def test_adjusted_lies_between_ideal_and_actual(ideal, actual, factor):
    adjusted = adjusted_weight(actual, ideal, factor)
    assert min(ideal, actual) <= adjusted <= max(ideal, actual)


@given(st.integers(24, 239), st.sampled_from(["female", "male"]),
       st.decimals(min_value=D(80), max_value=D(200), places=1), weights)
def test_dosing_weight_never_above_actual(months, sex, height, actual):
    """The weight an adjusted-weight regimen doses on is never above the
    actual weight, and is the actual weight unless above the threshold."""
    ideal = ideal_weight(REFS, sex, months // 12, months % 12, height)
    used = dosing_weight(actual, ideal)
    assert used.kg <= actual
    assert (used.kind == "adjusted") == (actual > ideal.kg * D("1.2"))
    assert used.kind == "actual" or ideal.kg < used.kg
