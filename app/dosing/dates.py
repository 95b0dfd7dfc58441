"""Calendar arithmetic for schedules.

Calendar months are counted from the start date, not chained, with the day
clamped to the month's end: start 31 January, monthly, gives 28 (or 29)
February, 31 March, 30 April (`shared/clinical-reference.md`). Days are exact
days. An average month (Pint's `month`, 30.44 days) is never used.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """`start` plus `months` calendar months, the day clamped to month end."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def every_months(start: date, months: int, count: int) -> tuple[date, ...]:
    """`count` dates, `months` calendar months apart, counted from `start`."""
    return tuple(add_months(start, months * n) for n in range(count))


def every_days(start: date, days: int, count: int) -> tuple[date, ...]:
    """`count` dates, exactly `days` days apart, from `start`."""
    return tuple(start + timedelta(days=days * n) for n in range(count))
