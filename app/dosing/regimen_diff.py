"""What an edit of `regimens.toml` changes: the fields, and the doses.

Fields: every value of the old and the new file, by its key path, with its
line in each. Doses: every regimen computed, phase by phase, on the grid the
engine itself rounds to (every 0.01 kg of weight from 0.3 to 250 kg; every
0.01 m² of body surface area that heights from 20 to 250 cm and weights
from 0.3 to 250 kg give at any BSA formula; a fixed dose once), in both
files, the patients whose dose changes summarised as ranges
("ivig: 30.25 to 250 kg: 61 to 70 g → 60 g (cap)"), never one line per
patient. A regimen dosed on adjusted body weight is computed on its dosing
weight: the same grid, read as dosing weight.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from . import formatting
from .bsa import FORMULAS, body_surface_area
from .inputs import HEIGHT_RANGE_CM, WEIGHT_RANGE_KG
from .regimen_model import Phase, Regimen, RegimenBook
from .rounding import round_dose
from .toml_source import TomlDocument

KG_STEP = Decimal("0.01")
M2_STEP = Decimal("0.01")
#: Past this many separate ranges in one phase (a new rounding step moves
#: doses up and down all along the grid), they are reported as one line.
MAX_RUNS = 10


class FieldChange(NamedTuple):
    """One value that differs: its key path, the old and new values as
    written (None when absent) and their lines."""

    path: str
    old: str | None
    new: str | None
    old_line: int | None
    new_line: int | None


class DoseChange(NamedTuple):
    """A range of basis values (kg or m², inclusive) over which a phase's
    dose changes, with the old and new amounts over it."""

    regimen: str
    phase: int | None
    low: Decimal
    high: Decimal
    basis_unit: str | None
    old: tuple[Decimal, Decimal]
    new: tuple[Decimal, Decimal]
    unit: str
    capped: bool
    #: More than one when separate ranges are reported together.
    ranges: int = 1

    def __str__(self) -> str:
        def span(pair: tuple[Decimal, Decimal]) -> str:
            low, high = pair
            return (formatting.amount(low, self.unit) if low == high
                    else f"{formatting.number(low)} to {formatting.amount(high, self.unit)}")
        where = self.regimen if self.phase is None else f"{self.regimen}, phase {self.phase}"
        if self.basis_unit is None:
            over = "every patient"
        elif self.low == self.high:
            over = formatting.amount(self.low, self.basis_unit)
        else:
            over = f"{formatting.number(self.low)} to {formatting.amount(self.high, self.basis_unit)}"
        if self.ranges > 1:
            over = f"{self.ranges} separate ranges from {over}"
        return f"{where}: {over}: {span(self.old)} → {span(self.new)}{' (cap)' if self.capped else ''}"


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*path, key))
    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
        for index, inner in enumerate(value):
            yield from _leaves(inner, (*path, str(index)))
    else:
        yield path, value


def _written(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_written(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def field_changes(old: TomlDocument, new: TomlDocument) -> list[FieldChange]:
    """Every key path whose value differs between the two documents."""
    before = dict(_leaves(old.data))
    after = dict(_leaves(new.data))
    changes = []
    for path in list(before) + [p for p in after if p not in before]:
        a, b = before.get(path), after.get(path)
        if a != b or type(a) is not type(b):
            changes.append(FieldChange(
                ".".join(path), None if path not in before else _written(a),
                None if path not in after else _written(b),
                old.line_of(path) if path in before else None, new.line_of(path) if path in after else None))
    return changes


def _weights() -> tuple[Decimal, ...]:
    low, high = WEIGHT_RANGE_KG
    return tuple(Decimal(n) * KG_STEP for n in range(int(low / KG_STEP), int(high / KG_STEP) + 1))


def _areas() -> tuple[Decimal, ...]:
    """Every 0.01 m² between the smallest and the largest BSA the accepted
    weights and heights give at any formula (BSA rises with both)."""
    (w_low, w_high), (h_low, h_high) = WEIGHT_RANGE_KG, HEIGHT_RANGE_CM
    low = min(body_surface_area(f, h_low, w_low) for f in FORMULAS)
    high = max(body_surface_area(f, h_high, w_high) for f in FORMULAS)
    return tuple(Decimal(n) * M2_STEP for n in range(int(low / M2_STEP), int(high / M2_STEP) + 1))


def grid_description() -> str:
    """The grid the dose report covers, in words."""
    areas = _areas()
    return (f"every 0.01 kg from {formatting.number(WEIGHT_RANGE_KG[0])} to "
            f"{formatting.amount(WEIGHT_RANGE_KG[1], 'kg')} (the dosing weight, for a regimen on adjusted "
            f"weight); every 0.01 m² from {formatting.number(areas[0])} to "
            f"{formatting.amount(areas[-1], 'm2')} (heights {formatting.number(HEIGHT_RANGE_CM[0])} to "
            f"{formatting.amount(HEIGHT_RANGE_CM[1], 'cm')}, weights {formatting.number(WEIGHT_RANGE_KG[0])} "
            f"to {formatting.amount(WEIGHT_RANGE_KG[1], 'kg')}, every BSA formula); a fixed dose once")


def _amounts(phase: Phase, bases: tuple[Decimal, ...]) -> list[tuple[Decimal, bool]]:
    factor, cap, step = phase.dose * phase.dose_factor, phase.dose_cap, phase.round_to
    return [(round_dose(factor * b, cap, step), factor * b > cap) for b in bases]


def _same_doses(a: Regimen, b: Regimen) -> bool:
    return (a.basis, a.amount_unit, a.phases, a.dosing_weight) == (b.basis, b.amount_unit, b.phases,
                                                                   b.dosing_weight)


def dose_changes(old: RegimenBook, new: RegimenBook) -> list[DoseChange]:
    """Every range of patients whose dose of a regimen present in both
    files changes, phase by phase."""
    changes: list[DoseChange] = []
    grids = {"weight": _weights(), "bsa": _areas(), "fixed": (Decimal(1),)}
    for rid, before in old.regimens.items():
        after = new.regimens.get(rid)
        if after is None or _same_doses(before, after) or before.basis != after.basis:
            continue
        bases = grids[before.basis]
        phases = max(len(before.phases), len(after.phases))
        for index in range(phases):
            if index >= len(before.phases) or index >= len(after.phases):
                continue
            old_amounts = _amounts(before.phases[index], bases)
            new_amounts = _amounts(after.phases[index], bases)
            changes.extend(_runs(rid, index + 1 if phases > 1 else None, bases, old_amounts, new_amounts,
                                 after))
    return changes


def _runs(rid: str, phase: int | None, bases: tuple[Decimal, ...], old: list[tuple[Decimal, bool]],
          new: list[tuple[Decimal, bool]], regimen: Regimen) -> list[DoseChange]:
    runs = []
    start = None
    for i in range(len(bases) + 1):
        differs = i < len(bases) and old[i][0] != new[i][0]
        if differs and start is None:
            start = i
        elif not differs and start is not None:
            olds = [a for a, _ in old[start:i]]
            news = [a for a, _ in new[start:i]]
            runs.append(DoseChange(rid, phase, bases[start], bases[i - 1], regimen.basis_unit,
                                   (min(olds), max(olds)), (min(news), max(news)), regimen.amount_unit,
                                   all(c for _, c in new[start:i])))
            start = None
    if len(runs) > MAX_RUNS:
        first, last = runs[0], runs[-1]
        return [DoseChange(rid, phase, first.low, last.high, regimen.basis_unit,
                           (min(r.old[0] for r in runs), max(r.old[1] for r in runs)),
                           (min(r.new[0] for r in runs), max(r.new[1] for r in runs)), regimen.amount_unit,
                           False, len(runs))]
    return runs
