"""From a checked request and the regimen book to dated, rounded doses.

exact = dose rule x basis (weight in kg or BSA in m²) [x dosing interval for
a per-day or per-week rule], converted to the amount unit; capped =
min(exact, cap); amount = capped rounded half-up to the increment, never
above the cap (`shared/clinical-reference.md`, "Arithmetic rules").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from . import formatting
from .bsa import body_surface_area
from .dates import every_days, every_months
from .errors import FieldError, InvalidInput
from .growth import GrowthCheck, check_growth
from .growth_references import GrowthReferences
from .inputs import PlanRequest, check_request
from .patient import Patient
from .regimens import BASIS_UNITS, Regimen, RegimenBook
from .rounding import half_up, plain, round_dose
from .units import TO_CM, TO_KG

WEIGHT_STEP = Decimal("0.01")
HEIGHT_STEP = Decimal("0.1")


class DoseItem(NamedTuple):
    """One dose, or one taper step given daily from `date` to `until`.

    An immutable named tuple rather than a frozen dataclass: a plan holds
    about 80 of them and a frozen dataclass costs three times as much to
    build (measured with `python -m bench`)."""

    date: date
    until: date | None
    dose: Decimal
    exact: Decimal
    capped: bool
    amount: Decimal


@dataclass(frozen=True)
class RegimenPlan:
    """A regimen worked out for one patient."""

    regimen: Regimen
    basis_value: Decimal
    overridden: bool
    items: tuple[DoseItem, ...]

    @property
    def basis_unit(self) -> str:
        return BASIS_UNITS[self.regimen.basis]

    @property
    def dose_rule(self) -> str:
        """The (first) dose rule as text, e.g. "2 mg/kg/day"."""
        return formatting.amount(self.items[0].dose, self.regimen.dose_unit)

    @property
    def cap(self) -> Decimal:
        """The cap per administration, in the amount unit."""
        return self.regimen.cap_amount

    @property
    def any_capped(self) -> bool:
        """True when the cap applied to at least one dose."""
        return any(item.capped for item in self.items)

    @property
    def exact_unit(self) -> str:
        """The unit of rule x basis: "mg/day" for a mg/kg/day rule, else the amount unit."""
        r = self.regimen
        return r.amount_unit if r.per is None else f"{r.amount_unit}/{r.per}"

    def calculation(self, item: DoseItem) -> str:
        """The arithmetic written out so it can be checked by hand, e.g.
        "15 mg/m²/week x 0.61 m² = 9.15 mg/week, rounded to 9 mg"."""
        r = self.regimen
        product = (f"{formatting.amount(item.dose, r.dose_unit)} x "
                   f"{formatting.amount(self.basis_value, self.basis_unit)} = "
                   f"{formatting.amount(item.exact, self.exact_unit)}")
        given = formatting.amount(item.amount, r.amount_unit)
        if item.capped:
            return f"{product}, above the cap of {formatting.amount(r.cap, r.cap_unit)}: {given}"
        if item.amount == item.exact:
            return product
        return f"{product}, rounded to {given}"


@dataclass(frozen=True)
class Plan:
    """The whole answer: who was dosed, from when, each regimen, and the
    growth check of the measurements."""

    patient: Patient
    start: date
    regimens: tuple[RegimenPlan, ...]
    growth: GrowthCheck
    confirmed: bool = False


def make_patient(req: PlanRequest) -> Patient:
    """Convert and round the measurements of a checked request."""
    weight_kg = half_up(req.weight * TO_KG[req.weight_unit], WEIGHT_STEP)
    height_cm = half_up(req.height * TO_CM[req.height_unit], HEIGHT_STEP)
    return Patient(
        weight_kg=weight_kg, height_cm=height_cm,
        bsa_m2=body_surface_area(req.bsa_formula, height_cm, weight_kg),
        bsa_formula=req.bsa_formula,
        weight_entered=plain(req.weight), weight_unit=req.weight_unit,
        height_entered=plain(req.height), height_unit=req.height_unit,
        age_years=req.age_years, age_months=req.age_months, sex=req.sex,
    )


def _dose_item(regimen: Regimen, basis: Decimal, dose: Decimal, start: date,
               until: date | None) -> DoseItem:
    exact = plain(dose * basis * regimen.dose_factor)
    return DoseItem(
        date=start, until=until, dose=dose, exact=exact,
        capped=exact > regimen.cap_amount,
        amount=round_dose(exact, regimen.cap_amount, regimen.round_to),
    )


def regimen_items(regimen: Regimen, basis: Decimal, dose: Decimal | None,
                  start: date) -> tuple[DoseItem, ...]:
    """Every dated dose of `regimen` for a basis value (kg or m²)."""
    if regimen.taper:
        items = []
        day = start
        for step in regimen.taper:
            until = None if step.weeks is None else day + timedelta(weeks=step.weeks, days=-1)
            items.append(_dose_item(regimen, basis, step.dose, day, until))
            if until is not None:
                day = until + timedelta(days=1)
        return tuple(items)
    schedule = regimen.schedule
    if schedule.every_days is not None:
        dates = every_days(start, schedule.every_days, schedule.count)
    else:
        dates = every_months(start, schedule.every_months, schedule.count)
    item = _dose_item(regimen, basis, dose, start, None)
    return tuple(DoseItem(d, None, item.dose, item.exact, item.capped, item.amount) for d in dates)


def compute_plan(book: RegimenBook, req: PlanRequest, references: GrowthReferences) -> Plan:
    """The plan for `req`, or `InvalidInput` listing every problem.

    The measurements are checked against the growth `references`; when the
    check needs them confirmed as re-measured and `req.confirm_implausible`
    is not set, that is an error of the field `confirm_implausible`. The
    `InvalidInput` raised after the check carries it."""
    plan = book.plan
    errors = check_request(req, plan.regimens, book.override_ranges)
    if errors:
        raise InvalidInput(errors)
    patient = make_patient(req)
    growth = check_growth(patient, references)
    if growth.needs_confirmation and not req.confirm_implausible:
        errors.append(FieldError(
            "confirm_implausible",
            f"needs confirming: {'; '.join(growth.confirm)}. Re-measure; confirm that the values "
            "were re-measured and are right only if they are."))
    chosen = plan.regimens if req.regimens is None else req.regimens
    results = []
    for rid in plan.regimens:
        if rid not in chosen:
            continue
        regimen = book.regimens[rid]
        basis = patient.weight_kg if regimen.basis == "weight" else patient.bsa_m2
        dose = req.overrides.get(rid, regimen.dose)
        items = regimen_items(regimen, basis, dose, req.start)
        zero = [i for i in items if i.amount == 0]
        if zero:
            errors.append(FieldError(
                "regimens",
                f"{regimen.drug}: {formatting.amount(zero[0].dose, regimen.dose_unit)} x "
                f"{formatting.amount(basis, BASIS_UNITS[regimen.basis])} = "
                f"{formatting.amount(zero[0].exact, regimen.amount_unit)}, which rounds to "
                f"0 {regimen.amount_unit} with its "
                f"{formatting.amount(regimen.round_to, regimen.amount_unit)} increment; "
                "this regimen cannot be calculated for this patient"))
        results.append(RegimenPlan(regimen, basis, rid in req.overrides, items))
    if errors:
        raise InvalidInput(errors, growth)
    return Plan(patient, req.start, tuple(results), growth,
                confirmed=growth.needs_confirmation and req.confirm_implausible)
