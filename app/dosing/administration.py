"""Giving a worked-out regimen: the product, what is measured for each dose,
how it is infused, the cumulative dose and what to warn of.

`shared/clinical-reference.md`, second edition, sections A to D; the rules
themselves are in `measuring.py`, `infusions.py` and `cumulative.py`. Doses
of the same phase and amount are measured and infused once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from . import formatting
from .cumulative import Cumulative, cumulative
from .errors import FieldError
from .infusions import Infusion, infuse
from .measuring import Measure, measure, measure_capped
from .products import Device, ProductUse
from .regimen_model import Regimen

ZERO = Decimal(0)

if TYPE_CHECKING:
    from .plan import DoseItem, PhaseDoses


class Administration(NamedTuple):
    """How a regimen's doses are given. Every dose of a phase is the same
    amount, so `measures` and `infusions` hold one entry per phase (None
    where there is no product or no infusion); `measure_of` and
    `infusion_of` find a dose's, or a phase's."""

    product: ProductUse | None
    measures: tuple[Measure | None, ...]
    infusions: tuple[Infusion | None, ...]
    cumulative: Cumulative | None
    warnings: tuple[str, ...]

    def measure_of(self, item: DoseItem | PhaseDoses) -> Measure | None:
        return self.measures[item.phase]

    def infusion_of(self, item: DoseItem | PhaseDoses) -> Infusion | None:
        return self.infusions[item.phase]


def administer(regimen: Regimen, regimen_id: str, doses: tuple[PhaseDoses, ...], product_id: str | None,
               already_given: Decimal | None, devices: tuple[Device, ...], basis: Decimal,
               weight_kg: Decimal, bsa_m2: Decimal,
               max_rate: Decimal | None = None) -> Administration | FieldError:
    """Measure, infuse and total the `doses` of each phase of `regimen`, or the
    refusal of a dose that cannot be measured; `max_rate` (amount units per
    hour, from a kidney rule) lowers the infusion's own maximum."""
    use = regimen.product(product_id)
    unit = regimen.amount_unit
    warnings: list[str] = []
    measures: list[Measure | None] = []
    infusions: list[Infusion | None] = []
    phases = regimen.phases
    for item in doses:
        phase = phases[item.phase]
        taken = infused = None
        if use is not None:
            cap = phase.dose_cap
            if item.capped:
                intended = cap
                taken = measure_capped(item.amount, cap, use, devices)
            else:
                intended = item.exact
                taken = measure(item.amount, intended, cap, use, devices)
            if taken.measured <= 0:
                form = "tablet" if use.product.form == "tablet" else "graduation"
                return FieldError(f"product.{regimen_id}", (
                    f"{regimen.drug}: {formatting.amount(item.amount, unit)} is less than the smallest "
                    f"{form} of {use.product.name} can give; choose another product"))
            if abs(taken.deviation_percent) > regimen.max_deviation:
                warnings.append(
                    f"{regimen.drug}: {formatting.amount(taken.measured, unit)} measured for "
                    f"{formatting.amount(intended, unit)} intended "
                    f"({'+' if taken.deviation_percent > 0 else '−'}"
                    f"{formatting.number(abs(taken.deviation_percent))}%), more than "
                    f"{formatting.number(regimen.max_deviation)}% off")
            if regimen.infusion is not None and taken.volume is not None:
                infused = infuse(regimen.infusion, taken.measured, taken.volume, use.strength,
                                 weight_kg, bsa_m2, unit, max_rate)
                warnings.extend(f"{regimen.drug}: {w}" for w in infused.warnings)
        measures.append(taken)
        infusions.append(infused)
    total = _cumulative(regimen, doses, measures, already_given or ZERO, basis, weight_kg, bsa_m2)
    if total is not None and total.reaches_threshold:
        warnings.append(
            f"{regimen.drug}: the cumulative dose reaches "
            f"{formatting.amount(total.per_basis, f'{unit}/{total.basis_unit}')}, at or above the "
            f"{regimen.cumulative_threshold_text} the pharmacy set")
    return Administration(use, tuple(measures), tuple(infusions), total,
                          tuple(dict.fromkeys(warnings)) if warnings else ())


def _cumulative(regimen: Regimen, doses: tuple[PhaseDoses, ...], measures: list[Measure | None],
                already_given: Decimal, basis: Decimal, weight_kg: Decimal, bsa_m2: Decimal
                ) -> Cumulative | None:
    """Each dose counted once, each day of a daily run for its doses a day,
    per kg or m² of the basis used, or of the threshold's unit where that
    differs (the dosing weight in kg, the BSA in m²); None when a run is
    open-ended."""
    if regimen.open_ended:
        return None
    given = [(phase_doses.amount if taken is None else taken.measured, phase.doses_given)
             for phase, phase_doses, taken in zip(regimen.phases, doses, measures, strict=True)]
    per = regimen.cumulative_per or regimen.basis_unit
    value = basis if per == regimen.basis_unit else (bsa_m2 if per == "m2" else weight_kg)
    return cumulative(given, already_given, value, per, regimen.cumulative_threshold)
