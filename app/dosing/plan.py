"""From a checked request and the regimen book to dated, rounded doses.

exact = dose rule x basis (weight in kg, BSA in m², or 1 for a fixed dose)
[x dosing interval for a per-day or per-week rule, ÷ the doses a day when a
day's dose is divided], converted to the amount unit; capped = min(exact,
cap per dose); amount = capped rounded half-up to the increment, never above
the cap (`shared/clinical-reference.md`, "Arithmetic rules" and section H).
Phases, and the dates of each, are laid out by `regimen_doses`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from . import formatting
from .administration import Administration, administer
from .body_weight import DosingWeight, IdealWeight, dosing_weight, ideal_weight
from .bsa import body_surface_area
from .dates import every_days, every_months
from .errors import FieldError, InvalidInput
from .gestation import corrected_age_months
from .growth import GrowthCheck, check_growth
from .growth_references import CDC_FROM, GrowthReferences
from .inputs import PlanRequest, check_request
from .kidney import Egfr, KidneyOutcome, apply_kidney_rules, creatinine_mg_dl, egfr
from .patient import Patient
from .regimen_model import Phase, PlanDefinition, PlanEntry, Regimen, RegimenBook, Settings
from .rounding import half_up, plain, round_dose
from .units import TO_CM, TO_KG, factor
from .weight_record import WeightRecord, high_alert_refusal, weight_record

WEIGHT_STEP = Decimal("0.01")
#: A kidney rule's maximum rate, in mg/h, in each amount unit per hour.
MG_H_TO = {unit: factor("mg", unit) for unit in ("mg", "g", "mcg")}
HEIGHT_STEP = Decimal("0.1")
ONE_DAY = timedelta(days=1)
#: Whether a phase's doses were capped (for `map`, which calls no Python
#: function per item).
CAPPED = attrgetter("capped")


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


class PhaseDoses(NamedTuple):
    """The doses of one phase of a regimen for one patient: the rule `dose`,
    the `exact` amount per dose, whether the cap applied, the `amount` given
    per dose, and when. A course lists every dose day in `dates` (each day
    of a course given over consecutive days); a daily run starts on
    `dates[0]` and ends on `until` (None: until changed), `doses_per_day`
    times a day.

    The engine works per phase, since every dose of a phase is the same
    amount: it measures, infuses and totals once per phase rather than
    once per dose, and the `DoseItem`s, one per dose day, are laid out from
    these only when something asks for them."""

    phase: int
    dose: Decimal
    exact: Decimal
    capped: bool
    amount: Decimal
    course: bool
    doses_per_day: int
    dates: tuple[date, ...]
    until: date | None

    @property
    def date(self) -> date:
        """The first day of the phase."""
        return self.dates[0]

    @property
    def daily_amount(self) -> Decimal:
        """What is given in a day: the amount times the doses a day."""
        return self.amount * self.doses_per_day

    def items(self) -> tuple[DoseItem, ...]:
        """One `DoseItem` per dose day of a course; one for a daily run."""
        if not self.course:
            return (DoseItem(self.dates[0], self.until, self.dose, self.exact, self.capped, self.amount,
                             self.phase, self.doses_per_day),)
        make = DoseItem._make
        rest = (None, self.dose, self.exact, self.capped, self.amount, self.phase, 1)
        return tuple(make((d, *rest)) for d in self.dates)


class RegimenPlan(NamedTuple):
    """A regimen of the chosen plan worked out for one patient, from its
    first dose on `start` (an immutable named tuple, as are the plan's
    other parts: a plan is built for every request)."""

    id: str
    regimen: Regimen
    basis_value: Decimal
    overridden: bool
    start: date
    #: One entry per phase of the regimen, in order.
    phase_doses: tuple[PhaseDoses, ...]
    administration: Administration | None = None
    #: The weight a per-kg regimen was dosed on (None for BSA and fixed doses).
    dosing_weight: DosingWeight | None = None
    #: What the regimen's kidney rules said (None when it has none).
    kidney: KidneyOutcome | None = None

    @property
    def items(self) -> tuple[DoseItem, ...]:
        """Every dose day, in order: one item per dose of a course, one per
        daily run (laid out on each call)."""
        return tuple(item for doses in self.phase_doses for item in doses.items())

    @property
    def basis_unit(self) -> str | None:
        return self.regimen.basis_unit

    @property
    def dose_rule(self) -> str:
        """The (first) dose rule as text, e.g. "2 mg/kg/day"."""
        return formatting.amount(self.phase_doses[0].dose, self.regimen.dose_unit)

    @property
    def cap(self) -> Decimal:
        """The first phase's highest amount per dose, in the amount unit."""
        return self.regimen.phases[0].dose_cap

    @property
    def any_capped(self) -> bool:
        """True when the cap applied to at least one dose."""
        return any(map(CAPPED, self.phase_doses))

    def cap_text(self, phase: Phase) -> str:
        """The cap as written, with the cap per dose when the day's cap is
        shared by divided doses: "4,000 mg/day (1,000 mg per dose)"."""
        written = formatting.amount(phase.cap, phase.cap_unit)
        if phase.divided and phase.per is not None:
            return f"{written} ({formatting.amount(phase.dose_cap, self.regimen.amount_unit)} per dose)"
        return written

    def calculation(self, item: DoseItem | PhaseDoses, space: str = " ") -> str:
        """The arithmetic written out so it can be checked by hand, e.g.
        "15 mg/m²/week × 0.61 m² = 9.15 mg/week, rounded to 9 mg" or
        "80 mg/kg/day × 20 kg = 1,600 mg/day; 1,600 mg ÷ 4 = 400 mg every 6 hours",
        each number joined to its unit by `space` (the sheet's no-break
        space keeps "28 mg" on one line)."""
        r = self.regimen
        words = r.phase_words[item.phase]
        number = formatting.number
        exact = item.exact
        parts = words.parts
        total = exact * parts
        unit, total_unit = f"{space}{words.unit}", f"{space}{words.total_unit}"
        rule = formatting.amount(item.dose, r.dose_unit, space)
        percent = self.kidney.percent if self.kidney else None
        full = f"{number(total if percent is None else total * 100 / percent)}{total_unit}"
        if r.basis == "fixed":
            text = f"{rule}, a fixed dose"
            if full != rule:
                text = f"{text} = {full}"
        else:
            basis = formatting.amount(self.basis_value, r.basis_unit, space)
            if self.dosing_weight is not None and self.dosing_weight.kind == "adjusted":
                basis = f"{basis} (adjusted weight)"
            text = f"{rule} × {basis} = {full}"
        if percent is not None:
            text = f"{text} × {number(percent)}% for kidney function = {number(total)}{total_unit}"
        if parts > 1:
            over = formatting.units_joined(f"{parts}{words.over}", space)
            text = f"{text}; {number(total)}{unit} ÷ {over} = {number(exact)}{unit}{words.each}"
        if item.capped:
            cap = formatting.units_joined(words.cap, space)
            text = f"{text}, above the cap of {cap}: {number(item.amount)}{unit}"
        elif item.amount != exact:
            text = f"{text}, rounded to {number(item.amount)}{unit}"
        phase = r.phases[item.phase]
        if phase.divided:
            frequency = formatting.units_joined(phase.frequency, space)
            text = f"{text} {frequency} ({number(item.daily_amount)}{unit} a day)"
        return text


