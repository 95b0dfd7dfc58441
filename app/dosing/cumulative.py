"""Cumulative dose of a finite course (`shared/clinical-reference.md`,
second edition, section C).

The total of the measured amounts (every dose of every phase, a daily run
counted for each of its days and doses), plus what the prescriber says was
already given before this plan (same unit), and that total per kg or per m²
of the basis used, rounded half-up to 0.01 per kg or 1 per m². An
open-ended regimen has no total. Where the pharmacy set a threshold per
basis unit (cyclophosphamide 4,000 mg/m², Green DM et al., Lancet Oncol
2014;15:1215), reaching it is a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from .rounding import half_up, plain

PER_BASIS_STEP = {"kg": Decimal("0.01"), "m2": Decimal(1)}


class Cumulative(NamedTuple):
    """`amount` in the regimen's amount unit; `per_basis` in that unit per
    `basis_unit`, `amount` divided by `basis_value` (kg or m²; all three
    None for a fixed dose without a threshold)."""

    amount: Decimal
    already_given: Decimal
    per_basis: Decimal | None
    basis_unit: str | None
    reaches_threshold: bool
    basis_value: Decimal | None = None


def cumulative(doses: Iterable[tuple[Decimal, int]], already_given: Decimal, basis: Decimal,
               basis_unit: str | None, threshold: Decimal | None) -> Cumulative:
    """The course's cumulative dose from its (measured amount, times given)
    and what was already given."""
    amount = already_given
    for measured, times in doses:
        amount += measured * times
    per_basis = None if basis_unit is None else half_up(amount / basis, PER_BASIS_STEP[basis_unit])
    reaches = threshold is not None and per_basis is not None and per_basis >= threshold
    return Cumulative(plain(amount), already_given, per_basis, basis_unit, reaches,
                      None if basis_unit is None else basis)
