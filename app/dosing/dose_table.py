"""A plan's dose table across a grid of weights (and heights, for doses per
m²), with what is measured where products are defined: for a ward chart or
a spreadsheet. Numbers as plain decimals with a point and no thousands
separator, so that a spreadsheet reads them as numbers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from .administration import Administration, administer
from .bsa import DEFAULT_FORMULA, body_surface_area
from .plan import regimen_doses
from .regimen_model import PlanDefinition, RegimenBook
from .rounding import plain

WEIGHTS_KG = tuple(Decimal(w) for w in ("3", "5", "7.5", "10", "12.5", "15", "20", "25", "30", "35", "40",
                                        "50", "60", "70", "80", "90", "100"))
HEIGHTS_CM = tuple(Decimal(h) for h in ("50", "75", "100", "125", "150", "175"))
COLUMNS = ("plan", "regimen", "drug", "phase", "weight_kg", "height_cm", "bsa_m2", "dose_rule", "exact",
           "amount", "unit", "capped", "product", "volume_ml", "device", "tablets", "measured_amount")
#: Any date: the table is about amounts, not dates.
START = date(2027, 1, 1)


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(plain(value), "f")


def dose_rows(book: RegimenBook, plan: PlanDefinition, weights: tuple[Decimal, ...] = WEIGHTS_KG,
              heights: tuple[Decimal, ...] = HEIGHTS_CM) -> Iterator[tuple[str, ...]]:
    """One row per regimen, phase, weight (and height, for a dose per m²),
    Mosteller BSA, each regimen's default product. A weight is the dosing
    weight of a regimen dosed on adjusted weight."""
    for entry in plan.entries:
        r = entry.regimen
        points: list[tuple[Decimal | None, Decimal | None]] = [(w, None) for w in weights]
        if r.basis == "bsa":
            points = [(w, h) for w in weights for h in heights]
        elif r.basis == "fixed":
            points = [(None, None)]
        for weight, height in points:
            bsa = None if height is None else body_surface_area(DEFAULT_FORMULA, height, weight)
            basis = {"weight": weight, "bsa": bsa, "fixed": Decimal(1)}[r.basis]
            doses = regimen_doses(r, basis, None, START)
            given = administer(r, entry.id, doses, None, None, book.devices, basis, weight or Decimal(1),
                               bsa or Decimal(1))
            for item in doses:
                phase = r.phases[item.phase]
                measure = given.measure_of(item) if isinstance(given, Administration) else None
                yield (plan.id, entry.id, r.drug, str(item.phase + 1), _text(weight), _text(height),
                       _text(bsa),
                       f"{_text(phase.dose)} {r.dose_unit}", _text(item.exact), _text(item.amount),
                       r.amount_unit, "yes" if item.capped else "no",
                       "" if measure is None or given.product is None else given.product.product.name,
                       "" if measure is None else _text(measure.volume),
                       "" if measure is None or measure.device is None else measure.device.name,
                       "" if measure is None else _text(measure.tablets),
                       "" if measure is None else _text(measure.measured))