class Plan(NamedTuple):
    """The whole answer: the plan chosen, who was dosed, from when, each
    regimen, and the growth check of the measurements."""

    definition: PlanDefinition
    patient: Patient
    start: date
    regimens: tuple[RegimenPlan, ...]
    growth: GrowthCheck
    confirmed: bool = False
    #: The ideal weight, when a chosen regimen doses on adjusted weight.
    ideal: IdealWeight | None = None
    kidney: Egfr | None = None
    weight_record: WeightRecord | None = None
    #: Warnings about the patient's data: an old or unmeasured weight, an
    #: old creatinine.
    notices: tuple[str, ...] = ()


def make_patient(req: PlanRequest) -> Patient:
    """Convert and round the measurements of a checked request; the age the
    growth references are read at is corrected for a preterm birth
    (`gestation.py`). Raises `ValueError` for a gestational age out of range."""
    weight_kg = half_up(req.weight * TO_KG[req.weight_unit], WEIGHT_STEP)
    height_cm = half_up(req.height * TO_CM[req.height_unit], HEIGHT_STEP)
    age_used = corrected = None
    if req.age_years is not None and req.age_months is not None:
        age_used = 12 * req.age_years + req.age_months
        if req.gestation_weeks is not None and req.gestation_days is not None:
            corrected = corrected_age_months(req.age_years, req.age_months, req.gestation_weeks,
                                             req.gestation_days)
            age_used = corrected.months
    return Patient(
        weight_kg=weight_kg, height_cm=height_cm,
        bsa_m2=body_surface_area(req.bsa_formula, height_cm, weight_kg),
        bsa_formula=req.bsa_formula,
        weight_entered=plain(req.weight), weight_unit=req.weight_unit,
        height_entered=plain(req.height), height_unit=req.height_unit,
        age_years=req.age_years, age_months=req.age_months, sex=req.sex,
        age_used_months=age_used, corrected_for_gestation=bool(corrected and corrected.corrected),
        corrected_text=corrected.text if corrected and corrected.corrected else None,
    )


def basis_value(regimen: Regimen, patient: Patient) -> Decimal:
    """What the dose rule is multiplied by: kg, m², or 1 for a fixed dose."""
    if regimen.basis == "weight":
        return patient.weight_kg
    if regimen.basis == "bsa":
        return patient.bsa_m2
    return Decimal(1)


