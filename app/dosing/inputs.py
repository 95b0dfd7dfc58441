"""What a request may hold, checked before any arithmetic.

Field names here are the engine's own (`weight`, `weight_unit`, `height`,
`height_unit`, `start`, `bsa_formula`, `regimens`, `dose.<id>`, `age_years`,
`age_months`, `sex`, `confirm_implausible`); the API and the pages map them
to their own names.
Every problem is collected, so a person sees all of them at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from .bsa import FORMULAS
from .errors import FieldError
from .kidney import FORMULAS as EGFR_FORMULAS
from .regimen_model import PlanDefinition, RegimenBook
from .units import HEIGHT_UNITS, TO_CM, TO_KG, WEIGHT_UNITS
from .weight_record import WEIGHT_SOURCES

WEIGHT_RANGE_KG = (Decimal("0.3"), Decimal(250))
HEIGHT_RANGE_CM = (Decimal(20), Decimal(250))
EARLIEST_START = date(2000, 1, 1)
LATEST_START = date(2099, 12, 31)
MAX_AGE_YEARS = 120
SEXES = ("female", "male")
CREATININE_UNITS = ("umol/L", "mg/dL")

_DECIMAL_TEXT = re.compile(r"[0-9]{1,7}(\.[0-9]{1,6})?|\.[0-9]{1,6}")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE_TEXT = re.compile(r"[0-9]{1,3}")
_DAY_TEXT = re.compile(r"[0-9]{1,2}")
_YEAR_TEXT = re.compile(r"[0-9]{4}")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


@dataclass(frozen=True)
class PlanRequest:
    """A request for a plan, with every value already of the right type.

    `plan` None means the file's default plan; `regimens` None means the
    whole plan; `overrides` maps a regimen id to the dose (per kg or per m²)
    that replaces the file's default; `start_dates` maps a regimen id to the
    date of its first dose (default: the plan's start plus its offset);
    `products` maps a regimen id to the product it is given as (default: the
    regimen's first); `already_given` maps a regimen id to the amount given
    before this plan, in the regimen's amount unit, added to its cumulative
    dose.
    `confirm_implausible` is the prescriber's statement that measurements the
    growth check finds implausible were re-measured and are right.
    """

    weight: Decimal
    weight_unit: str
    height: Decimal
    height_unit: str
    start: date
    bsa_formula: str = "mosteller"
    regimens: tuple[str, ...] | None = None
    overrides: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    age_years: int | None = None
    age_months: int | None = None
    sex: str | None = None
    confirm_implausible: bool = False
    plan: str | None = None
    start_dates: Mapping[str, date] = field(default_factory=lambda: MappingProxyType({}))
    products: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    already_given: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    #: Today in the clinic's time zone (the shell's clock); the date a weight
    #: or creatinine defaults to, and the latest it may have.
    today: date | None = None
    weighed_on: date | None = None
    weight_source: str = "measured"
    creatinine: Decimal | None = None
    creatinine_unit: str | None = None
    creatinine_on: date | None = None
    egfr_formula: str = "ckid_u25"
    gestation_weeks: int | None = None
    gestation_days: int | None = None


def decimal_from_text(name: str, text: str) -> Decimal | FieldError:
    """A plain decimal number typed by a person ("14", "14.5", "0.75").

    Only ASCII digits with at most one point are accepted: no sign, no
    exponent, no thousands separator or decimal comma (a comma is refused
    rather than guessed), no NaN or infinity.
    """
    cleaned = text.strip()
    if not cleaned:
        return FieldError(name, "is required")
    if "," in cleaned:
        return FieldError(name, "use a point for decimals and no thousands separator, e.g. 14.5")
    if not _DECIMAL_TEXT.fullmatch(cleaned):
        return FieldError(name, "must be a plain number such as 14 or 14.5 (digits and at most one point)")
    return Decimal(cleaned)


def date_from_text(name: str, text: str) -> date | FieldError:
    """A calendar date written YYYY-MM-DD, between 2000 and 2099."""
    cleaned = text.strip()
    try:
        if not _DATE_TEXT.fullmatch(cleaned):
            raise ValueError
        day = date.fromisoformat(cleaned)
    except ValueError:
        return FieldError(name, "must be a real date written YYYY-MM-DD, e.g. 2027-01-31")
    if not EARLIEST_START <= day <= LATEST_START:
        return FieldError(name, f"must be between {EARLIEST_START} and {LATEST_START}")
    return day


def date_from_parts(name: str, day: str, month: str, year: str) -> date | list[FieldError]:
    """A calendar date typed as three numbers, day, month and year (the
    GOV.UK Design System's date input), between 2000 and 2099.

    Nothing is guessed: each part must be digits (day 1 to 31, month 1 to
    12, a four-digit year) and together they must name a real date. The
    errors are on `<name>_day`, `<name>_month`, `<name>_year`, or on `name`
    when the parts are each valid but the date is not.
    """
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    if not any(parts.values()):
        return [FieldError(name, "enter the day, month and year, e.g. 31 1 2027")]
    errors = []
    checks = (("day", _DAY_TEXT, 1, 31, "a day from 1 to 31"),
              ("month", _DAY_TEXT, 1, 12, "a month from 1 to 12"),
              ("year", _YEAR_TEXT, EARLIEST_START.year, LATEST_START.year,
               f"a four-digit year from {EARLIEST_START.year} to {LATEST_START.year}"))
    for part, pattern, low, high, allowed in checks:
        text = parts[part]
        if not pattern.fullmatch(text) or not low <= int(text) <= high:
            errors.append(FieldError(f"{name}_{part}", f"must be {allowed}"))
    if errors:
        return errors
    y, m, d = int(parts["year"]), int(parts["month"]), int(parts["day"])
    try:
        return date(y, m, d)
    except ValueError:
        return [FieldError(name, f"{d} {_MONTH_NAMES[m - 1]} {y} is not a real date")]


def whole_from_text(name: str, text: str, top: int) -> int | FieldError:
    """A whole number from 0 to `top`, typed as digits."""
    cleaned = text.strip()
    if not _WHOLE_TEXT.fullmatch(cleaned) or int(cleaned) > top:
        return FieldError(name, f"must be a whole number from 0 to {top}")
    return int(cleaned)


def _in_range(name: str, value: Decimal, unit: str, factor: Decimal,
              bounds: tuple[Decimal, Decimal], base: str) -> FieldError | None:
    low, high = bounds
    if not value.is_finite() or value <= 0 or abs(value.adjusted()) > 9:
        return FieldError(name, f"must be a number above zero, between {low} and {high} {base}")
    converted = value * factor
    if not low <= converted <= high:
        shown = f"{value} {unit}" if unit == base else f"{value} {unit} ({converted.normalize():f} {base})"
        return FieldError(name, f"{shown} is outside the accepted {low} to {high} {base}")
    return None


def check_request(req: PlanRequest, book: RegimenBook) -> list[FieldError]:
    """Every problem with `req`: its measurements, and its plan, regimen ids,
    overrides (within each regimen's allowed range) and first-dose dates,
    checked against the chosen plan of `book`."""
    errors: list[FieldError] = []
    if req.weight_unit not in WEIGHT_UNITS:
        errors.append(FieldError("weight_unit", f"must be one of {', '.join(WEIGHT_UNITS)}"))
    else:
        problem = _in_range("weight", req.weight, req.weight_unit, TO_KG[req.weight_unit],
                            WEIGHT_RANGE_KG, "kg")
        errors.extend([problem] if problem else [])
    if req.height_unit not in HEIGHT_UNITS:
        errors.append(FieldError("height_unit", f"must be one of {', '.join(HEIGHT_UNITS)}"))
    else:
        problem = _in_range("height", req.height, req.height_unit, TO_CM[req.height_unit],
                            HEIGHT_RANGE_CM, "cm")
        errors.extend([problem] if problem else [])
    if not EARLIEST_START <= req.start <= LATEST_START:
        errors.append(FieldError("start", f"must be between {EARLIEST_START} and {LATEST_START}"))
    if req.bsa_formula not in FORMULAS:
        errors.append(FieldError("bsa_formula", f"must be one of {', '.join(FORMULAS)}"))
    errors.extend(_check_age_and_sex(req))
    errors.extend(_check_weight_record_and_kidneys(req))
    plan = book.plans.get(req.plan or book.default_plan)
    if plan is None:
        errors.append(FieldError("plan", f"unknown plan; allowed: {', '.join(book.plans)}"))
        return errors
    errors.extend(_check_choices(req, plan))
    return errors


def _check_choices(req: PlanRequest, plan: PlanDefinition) -> list[FieldError]:
    """The regimens, overrides and first-dose dates of `req` against `plan`."""
    errors: list[FieldError] = []
    regimen_ids = plan.regimen_ids
    overridable = plan.override_ranges
    chosen = regimen_ids if req.regimens is None else req.regimens
    unknown = [r for r in chosen if r not in regimen_ids]
    if not chosen:
        errors.append(FieldError("regimens", "choose at least one regimen"))
    elif unknown:
        errors.append(FieldError("regimens", f"unknown regimen {', '.join(unknown)}; "
                                             f"allowed: {', '.join(regimen_ids)}"))
    elif len(set(chosen)) != len(chosen):
        errors.append(FieldError("regimens", "each regimen may be listed once"))
    for rid, dose in req.overrides.items():
        name = f"dose.{rid}"
        allowed = overridable.get(rid)
        if rid not in regimen_ids:
            errors.append(FieldError(name, f"unknown regimen; allowed: {', '.join(regimen_ids)}"))
        elif allowed is None:
            errors.append(FieldError(name, "this regimen's dose cannot be overridden"))
        elif rid not in chosen:
            errors.append(FieldError(name, "an override is given for a regimen that was not chosen"))
        elif not dose.is_finite() or not allowed[0] <= dose <= allowed[1]:
            errors.append(FieldError(name, f"must be from {allowed[0]} to {allowed[1]} {allowed[2]}"))
    for rid, first in req.start_dates.items():
        name = f"start.{rid}"
        if rid not in regimen_ids:
            errors.append(FieldError(name, f"unknown regimen; allowed: {', '.join(regimen_ids)}"))
        elif rid not in chosen:
            errors.append(FieldError(name, "a first-dose date is given for a regimen that was not chosen"))
        elif not EARLIEST_START <= first <= LATEST_START:
            errors.append(FieldError(name, f"must be between {EARLIEST_START} and {LATEST_START}"))
    for rid, product in req.products.items():
        name = f"product.{rid}"
        entry = plan.by_id.get(rid)
        allowed = () if entry is None else tuple(p.id for p in entry.regimen.products)
        if entry is None or rid not in chosen:
            errors.append(FieldError(name, "a product is given for a regimen that was not chosen"))
        elif product not in allowed:
            errors.append(FieldError(name, f"must be one of {', '.join(allowed)}" if allowed
                                     else "this regimen has no products listed"))
    for rid, amount in req.already_given.items():
        name = f"already_given.{rid}"
        entry = plan.by_id.get(rid)
        if entry is None or rid not in chosen:
            errors.append(FieldError(name, "an amount is given for a regimen that was not chosen"))
        elif entry.regimen.open_ended:
            errors.append(FieldError(name, "this regimen is open-ended: it has no cumulative dose"))
        elif not amount.is_finite() or amount < 0 or amount.adjusted() > 6:
            errors.append(FieldError(name, f"must be from 0 to 9,999,999 {entry.regimen.amount_unit}"))
    return errors


def _check_weight_record_and_kidneys(req: PlanRequest) -> list[FieldError]:
    """The weight's date and source, the creatinine, the eGFR formula and
    the gestational age."""
    errors: list[FieldError] = []
    if req.weight_source not in WEIGHT_SOURCES:
        errors.append(FieldError("weight_source", f"must be one of {', '.join(WEIGHT_SOURCES)}"))
    for name, day in (("weighed_on", req.weighed_on), ("creatinine_on", req.creatinine_on)):
        if day is not None and req.today is not None and day > req.today:
            errors.append(FieldError(name, f"must not be in the future (today is {req.today})"))
        elif day is not None and day < EARLIEST_START:
            errors.append(FieldError(name, f"must be from {EARLIEST_START}"))
    if req.creatinine is not None or req.creatinine_unit is not None:
        if req.creatinine is None or req.creatinine_unit not in CREATININE_UNITS:
            errors.append(FieldError("creatinine", "give the creatinine with its unit, "
                                                   f"{' or '.join(CREATININE_UNITS)}"))
    elif req.creatinine_on is not None:
        errors.append(FieldError("creatinine_on", "a creatinine date is given without a creatinine"))
    if req.egfr_formula not in EGFR_FORMULAS:
        errors.append(FieldError("egfr_formula", f"must be one of {', '.join(EGFR_FORMULAS)}"))
    if (req.gestation_weeks is None) != (req.gestation_days is None):
        errors.append(FieldError("gestation_weeks", "give the gestational age at birth in weeks and days "
                                                    "(0 days if none), or neither"))
    elif req.gestation_weeks is not None and req.age_years is None:
        errors.append(FieldError("gestation_weeks", "a gestational age needs the age in years and months"))
    return errors


def _check_age_and_sex(req: PlanRequest) -> list[FieldError]:
    errors: list[FieldError] = []
    if req.age_years is not None and not 0 <= req.age_years <= MAX_AGE_YEARS:
        errors.append(FieldError("age_years", f"must be a whole number from 0 to {MAX_AGE_YEARS}"))
    if req.age_months is not None and not 0 <= req.age_months <= 11:
        errors.append(FieldError("age_months", "must be a whole number from 0 to 11"))
    if req.sex is not None and req.sex not in SEXES:
        errors.append(FieldError("sex", f"must be one of {', '.join(SEXES)}"))
    return errors
