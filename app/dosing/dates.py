"""Calendar arithmetic for schedules.

Calendar months are counted from the start date, not chained, with the day
clamped to the month's end: start 31 January, monthly, gives 28 (or 29)
February, 31 March, 30 April (`shared/clinical-reference.md`). Days are exact
days. An average month (Pint's `month`, 30.44 days) is never used.
"""

from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache

_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(start: date, months: int) -> date:
    """`start` plus `months` calendar months, the day clamped to month end."""
    year, month = divmod(start.year * 12 + (start.month - 1) + months, 12)
    month += 1
    last_day = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]
    return date(year, month, start.day if start.day <= last_day else last_day)


@lru_cache(maxsize=1024)
def every_months(start: date, months: int, count: int) -> tuple[date, ...]:
    """`count` dates, `months` calendar months apart, counted from `start`
    (cached: most requests start today)."""
    return tuple(add_months(start, months * n) for n in range(count))


@lru_cache(maxsize=1024)
def every_days(start: date, days: int, count: int) -> tuple[date, ...]:
    """`count` dates, exactly `days` days apart, from `start` (cached)."""
    first = start.toordinal()
    return tuple(date.fromordinal(first + days * n) for n in range(count))
