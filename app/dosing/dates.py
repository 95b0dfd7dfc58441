"""Calendar arithmetic for schedules.

Calendar months are counted from the start date, not chained, with the day
clamped to the month's end: start 31 January, monthly, gives 28 (or 29)
February, 31 March, 30 April (`shared/clinical-reference.md`). Days are exact
days. An average month (Pint's `month`, 30.44 days) is never used.
"""

from __future__ import annotations

import calendar
from datetime import MAXYEAR, date
from functools import lru_cache

_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_date(months: int, day: int) -> date:
    """Day `day` (clamped to the month's end) of the month numbered
    `months` from January of year 0 (year x 12 + month - 1)."""
    year, month = divmod(months, 12)
    month += 1
    if day > 28:
        last_day = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]
        if day > last_day:
            day = last_day
    return date(year, month, day)


def add_months(start: date, months: int) -> date:
    """`start` plus `months` calendar months, the day clamped to month end."""
    return _month_date(start.year * 12 + start.month - 1 + months, start.day)


@lru_cache(maxsize=1024)
def every_months(start: date, months: int, count: int) -> tuple[date, ...]:
    """`count` dates, `months` calendar months apart, counted from `start`
    (cached: most requests start today). A day up to the 28th is in every
    month: within a `_block`, its dates are read from it; a later day is
    clamped, date by date."""
    first, day = start.year * 12 + start.month - 1, start.day
    numbers = range(first, first + months * count, months)
    if day > 28:
        return tuple([_month_date(number, day) for number in numbers])
    offset = start.month - 1
    end = offset + months * count
    if start.year + BLOCK_YEARS <= MAXYEAR and end - months < 12 * BLOCK_YEARS:
        _, block, month_starts = _block(start.year)
        return tuple([block[month_starts[month] + day - 1] for month in range(offset, end, months)])
    return tuple([date(number // 12, number % 12 + 1, day) for number in numbers])


#: The years of dates each `_block` holds: a schedule of days that starts
#: in its first year and ends within them (52 weekly doses span a year) is
#: a slice of the block rather than a new date per dose.
BLOCK_YEARS = 3


@lru_cache(maxsize=8)
def _block(year: int) -> tuple[int, tuple[date, ...], tuple[int, ...]]:
    """The ordinal of 1 January `year`, every date from it for
    `BLOCK_YEARS` years, and the index in them of the first of each of
    their months (cached: most schedules start this year)."""
    first = date(year, 1, 1).toordinal()
    days = tuple(map(date.fromordinal, range(first, date(year + BLOCK_YEARS, 1, 1).toordinal())))
    month_starts = tuple(date(year + month // 12, month % 12 + 1, 1).toordinal() - first
                         for month in range(12 * BLOCK_YEARS))
    return first, days, month_starts


def every_days(start: date, days: int, count: int) -> tuple[date, ...]:
    """`count` dates, exactly `days` days apart, from `start` (> 0)."""
    first = start.toordinal()
    end = first + days * count
    if start.year + BLOCK_YEARS <= MAXYEAR:
        block_first, block, _ = _block(start.year)
        if end - days - block_first < len(block):
            return block[first - block_first:end - block_first:days]
    return tuple(map(date.fromordinal, range(first, end, days)))