def regimen_doses(regimen: Regimen, basis: Decimal, override: Decimal | None,
                  start: date, scale: Decimal | None = None) -> tuple[PhaseDoses, ...]:
    """The doses of each phase of `regimen` from `start` for a basis value
    (kg, m² or 1); `override` replaces the dose rule of a single-phase
    regimen.

    Phases follow one another: a daily run of `days` days is followed on the
    next day; a course is followed one interval after its last dose. A
    course on the same calendar as the course before it continues that
    course's count from its first dose (months counted from the start, not
    chained). `scale` (a kidney rule's share, 0.5 for 50%) multiplies the
    exact dose before cap and rounding."""
    result: list[PhaseDoses] = []
    day = start
    anchor, done = start, 0
    for index, phase, continues in regimen.numbered_phases:
        dose = phase.dose if override is None else override
        exact = plain(dose * basis * phase.dose_factor if scale is None
                      else dose * basis * phase.dose_factor * scale)
        cap = phase.dose_cap
        capped = exact > cap
        amount = phase.capped_amount if capped else round_dose(exact, cap, phase.round_to)
        if phase.is_course:
            if not continues:
                anchor, done = day, 0
            if phase.every_days is not None:
                dates = every_days(anchor, phase.every_days, done + phase.count + 1)
            else:
                dates = every_months(anchor, phase.every_months, done + phase.count + 1)
            given = dates[done:-1]
            if phase.split_days > 1:
                given = tuple(d + timedelta(days=k) for d in given for k in range(phase.split_days))
            result.append(PhaseDoses(index, dose, exact, capped, amount, True, 1, given, None))
            done += phase.count
            day = dates[-1]
        else:
            offset = phase.last_day_offset
            until = None if offset is None else day + offset
            result.append(PhaseDoses(index, dose, exact, capped, amount, False, phase.doses_per_day, (day,),
                                     until))
            if until is not None:
                day = until + ONE_DAY
    return tuple(result)


def regimen_start(entry: PlanEntry, plan_start: date, start_dates: Mapping[str, date]) -> date:
    """The first dose of a plan's regimen: the prescriber's date for it, or
    the plan's start plus the regimen's offset (day 1 is the start)."""
    chosen = start_dates.get(entry.id)
    return chosen if chosen is not None else plan_start + entry.start_offset


def rounds_to_nothing(rp: RegimenPlan) -> FieldError:
    """The refusal of a regimen whose dose rounds to zero for this patient."""
    r = rp.regimen
    zero = next(d for d in rp.phase_doses if d.amount == 0)
    phase = r.phases[zero.phase]
    return FieldError(
        "regimens",
        f"{r.drug}: {rp.calculation(zero)} with its "
        f"{formatting.amount(phase.round_to, r.amount_unit)} increment; a dose of nothing "
        "cannot be given, so this regimen cannot be calculated for this patient")


def _kidney_function(req: PlanRequest, patient: Patient, settings: Settings
                     ) -> tuple[Egfr | None, list[FieldError], list[str]]:
    """The eGFR from the request's creatinine (None without one), the
    errors that stop it and the warnings it gives."""
    if req.creatinine is None or req.creatinine_unit is None:
        return None, [], []
    try:
        mg_dl = creatinine_mg_dl(req.creatinine, req.creatinine_unit, settings.umol_per_mg_dl)
    except ValueError as err:
        return None, [FieldError("creatinine", str(err))], []
    try:
        result = egfr(req.egfr_formula, mg_dl, patient.height_cm, patient.sex, patient.age_years,
                      patient.age_months)
    except ValueError as err:
        return None, [FieldError("egfr_formula", f"{err}; choose bedside_schwartz")], []
    warnings = []
    taken = req.creatinine_on or req.today
    limit = settings.creatinine_max_age_days
    if taken is not None and req.today is not None and (req.today - taken).days > limit:
        warnings.append(f"The creatinine was taken {(req.today - taken).days} days ago "
                        f"({formatting.long_date(taken)}), more than {limit} days: "
                        "measure it again before dosing.")
    return result, [], warnings


