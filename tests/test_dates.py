"""Calendar months counted from the start with the day clamped; exact days."""

import calendar
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.dosing.dates import add_months, every_days, every_months


def test_monthly_from_31_january_clamps_to_month_end():
    assert every_months(date(2027, 1, 31), 1, 5) == (
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31),
        date(2027, 4, 30), date(2027, 5, 31),
    )


def test_leap_year_february():
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2100 - 1, 12, 31), 2) == date(2100, 2, 28)  # 2100 is not leap


def test_months_are_counted_from_start_not_chained():
    # Chaining would give 31 Jan -> 28 Feb -> 28 Mar; counting gives 31 Mar.
    assert every_months(date(2027, 1, 31), 1, 3)[2] == date(2027, 3, 31)


def test_every_three_months_and_across_year_end():
    assert every_months(date(2027, 11, 30), 3, 3) == (
        date(2027, 11, 30), date(2028, 2, 29), date(2028, 5, 30))


def test_every_seven_days_is_exact_days():
    weekly = every_days(date(2027, 12, 24), 7, 3)
    assert weekly == (date(2027, 12, 24), date(2027, 12, 31), date(2028, 1, 7))


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
       months=st.integers(min_value=1, max_value=12), count=st.integers(min_value=1, max_value=24))
def test_every_months_is_the_same_day_of_each_month_or_its_last(start, months, count):
    dates = every_months(start, months, count)
    assert len(dates) == count
    for n, day in enumerate(dates):
        year, month = divmod(start.year * 12 + start.month - 1 + months * n, 12)
        last = calendar.monthrange(year, month + 1)[1]
        assert day == date(year, month + 1, min(start.day, last)) == add_months(start, months * n)


@given(start=st.dates(min_value=date(1, 1, 1), max_value=date(9990, 12, 31)),
       days=st.integers(min_value=1, max_value=400), count=st.integers(min_value=0, max_value=60))
def test_every_days_is_start_plus_whole_intervals_in_and_beyond_a_block(start, days, count):
    # Schedules within a cached block of dates are slices of it; longer ones
    # (and those near the last year) are made date by date: both alike.
    assert every_days(start, days, count) == tuple(
        date.fromordinal(start.toordinal() + days * n) for n in range(count))


@given(start=st.dates(min_value=date(1, 1, 1), max_value=date(9990, 12, 31)),
       months=st.integers(min_value=1, max_value=12), count=st.integers(min_value=0, max_value=60))
def test_every_months_in_and_beyond_a_block_is_add_months(start, months, count):
    assert every_months(start, months, count) == tuple(add_months(start, months * n) for n in range(count))
