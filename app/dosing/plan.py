"""From a checked request and the regimen book to dated, rounded doses.

exact = dose rule x basis (weight in kg, BSA in m², or 1 for a fixed dose)
[x dosing interval for a per-day or per-week rule, ÷ the doses a day when a
day's dose is divided], converted to the amount unit; capped = min(exact,
cap per dose); amount = capped rounded half-up to the increment, never above
the cap (`shared/clinical-reference.md`, "Arithmetic rules" and section H).
Phases, and the dates of each, are laid out by `regimen_items`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from . import formatting
from .administration import Administration, administer
from .bsa import body_surface_area
from .dates import every_days, every_months
from .errors import FieldError, InvalidInput
from .growth import GrowthCheck, check_growth
from .growth_references import GrowthReferences
from .inputs import PlanRequest, check_request
from .patient import Patient
from .regimen_model import Phase, PlanDefinition, PlanEntry, Regimen, RegimenBook
from .rounding import half_up, plain, round_dose
from .units import TO_CM, TO_KG

WEIGHT_STEP = Decimal("0.01")
HEIGHT_STEP = Decimal("0.1")


class DoseItem(NamedTuple):
    """One dose of a course, or one phase given daily from `date` to `until`
    (None: until changed), `doses_per_day` times a day.

    `dose` is the rule (per kg or m², or the fixed amount), `exact` the
    exact amount per dose, `amount` what is given per dose. An immutable
    named tuple rather than a frozen dataclass: a plan holds about 80 of
    them and a frozen dataclass costs three times as much to build
    (measured with `python -m bench`)."""

    date: date
    until: date | None
    dose: Decimal
    exact: Decimal
    capped: bool
    amount: Decimal
    phase: int = 0
    doses_per_day: int = 1

    @property
    def daily_amount(self) -> Decimal:
        """What is given in a day: the amount times the doses a day."""
        return self.amount * self.doses_per_day


@dataclass(frozen=True)
class RegimenPlan:
    """A regimen of the chosen plan worked out for one patient, from its
    first dose on `start`."""

    id: str
    regimen: Regimen
    basis_value: Decimal
    overridden: bool
    start: date
    items: tuple[DoseItem, ...]
    administration: Administration | None = None

    @property
    def basis_unit(self) -> str | None:
        return self.regimen.basis_unit

    @property
    def dose_rule(self) -> str:
        """The (first) dose rule as text, e.g. "2 mg/kg/day"."""
        return formatting.amount(self.items[0].dose, self.regimen.dose_unit)

    @property
    def cap(self) -> Decimal:
        """The first phase's highest amount per dose, in the amount unit."""
        return self.regimen.phases[0].dose_cap

    @property
    def any_capped(self) -> bool:
        """True when the cap applied to at least one dose."""
        return any(item.capped for item in self.items)

    def cap_text(self, phase: Phase) -> str:
        """The cap as written, with the cap per dose when the day's cap is
        shared by divided doses: "4,000 mg/day (1,000 mg per dose)"."""
        written = formatting.amount(phase.cap, phase.cap_unit)
        if phase.divided and phase.per is not None:
            return f"{written} ({formatting.amount(phase.dose_cap, self.regimen.amount_unit)} per dose)"
        return written

    def calculation(self, item: DoseItem) -> str:
        """The arithmetic written out so it can be checked by hand, e.g.
        "15 mg/m²/week × 0.61 m² = 9.15 mg/week, rounded to 9 mg" or
        "80 mg/kg/day × 20 kg = 1,600 mg/day; 1,600 mg ÷ 4 = 400 mg every 6 hours"."""
        r = self.regimen
        phase = r.phases[item.phase]
        unit = r.amount_unit
        per_time = phase.per is not None
        shared = per_time and phase.divided
        parts = phase.doses_per_day if shared else phase.split_days
        total = item.exact * parts
        total_unit = f"{unit}/{phase.per}" if per_time else unit
        rule = formatting.amount(item.dose, r.dose_unit)
        if r.basis == "fixed":
            text = f"{rule}, a fixed dose"
            if formatting.amount(total, total_unit) != rule:
                text = f"{text} = {formatting.amount(total, total_unit)}"
        else:
            text = (f"{rule} × {formatting.amount(self.basis_value, r.basis_unit)} = "
                    f"{formatting.amount(total, total_unit)}")
        if parts > 1:
            over = "" if shared else " days"
            text = (f"{text}; {formatting.amount(total, unit)} ÷ {parts}{over} = "
                    f"{formatting.amount(item.exact, unit)}{'' if shared else ' a day'}")
        given = formatting.amount(item.amount, unit)
        if item.capped:
            cap = (f"{formatting.amount(phase.dose_cap, unit)} per dose" if phase.divided
                   else formatting.amount(phase.cap, phase.cap_unit))
            text = f"{text}, above the cap of {cap}: {given}"
        elif item.amount != item.exact:
            text = f"{text}, rounded to {given}"
        if phase.divided:
            text = (f"{text} {phase.frequency} "
                    f"({formatting.amount(item.daily_amount, unit)} a day)")
        return text


@dataclass(frozen=True)
class Plan:
    """The whole answer: the plan chosen, who was dosed, from when, each
    regimen, and the growth check of the measurements."""

    definition: PlanDefinition
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