def compute_plan(book: RegimenBook, req: PlanRequest, references: GrowthReferences) -> Plan:
    """The plan for `req`, or `InvalidInput` listing every problem.

    The measurements are checked against the growth `references`; when the
    check needs them confirmed as re-measured and `req.confirm_implausible`
    is not set, that is an error of the field `confirm_implausible`. The
    `InvalidInput` raised after the check carries it."""
    errors = check_request(req, book)
    if errors:
        raise InvalidInput(errors)
    settings = book.settings
    definition = book.plans[req.plan or book.default_plan]
    try:
        patient = make_patient(req)
    except ValueError as err:
        raise InvalidInput([FieldError("gestation_weeks", str(err))]) from err
    growth = check_growth(patient, references)
    if growth.needs_confirmation and not req.confirm_implausible:
        errors.append(FieldError(
            "confirm_implausible",
            f"needs confirming: {'; '.join(growth.confirm)}. Re-measure; confirm that the values "
            "were re-measured and are right only if they are."))
    notices: list[str] = []
    record = None
    weighed_on = req.weighed_on or req.today
    if weighed_on is not None and req.today is not None:
        record = weight_record(weighed_on, req.weight_source, req.today, settings.weight_max_age_days)
        notices.extend(record.warnings)
    kidney, kidney_errors, kidney_notices = _kidney_function(req, patient, settings)
    errors.extend(kidney_errors)
    notices.extend(kidney_notices)
    chosen = definition.regimen_ids if req.regimens is None else req.regimens
    entries = [e for e in definition.entries if e.id in chosen]
    ideal = None
    if any(e.regimen.dosing_weight == "adjusted" for e in entries):
        used = patient.age_used_months
        ideal = ideal_weight(references, patient.sex, None if used is None else used // 12,
                             None if used is None else used % 12, patient.height_cm)
    results = []
    for entry in entries:
        regimen = entry.regimen
        if record is not None and regimen.high_alert:
            refusal = high_alert_refusal(regimen.drug, record, settings.weight_max_age_days)
            if refusal is not None:
                errors.append(refusal)
                continue
        used_weight = None
        if regimen.basis == "weight":
            if regimen.dosing_weight == "adjusted" and ideal is not None and ideal.missing_age_or_sex:
                if patient.age_used_months is not None and patient.age_used_months >= CDC_FROM:
                    errors.append(FieldError("sex", f"{regimen.drug} is dosed on adjusted body weight above "
                                                    f"{formatting.number(settings.adjusted_above_percent)}% "
                                                    "of the ideal weight: give the sex, which the ideal "
                                                    "weight (CDC BMI-for-age median) needs"))
                    continue
                notices.append(f"{regimen.drug[:1].upper()}{regimen.drug[1:]} is dosed on adjusted body "
                               "weight in obese children, which needs the age and sex: without them it is "
                               "dosed on the actual weight.")
                used_weight = DosingWeight("actual", patient.weight_kg, None, None,
                                           f"{ideal.text}; actual weight used")
            elif regimen.dosing_weight == "adjusted" and ideal is not None:
                used_weight = dosing_weight(patient.weight_kg, ideal, settings.adjusted_factor,
                                            settings.adjusted_above_percent)
            else:
                used_weight = DosingWeight("actual", patient.weight_kg, None, None, "actual weight")
        infusion_weight = used_weight.kg if used_weight else patient.weight_kg
        outcome = None
        if regimen.kidney_rules:
            outcome = regimen.kidney_without_egfr if kidney is None else None
            if outcome is None:
                outcome = apply_kidney_rules(regimen.kidney_rules, None if kidney is None else kidney.value,
                                             infusion_weight)
            if outcome.withhold:
                errors.append(FieldError("regimens", (
                    f"{regimen.drug}: eGFR {formatting.number(kidney.value)} mL/min/1.73 m²: "
                    f"{'; '.join(r.text for r in outcome.applied if r.action == 'withhold')} "
                    f"({'; '.join(r.source for r in outcome.applied if r.action == 'withhold')}); "
                    "untick it")))
                continue
        basis = used_weight.kg if used_weight else basis_value(regimen, patient)
        first = regimen_start(entry, req.start, req.start_dates)
        scale = None if outcome is None or outcome.percent is None else outcome.percent / 100
        doses = regimen_doses(regimen, basis, req.overrides.get(entry.id), first, scale)
        if not all([d.amount for d in doses]):
            errors.append(rounds_to_nothing(RegimenPlan(entry.id, regimen, basis, entry.id in req.overrides,
                                                        first, doses, dosing_weight=used_weight,
                                                        kidney=outcome)))
            continue
        max_rate = None
        if outcome is not None and outcome.max_rate is not None:
            max_rate = outcome.max_rate * MG_H_TO[regimen.amount_unit]
        given = administer(regimen, entry.id, doses, req.products.get(entry.id),
                           req.already_given.get(entry.id), book.devices, basis,
                           infusion_weight, patient.bsa_m2, max_rate)
        if isinstance(given, FieldError):
            errors.append(given)
            continue
        results.append(RegimenPlan(entry.id, regimen, basis, entry.id in req.overrides, first, doses, given,
                                   used_weight, outcome))
    if errors:
        raise InvalidInput(errors, growth)
    return Plan(definition, patient, req.start, tuple(results), growth,
                confirmed=growth.needs_confirmation and req.confirm_implausible,
                ideal=ideal, kidney=kidney, weight_record=record, notices=tuple(notices))
