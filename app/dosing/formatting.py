"""Numbers and units written the ISMP way.

Pure functions of immutable values, so the sheet's many repeats of one
amount or date are cached.

Institute for Safe Medication Practices, "List of error-prone abbreviations,
symbols, and dose designations": always a leading zero (0.5 mg, never .5 mg),
never a trailing zero (5 mg, never 5.0 mg), thousands separators from 1,000
up (1,200 mg), a space between number and unit, mcg rather than µg.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_UNIT_WORDS = {"m2": "m²", "d": "day", "ug": "mcg", "µg": "mcg"}


def number(value: Decimal) -> str:
    """`value` with a leading zero, no trailing zeros, thousands separators
    (a normalized 7E+1 is written 70, as `plain` would make it)."""
    return format(value.normalize(), ",f")


@lru_cache(maxsize=256)
def unit(text: str) -> str:
    """A unit written as on the sheet ("mg/m2/week" becomes "mg/m²/week")."""
    return "/".join(_UNIT_WORDS.get(part.strip(), part.strip()) for part in text.split("/"))


@lru_cache(maxsize=4096)
def amount(value: Decimal, unit_text: str) -> str:
    """A number and its unit, e.g. "1,200 mg", "0.5 mg", "15 mg/m²"."""
    return f"{number(value)} {unit(unit_text)}"


@lru_cache(maxsize=4096)
def long_date(day: date) -> str:
    """A date that cannot be misread across locales: "31 Jan 2027"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def weekday(day: date) -> str:
    """The English name of the day of the week ("Sunday")."""
    return _WEEKDAYS[day.weekday()]
