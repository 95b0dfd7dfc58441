"""Typed reads of the fields of a regimen file, each problem with its line.

The primitives the loaders of plans, regimens, products and devices share:
text, plain bounded numbers, whole numbers, Pint units and
{value, unit, source} quantities, each refused with `file:line: field:
message` (`errors.FileProblem`) rather than raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pint

from .errors import FileProblem
from .rounding import plain
from .toml_source import NotPlainNumber, TomlDocument
from .units import Quantity, magnitude_in, ureg

MAX_TEXT = 400
#: A number in the file: digits with at most one point, as typed input.
INTEGER_DIGITS = 7
FRACTION_DIGITS = 6

AMOUNT_KEYS = {"value", "unit", "source"}


class FieldReader:
    """Reads typed values out of the parsed TOML, collecting every problem
    with its line instead of stopping at the first."""

    def __init__(self, file: str, document: TomlDocument) -> None:
        self.file = file
        self.line_of = document.line_of
        self.problems: list[FileProblem] = []

    def problem(self, path: tuple[str, ...], message: str) -> None:
        self.problems.append(
            FileProblem(self.file, self.line_of(path), ".".join(path), message)
        )

    def table(self, data: Any, path: tuple[str, ...], allowed: set[str]) -> dict | None:
        if not isinstance(data, dict):
            self.problem(path, "must be a table")
            return None
        for key in sorted(set(data) - allowed):
            self.problem((*path, key), f"unknown field; allowed: {', '.join(sorted(allowed))}")
        return data

    def text(self, data: dict, path: tuple[str, ...], required: bool = True) -> str | None:
        value = data.get(path[-1])
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "required text is missing or empty")
            return None
        if len(value) > MAX_TEXT:
            self.problem(path, f"is longer than {MAX_TEXT} characters")
            return None
        return value.strip()

    def number(self, data: dict, path: tuple[str, ...]) -> Decimal | None:
        """A number above zero written as a plain decimal (no exponent), at
        most 7 digits before the point and 6 after."""
        value = data.get(path[-1])
        allowed = (f"a plain decimal above zero with at most {INTEGER_DIGITS} digits before "
                   f"the point and {FRACTION_DIGITS} after, such as 0.5 or 1200")
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            written = value.text if isinstance(value, NotPlainNumber) else value
            shown = f", not {written[:30]}" if isinstance(written, str) and path[-1] in data else ""
            self.problem(path, f"must be {allowed}{shown}")
            return None
        number = Decimal(value) if isinstance(value, int) and abs(value) < 10**INTEGER_DIGITS else value
        if (isinstance(number, int) or not number.is_finite() or number <= 0
                or number.adjusted() >= INTEGER_DIGITS or -number.as_tuple().exponent > FRACTION_DIGITS):
            self.problem(path, f"must be {allowed}")
            return None
        return plain(number)

    def whole(self, data: dict, path: tuple[str, ...], top: int) -> int | None:
        value = data.get(path[-1])
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            self.problem(path, f"must be a whole number from 1 to {top}")
            return None
        return value

    def unit(self, data: dict, path: tuple[str, ...]) -> pint.Unit | None:
        text = self.text(data, path)
        if text is None:
            return None
        try:
            return ureg.parse_units(text)
        except (pint.PintError, ValueError, TypeError, AttributeError, SyntaxError, KeyError) as err:
            self.problem(path, f"'{text}' is not a unit Pedidose knows ({str(err)[:80]})")
            return None


@dataclass(frozen=True)
class WrittenQuantity:
    """A {value, unit, source} table as read."""

    value: Decimal
    unit: pint.Unit
    text: str
    source: str


def read_quantity(rd: FieldReader, data: Any, path: tuple[str, ...]) -> WrittenQuantity | None:
    table = rd.table(data, path, AMOUNT_KEYS)
    if table is None:
        return None
    value = rd.number(table, (*path, "value"))
    unit = rd.unit(table, (*path, "unit"))
    source = rd.text(table, (*path, "source"))
    if value is None or unit is None or source is None:
        return None
    return WrittenQuantity(value, unit, str(table["unit"]).strip(), source)


def describe(dimensionality: Any) -> str:
    return str(dimensionality) if dimensionality else "a plain number"


def read_sizes(rd: FieldReader, data: Any, path: tuple[str, ...], dimension: Any, target: str,
               what: str) -> tuple[Decimal, ...] | None:
    """A {sizes, unit, source} table (vial masses, bag volumes): the sizes
    in `target`, smallest first; `what` names them in messages ("vial
    sizes, the mass in each vial, such as g")."""
    table = rd.table(data, path, {"sizes", "unit", "source"})
    if table is None:
        return None
    unit = rd.unit(table, (*path, "unit"))
    rd.text(table, (*path, "source"))
    sizes = table.get("sizes")
    if not isinstance(sizes, list) or not sizes:
        rd.problem((*path, "sizes"), f"must be a list of {what.split(',')[0]}, such as [10, 20]")
        return None
    read = [rd.number({"sizes": s}, (*path, "sizes")) for s in sizes]
    if unit is None or None in read:
        return None
    if unit.dimensionality != dimension:
        rd.problem((*path, "unit"), f"must be {what}")
        return None
    return tuple(sorted(magnitude_in(Quantity(s, unit), target) for s in read))
