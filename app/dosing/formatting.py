"""Numbers and units written the ISMP way.

Pure functions of immutable values, so the sheet's many repeats of one
amount or date are cached.

Institute for Safe Medication Practices, "List of error-prone abbreviations,
symbols, and dose designations": always a leading zero (0.5 mg, never .5 mg),
never a trailing zero (5 mg, never 5.0 mg), thousands separators from 1,000
up (1,200 mg), a space between number and unit, mcg rather than µg.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Below 1,000 in size a number has no separator; `str` writes a plain
#: value without an exponent down to 1E-6 (its adjusted exponent -6).
_THOUSAND = Decimal(1000)
_ONE = Decimal(1)
_SMALLEST_PLAIN = -6
_UNIT_WORDS = {"m2": "m²", "d": "day", "ug": "mcg", "µg": "mcg"}


def number(value: Decimal) -> str:
    """`value` with a leading zero, no trailing zeros, thousands separators.
    Below 1,000 (and from 0.000001) the plain value's `str` is that text,
    at a fifth of the cost of `format`. The value is made plain as
    `rounding.plain` does, written out here: the sheet writes a hundred
    numbers, and a Python call is a sixth of the cost of one."""
    shown = value.quantize(_ONE) if value == value.to_integral_value() else value.normalize()
    if -_THOUSAND < shown < _THOUSAND and shown.adjusted() >= _SMALLEST_PLAIN:
        return str(shown)
    return format(shown, ",f")


@lru_cache(maxsize=256)
def unit(text: str) -> str:
    """A unit written as on the sheet ("mg/m2/week" becomes "mg/m²/week")."""
    return "/".join(_UNIT_WORDS.get(part.strip(), part.strip()) for part in text.split("/"))


@lru_cache(maxsize=4096)
def amount(value: Decimal, unit_text: str, space: str = " ") -> str:
    """A number and its unit, e.g. "1,200 mg", "0.5 mg", "15 mg/m²", joined
    by `space` (a no-break space on the sheet)."""
    return f"{number(value)}{space}{unit(unit_text)}"


#: A space after a digit and before a unit or word ("28 mg", "2 tablets").
#: Written to start with the space, which the regular expression engine
#: finds by a fast scan, rather than with the look-behind for the digit,
#: which it would try at every character: twice as fast over a sentence.
_NUMBER_THEN_UNIT = re.compile(r" (?<=[0-9] )(?=[a-zµ%])")


def units_joined(text: str, space: str) -> str:
    """`text` (a sentence, or words from the regimen file) with each number
    joined to the unit or word after it by `space`: "every 6\u00a0hours"."""
    return text if space == " " else _NUMBER_THEN_UNIT.sub(space, text)


@lru_cache(maxsize=4096)
def long_date(day: date) -> str:
    """A date that cannot be misread across locales: "31 Jan 2027"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def weekday(day: date) -> str:
    """The English name of the day of the week ("Sunday")."""
    return _WEEKDAYS[day.weekday()]
