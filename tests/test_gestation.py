"""Corrected age for preterm infants (section I), worked by hand in days
with a month of 365.25 ÷ 12 = 30.4375 days."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dosing.gestation import corrected_age_months


def test_born_at_30_weeks_5_months_old_is_corrected():
    """5 × 30.4375 = 152.1875 days − (40 − 30) × 7 = 70 days = 82.1875 days,
    ÷ 30.4375 = 2.7: 2 completed months."""
    age = corrected_age_months(0, 5, 30, 0)
    assert age == (2, True, "corrected age 2 months: 5 months − 10 weeks (born at 30+0 weeks)")


def test_born_at_34_weeks_13_months_old_is_past_1_year():
    age = corrected_age_months(1, 1, 34, 0)
    assert age == (13, False, "chronological age 1 year 1 month: born at 34+0 weeks; age is corrected "
                              "only until 1 year for a birth at 32 to 36 weeks")


@pytest.mark.parametrize(("years", "months", "weeks", "days", "expected"), [
    # 32 to 36 weeks: corrected while under 12 months.
    # 11 × 30.4375 = 334.8125 − 42 = 292.8125 days = 9.62 months.
    (0, 11, 34, 0, (9, True)),
    (1, 0, 34, 0, (12, False)),
    (0, 11, 32, 0, (9, True)),   # 334.8125 − 56 = 278.8125 = 9.16
    (1, 0, 32, 0, (12, False)),
    # Before 32 weeks: corrected while under 24 months.
    (1, 0, 31, 6, (10, True)),   # 365.25 − 57 = 308.25 = 10.13
    # 23 months: 23 × 30.4375 = 700.0625 − 57 = 643.0625 days = 21.13 months.
    (1, 11, 31, 6, (21, True)),
    # 24 months: no longer corrected, the CDC reference from 24 months.
    (2, 0, 31, 6, (24, False)),
    # 22+0 at 23 months: 700.0625 − 126 = 574.0625 = 18.86.
    (1, 11, 22, 0, (18, True)),
    (2, 0, 22, 0, (24, False)),
    # 37 weeks and later: never corrected.
    (0, 1, 37, 0, (1, False)),
    (0, 1, 44, 6, (1, False)),
    # 36+6 at 1 month: 30.4375 − 22 = 8.4375 days: 0 completed months.
    (0, 1, 36, 6, (0, True)),
])
def test_correction_limits(years, months, weeks, days, expected):
    assert corrected_age_months(years, months, weeks, days)[:2] == expected


def test_a_month_is_30_4375_days():
    """22+5: correction 280 − 159 = 121 days. At 6 months, 6 × 30.4375 =
    182.625 − 121 = 61.625 days = 2.02 months: 2 (with 30-day months, 180 −
    121 = 59 days, it would be 1). 22+4: 122 days; 60.625 days = 1.99: 1."""
    assert corrected_age_months(0, 6, 22, 5)[:2] == (2, True)
    assert corrected_age_months(0, 6, 22, 4)[:2] == (1, True)


def test_before_the_due_date():
    """Born at 26+0 and 2 months old: 60.875 − 98 = −37.125 days."""
    age = corrected_age_months(0, 2, 26, 0)
    assert age == (-2, True, "corrected age before the due date: 2 months − 14 weeks (born at 26+0 weeks)")


def test_texts_say_days_and_term():
    assert corrected_age_months(0, 5, 30, 4).text == \
        "corrected age 2 months: 5 months − 9 weeks 3 days (born at 30+4 weeks)"
    assert corrected_age_months(0, 3, 39, 1).text == \
        "chronological age 3 months: born at 39+1 weeks, not before 37 weeks"


@pytest.mark.parametrize(("args", "field"), [
    ((0, 5, 21, 6), "gestation_weeks: must be a whole number from 22 to 44"),
    ((0, 5, 45, 0), "gestation_weeks: must be a whole number from 22 to 44"),
    ((0, 5, 30, 7), "gestation_days: must be a whole number from 0 to 6"),
    ((0, 5, 30, -1), "gestation_days"),
    ((0, 12, 30, 0), "age_months: must be a whole number from 0 to 11"),
    ((-1, 5, 30, 0), "age_years"),
    ((0, 5, True, 0), "gestation_weeks"),
])
def test_refusals_name_the_field(args, field):
    with pytest.raises(ValueError, match=field):
        corrected_age_months(*args)


@given(st.integers(0, 30), st.integers(22, 44), st.integers(0, 6))
def test_corrected_age_never_above_chronological_and_grows(months, weeks, days):
    now = corrected_age_months(months // 12, months % 12, weeks, days)
    later = corrected_age_months((months + 1) // 12, (months + 1) % 12, weeks, days)
    assert now.months <= months
    assert now.corrected or now.months == months
    if later.corrected == now.corrected:
        assert later.months == now.months + 1