def basis_value(regimen: Regimen, patient: Patient) -> Decimal:
    """What the dose rule is multiplied by: kg, m², or 1 for a fixed dose."""
    if regimen.basis == "weight":
        return patient.weight_kg
    if regimen.basis == "bsa":
        return patient.bsa_m2
    return Decimal(1)


def _continues(previous: Phase | None, phase: Phase) -> bool:
    """True when `phase` is a course on the same calendar as the course
    before it (a dose that changes after the first administration)."""
    return (previous is not None and previous.is_course and phase.is_course
            and (previous.every_days, previous.every_months) == (phase.every_days, phase.every_months))


def regimen_items(regimen: Regimen, basis: Decimal, override: Decimal | None,
                  start: date) -> tuple[DoseItem, ...]:
    """Every dated dose of `regimen` from `start` for a basis value (kg, m²
    or 1); `override` replaces the dose rule of a single-phase regimen.

    Phases follow one another: a daily run of `days` days is followed on the
    next day; a course is followed one interval after its last dose. A
    course on the same calendar as the course before it continues that
    course's count from its first dose (months counted from the start, not
    chained)."""
    items: list[DoseItem] = []
    day = start
    anchor, done = start, 0
    previous: Phase | None = None
    for index, phase in enumerate(regimen.phases):
        dose = phase.dose if override is None else override
        exact = plain(dose * basis * phase.dose_factor)
        capped = exact > phase.dose_cap
        amount = round_dose(exact, phase.dose_cap, phase.round_to)
        if phase.is_course:
            if not _continues(previous, phase):
                anchor, done = day, 0
            if phase.every_days is not None:
                dates = every_days(anchor, phase.every_days, done + phase.count + 1)
            else:
                dates = every_months(anchor, phase.every_months, done + phase.count + 1)
            items.extend(DoseItem(d + timedelta(days=k), None, dose, exact, capped, amount, index, 1)
                         for d in dates[done:-1] for k in range(phase.split_days))
            done += phase.count
            day = dates[-1]
        else:
            until = None if phase.days is None else day + timedelta(days=phase.days - 1)
            items.append(DoseItem(day, until, dose, exact, capped, amount, index, phase.doses_per_day))
            if until is not None:
                day = until + timedelta(days=1)
        previous = phase
    return tuple(items)


def regimen_start(entry: PlanEntry, plan_start: date, start_dates: Mapping[str, date]) -> date:
    """The first dose of a plan's regimen: the prescriber's date for it, or
    the plan's start plus the regimen's offset (day 1 is the start)."""
    chosen = start_dates.get(entry.id)
    return chosen if chosen is not None else plan_start + timedelta(days=entry.start_day - 1)


def rounds_to_nothing(rp: RegimenPlan) -> FieldError | None:
    """The refusal of a regimen whose dose rounds to zero for this patient."""
    r = rp.regimen
    zero = next((i for i in rp.items if i.amount == 0), None)
    if zero is None:
        return None
    phase = r.phases[zero.phase]
    return FieldError(
        "regimens",
        f"{r.drug}: {rp.calculation(zero)} with its "
        f"{formatting.amount(phase.round_to, r.amount_unit)} increment; a dose of nothing "
        "cannot be given, so this regimen cannot be calculated for this patient")


def compute_plan(book: RegimenBook, req: PlanRequest, references: GrowthReferences) -> Plan:
    """The plan for `req`, or `InvalidInput` listing every problem.

    The measurements are checked against the growth `references`; when the
    check needs them confirmed as re-measured and `req.confirm_implausible`
    is not set, that is an error of the field `confirm_implausible`. The
    `InvalidInput` raised after the check carries it."""
    errors = check_request(req, book)
    if errors:
        raise InvalidInput(errors)
    definition = book.plans[req.plan or book.default_plan]
    patient = make_patient(req)
    growth = check_growth(patient, references)
    if growth.needs_confirmation and not req.confirm_implausible:
        errors.append(FieldError(
            "confirm_implausible",
            f"needs confirming: {'; '.join(growth.confirm)}. Re-measure; confirm that the values "
            "were re-measured and are right only if they are."))
    chosen = definition.regimen_ids if req.regimens is None else req.regimens
    results = []
    for entry in definition.entries:
        if entry.id not in chosen:
            continue
        basis = basis_value(entry.regimen, patient)
        first = regimen_start(entry, req.start, req.start_dates)
        items = regimen_items(entry.regimen, basis, req.overrides.get(entry.id), first)
        result = RegimenPlan(entry.id, entry.regimen, basis, entry.id in req.overrides, first, items)
        zero = rounds_to_nothing(result)
        if zero is not None:
            errors.append(zero)
            continue
        given = administer(entry.regimen, entry.id, items, req.products.get(entry.id),
                           req.already_given.get(entry.id), book.devices, basis,
                           patient.weight_kg, patient.bsa_m2)
        if isinstance(given, FieldError):
            errors.append(given)
            continue
        results.append(replace(result, administration=given))
    if errors:
        raise InvalidInput(errors, growth)
    return Plan(definition, patient, req.start, tuple(results), growth,
                confirmed=growth.needs_confirmation and req.confirm_implausible)
