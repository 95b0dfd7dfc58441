"""The form's query string read into a `PlanRequest`: the fields the form
and `/sheet` links send, each checked and turned into a value, and every
problem found under the form's own field names.

No arithmetic here: numbers stay the user's `Decimal` text, dates are read
whole or from their three parts (day, month, year), and the engine does the
rest (`dosing.compute_plan`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from .clock import clinic_today
from .dosing import FieldError, PlanRequest, RegimenBook
from .dosing.bsa import DEFAULT_FORMULA
from .dosing.inputs import MAX_AGE_YEARS, date_from_parts, date_from_text, decimal_from_text, whole_from_text
from .dosing.regimen_model import PlanDefinition
from .request_text import echo, plain_texts, text_problem

#: The first dose's date as the form's three fields (day, month, year).
START_PARTS = ("start_day", "start_month", "start_year")
#: A date field's three parts on the form.
PARTS = ("_day", "_month", "_year")
DATES = ("start", "weighed_on", "creatinine_on")
SINGLE = frozenset(("plan", "weight", "weight_unit", "height", "height_unit", "age_years", "age_months",
                    "sex", *(f"{d}{p}" for d in DATES for p in ("", *PARTS)), "bsa_formula",
                    "confirm_implausible", "weight_source", "creatinine", "creatinine_unit", "egfr_formula",
                    "gestation_weeks", "gestation_days"))
#: The fields sent once each or, `regimen`, once per chosen regimen.
KNOWN = SINGLE | {"regimen"}
#: Per-regimen fields: `dose.<id>`, `start.<id>` (or its three parts),
#: `product.<id>`, `already_given.<id>`.
PER_REGIMEN = ("dose.", "start.", "product.", "already_given.")
#: The value the confirmation checkbox sends when ticked.
CONFIRMED = "yes"


def chosen_plan(book: RegimenBook, args: Mapping[str, str]) -> PlanDefinition:
    """The plan a query names (`plan`), or the default plan."""
    return book.plans.get(args.get("plan", ""), book.plan)


def _date(args: Mapping[str, str], name: str, blank_is_absent: bool = True
          ) -> date | FieldError | list[FieldError] | None:
    """A date given as `name` (YYYY-MM-DD, for links and scripts) or as the
    form's `name_day`, `name_month` and `name_year`; None when neither (with
    `blank_is_absent`, three blank fields count as neither), an error when
    both."""
    parts = [name + p for p in PARTS]
    given = [k for k in parts if k in args]
    if blank_is_absent and given:
        given = [k for k in given if args[k].strip()]
    if name in args and given:
        return FieldError(name, f"give the date either as {name} (YYYY-MM-DD) or as {parts[0]}, {parts[1]} "
                                f"and {parts[2]}, not both")
    if given:
        return date_from_parts(name, *(args.get(k, "") for k in parts))
    if args.get(name, "").strip():
        return date_from_text(name, args[name])
    return None


def _start(args: Mapping[str, str]) -> date | FieldError | list[FieldError]:
    """The first dose's date; neither form of it means today."""
    start = _date(args, "start", blank_is_absent=False)
    return clinic_today() if start is None else start


def _per_regimen_key(key: str, plan: PlanDefinition) -> bool:
    """True for a per-regimen field the plan's regimen can take: a dose
    only where it may be overridden."""
    for prefix in PER_REGIMEN:
        if key.startswith(prefix):
            rest = key[len(prefix):]
            if prefix == "start.":
                rest = next((rest[: -len(p)] for p in PARTS if rest.endswith(p)), rest)
            return rest in (plan.overridable if prefix == "dose." else plan.by_id)
    return False


def _good(found: dict) -> dict:
    """`found` without its errors."""
    return {k: v for k, v in found.items() if not isinstance(v, (FieldError, list))} if found else {}


