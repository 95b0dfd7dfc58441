"""The growth tables and the LMS arithmetic against published values."""

from __future__ import annotations

import csv
import math
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dosing.growth_references import TABLES, GrowthTableError, load_references
from app.dosing.lms import Lms, modified_z_score, percentile, value_at, who_z_score, z_score

REFS = load_references()

#: Standard normal quantiles for the CDC's percentile columns, from a
#: published normal table (e.g. Abramowitz and Stegun, table 26.5).
QUANTILES = {"P3": -1.880794, "P5": -1.644854, "P10": -1.281552, "P25": -0.674490, "P50": 0.0,
             "P75": 0.674490, "P85": 1.036433, "P90": 1.281552, "P95": 1.644854, "P97": 1.880794}


@pytest.mark.parametrize("name", ["cdc_2000_wtage", "cdc_2000_statage", "cdc_2000_bmiagerev"])
def test_cdc_published_percentiles_come_back_from_l_m_s(name):
    """Every row's published percentile columns (P3 to P97) have the z-score
    of their percentile: the table and the LMS formula agree."""
    with (TABLES / f"{name}.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 436
    for row in rows:
        lms = Lms(float(row["L"]), float(row["M"]), float(row["S"]))
        for column, z in QUANTILES.items():
            if column in row:
                assert z_score(float(row[column]), lms) == pytest.approx(z, abs=1e-5), (row["Agemos"], column)


def test_who_weight_for_age_at_12_months():
    """WHO 2006: a 12-month-old boy of 9 kg is about the 26th percentile, a
    girl of 9 kg about the 52nd (issue 4)."""
    boy = REFS.who.lms("weight", "male", 12)
    girl = REFS.who.lms("weight", "female", 12)
    assert boy == Lms(0.0644, 9.6479, 0.10925)  # WHO expanded table, boys, month 12
    assert round(percentile(z_score(9, boy))) == 26
    assert round(percentile(z_score(9, girl))) == 52


def test_who_sd_curves_at_12_months():
    """The WHO chart's SD lines for boys' weight at 12 months: -3 SD 6.9,
    -2 SD 7.7, median 9.6, +2 SD 12.0, +3 SD 13.3 kg."""
    boy = REFS.who.lms("weight", "male", 12)
    for z, kg in ((-3, 6.9), (-2, 7.7), (0, 9.6), (2, 12.0), (3, 13.3)):
        assert value_at(z, boy) == pytest.approx(kg, abs=0.05)


def test_who_extends_beyond_3_sd_linearly():
    """WHO restricted method: beyond +3 SD one unit is the 2-to-3 SD
    distance. For boys at 12 months that is 13.3 - 12.0 = 1.3 kg, so 14.6 kg
    is about +4 (by hand from the chart's SD lines, printed to 0.1 kg)."""
    boy = REFS.who.lms("weight", "male", 12)
    assert who_z_score(14.6, boy) == pytest.approx(4.0, abs=0.1)
    assert who_z_score(9, boy) == z_score(9, boy)


def test_cdc_median_weight_of_a_42_5_month_girl():
    """CDC 2000 wtage.csv, Sex 2, Agemos 42.5: M = 14.88121352 kg (P50). A
    girl of 42 completed months is read at 42.5."""
    assert REFS.cdc.lms("weight", "female", 42) == Lms(-1.107021613, 14.88121352, 0.125973221)


def test_31_kg_for_a_3_5_year_old_girl_is_about_plus_4():
    """clinical-reference.md: 31 kg about +4, 14.06 kg about -0.5.
    By hand: ((31 / 14.8812)^-1.1070 - 1) / (-1.1070 x 0.12597) = 3.99."""
    girl = REFS.cdc.lms("weight", "female", 42)
    assert z_score(31, girl) == pytest.approx(3.99, abs=0.005)
    assert z_score(14.06, girl) == pytest.approx(-0.465, abs=0.005)


def test_reference_changes_at_24_months():
    assert REFS.for_age(23).name == "WHO 2006"
    assert REFS.for_age(24).name == "CDC 2000"
    # 24 completed months is read at the CDC row 24.5.
    assert REFS.cdc.lms("weight", "male", 24) == Lms(-0.216501213, 12.74154396, 0.108166006)
    assert REFS.who.lms("weight", "male", 23) == Lms(-0.0083, 11.9514, 0.11369)


def test_ages_outside_the_references():
    assert REFS.for_age(0) is None
    assert REFS.for_age(1).name == "WHO 2006"
    assert REFS.for_age(239).name == "CDC 2000"
    assert REFS.for_age(240) is None


def test_interpolates_between_tabulated_ages():
    """Halfway between the CDC rows 24 and 24.5 (boys' weight)."""
    table = REFS.cdc.tables["weight", "male"]
    mid = table.at(24.25)
    assert mid.M == pytest.approx((12.6707633 + 12.74154396) / 2, abs=1e-9)
    assert mid.L == pytest.approx((-0.20615245 + -0.216501213) / 2, abs=1e-9)
    with pytest.raises(ValueError):
        table.at(240.5)


def test_modified_z_score_published_example():
    """CDC, "Modified z-scores in the CDC growth charts": a 48.5-month-old boy
    (BMI median 15.62, -2 SD 13.74) with a BMI of 12 has a modified z-score
    of (12 - 15.62) / ((15.62 - 13.74) / 2) = -3.85."""
    lms = REFS.cdc.tables["bmi", "male"].at(48.5)
    assert lms.M == pytest.approx(15.62, abs=0.01)
    assert value_at(-2, lms) == pytest.approx(13.74, abs=0.01)
    assert modified_z_score(12, lms) == pytest.approx(-3.85, abs=0.01)


@given(z=st.floats(min_value=-1.9, max_value=1.9), age=st.integers(24, 239),
       measure=st.sampled_from(["weight", "height", "bmi"]), sex=st.sampled_from(["female", "male"]))
def test_value_at_inverts_z_score(z, age, measure, sex):
    lms = REFS.cdc.lms(measure, sex, age)
    assert z_score(value_at(z, lms), lms) == pytest.approx(z, abs=1e-9)


@given(x=st.floats(min_value=0.5, max_value=300), dx=st.floats(min_value=0.01, max_value=50),
       age=st.integers(1, 239), sex=st.sampled_from(["female", "male"]))
def test_z_score_rises_with_the_measurement(x, dx, age, sex):
    ref = REFS.for_age(age)
    lms = ref.lms("weight", sex, age)
    score = who_z_score if ref.restricted else z_score
    assert score(x + dx, lms) > score(x, lms)
    assert modified_z_score(x + dx, lms) > modified_z_score(x, lms)


@given(z=st.floats(min_value=-8, max_value=8))
def test_percentile_is_symmetric_and_inside_0_to_100(z):
    assert 0 <= percentile(z) <= 100
    assert percentile(z) + percentile(-z) == pytest.approx(100, abs=1e-9)


def test_percentile_known_values():
    assert percentile(0) == 50
    assert percentile(1.959964) == pytest.approx(97.5, abs=1e-4)
    assert percentile(-1) == pytest.approx(15.8655, abs=1e-4)


def _copy(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(TABLES, folder)
    return folder


@pytest.mark.parametrize("line, replacement, message", [
    (5, "1,26.5,x,12.8,0.1", "cdc_2000_wtage.csv:5: L: not a number"),
    (5, "1,26.5,NaN,12.8,0.1", "cdc_2000_wtage.csv:5: L: not a number"),
    (5, "3,26.5,-0.2,12.8,0.1", "cdc_2000_wtage.csv:5: Sex: must be 1"),
    (5, "1,24,-0.2,12.8,0.1", "cdc_2000_wtage.csv:5: Agemos: ages must increase"),
    (5, "1,26.5,-0.2,0,0.1", "cdc_2000_wtage.csv:5: L, M, S: M and S must be above zero"),
    (5, "1,26.5,-3,12.8,0.2", "the +/-2 SD curves defined"),
])
def test_a_bad_table_is_refused_with_file_line_and_column(tmp_path, line, replacement, message):
    folder = _copy(tmp_path)
    path = folder / "cdc_2000_wtage.csv"
    lines = path.read_text().splitlines()
    lines[line - 1] = replacement
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(GrowthTableError, match=message.replace("+", r"\+").replace("(", r"\(")):
        load_references(folder)


def test_a_missing_or_short_table_is_refused(tmp_path):
    folder = _copy(tmp_path)
    (folder / "who_2006_bmi_for_age.csv").unlink()
    with pytest.raises(GrowthTableError, match="who_2006_bmi_for_age.csv: cannot be read"):
        load_references(folder)
    folder = _copy(tmp_path / "second")
    path = folder / "cdc_2000_statage.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:200]) + "\n")
    with pytest.raises(GrowthTableError, match="fewer than two rows for female"):
        load_references(folder)


def test_tables_cover_every_age_checked():
    for age in range(1, 240):
        ref = REFS.for_age(age)
        for measure in ("weight", "height", "bmi"):
            for sex in ("female", "male"):
                lms = ref.lms(measure, sex, age)
                assert math.isfinite(z_score(lms.M, lms)) and z_score(lms.M, lms) == 0