def read_query(lists: dict[str, list[str]], book: RegimenBook) -> tuple[PlanRequest | None, list[FieldError]]:
    """The query string's fields (`request_text.query_fields` of the
    request's raw `query_string`) as a `PlanRequest` (None if it cannot be
    built) and every problem found, under the form's field names.

    The query is read into plain dicts, not werkzeug's `MultiDict`, which
    costs more to build, and where looking up a field that was not sent
    raises and catches an exception (a sheet looks up some sixty)."""
    args = {key: values[0] for key, values in lists.items()}
    errors: list[FieldError] = []
    plan = chosen_plan(book, args)
    if "plan" in args and args["plan"] not in book.plans:
        errors.append(FieldError("plan", f"unknown plan; allowed: {', '.join(book.plans)}"))
    ids = plan.regimen_ids
    # Most queries hold no text to refuse: one look at all of it finds that.
    suspect = not plain_texts([value for values in lists.values() for value in values])
    for key, values in lists.items():
        if key not in KNOWN and not _per_regimen_key(key, plan):
            errors.append(FieldError("form", f"unknown parameter '{echo(key)}'"))
        elif key != "regimen" and len(values) > 1:
            errors.append(FieldError(key, "was given more than once"))
        elif suspect:
            errors += [FieldError(key, p) for p in map(text_problem, values) if p]

    def text(key: str) -> str:
        return args.get(key, "")

    weight = decimal_from_text("weight", text("weight"))
    height = decimal_from_text("height", text("height"))
    start = _start(args)
    ages = {}
    years, months = text("age_years"), text("age_months")
    either = years.strip() or months.strip()
    for key, typed, top in (("age_years", years, MAX_AGE_YEARS), ("age_months", months, 11)):
        if typed.strip():
            ages[key] = whole_from_text(key, typed, top)
        elif either:
            errors.append(FieldError(key, "enter both years and months (0 if none), or neither"))
    gestation = {}
    for key, top in (("gestation_weeks", 44), ("gestation_days", 6)):
        typed = text(key)
        if typed.strip():
            gestation[key] = whole_from_text(key, typed, top)
    overrides, firsts, products, already = {}, {}, {}, {}
    # Most sheets set nothing per regimen: then there is nothing to look up.
    sent_per_regimen = not KNOWN.issuperset(lists)
    for rid in ids if sent_per_regimen else ():
        if text(f"dose.{rid}").strip() and rid in plan.overridable:
            overrides[rid] = decimal_from_text(f"dose.{rid}", text(f"dose.{rid}"))
        first = _date(args, f"start.{rid}")
        if first is not None:
            firsts[rid] = first
        if text(f"product.{rid}").strip():
            products[rid] = text(f"product.{rid}").strip()
        if text(f"already_given.{rid}").strip():
            already[rid] = decimal_from_text(f"already_given.{rid}", text(f"already_given.{rid}"))
    weighed_on, creatinine_on = _date(args, "weighed_on"), _date(args, "creatinine_on")
    creatinine = decimal_from_text("creatinine", text("creatinine")) if text("creatinine").strip() else None
    confirm = text("confirm_implausible")
    if confirm not in ("", CONFIRMED):
        errors.append(FieldError("confirm_implausible", f"must be '{CONFIRMED}' (box ticked) or absent"))
    values = [weight, height, start, weighed_on, creatinine_on, creatinine, *ages.values(),
              *gestation.values(), *overrides.values(), *firsts.values(), *already.values()]
    for value in values:
        if isinstance(value, FieldError):
            errors.append(value)
        elif isinstance(value, list):
            errors += value
    if isinstance(weight, FieldError) or isinstance(height, FieldError):
        return None, errors

    whole = _good({**ages, **gestation})
    return PlanRequest(
        weight=weight, weight_unit=text("weight_unit"), height=height,
        height_unit=text("height_unit"),
        start=start if isinstance(start, date) else clinic_today(),
        bsa_formula=args.get("bsa_formula", DEFAULT_FORMULA),
        regimens=tuple(lists.get("regimen", ())),
        overrides=_good(overrides),
        age_years=whole.get("age_years"), age_months=whole.get("age_months"),
        sex=text("sex") or None,
        confirm_implausible=confirm == CONFIRMED,
        plan=plan.id, start_dates=_good(firsts), products=products, already_given=_good(already),
        today=clinic_today(),
        weighed_on=weighed_on if isinstance(weighed_on, date) else None,
        weight_source=args.get("weight_source", "measured"),
        creatinine=creatinine if isinstance(creatinine, Decimal) else None,
        creatinine_unit=(text("creatinine_unit") or None) if creatinine is not None else None,
        creatinine_on=creatinine_on if isinstance(creatinine_on, date) else None,
        egfr_formula=args.get("egfr_formula", "ckid_u25"),
        gestation_weeks=whole.get("gestation_weeks"), gestation_days=whole.get("gestation_days"),
    ), errors
