"""The bedside form (`GET /`) and the printable dosing sheet (`GET /sheet`).

Parses the query string, calls the engine and renders; no arithmetic here.
Invalid input re-renders the form with the user's values kept and a message
at each field at fault (status 422), never a half-made sheet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from .clock import clinic_today
from .dosing import FieldError, InvalidInput, Plan, PlanRequest, RegimenBook, compute_plan, formatting
from .dosing.bsa import DEFAULT_FORMULA, FORMULA_NAMES
from .dosing.errors import merge_errors
from .dosing.growth import GrowthCheck
from .dosing.inputs import MAX_AGE_YEARS, date_from_text, decimal_from_text, whole_from_text
from .dosing.units import TO_CM, TO_KG
from .request_text import echo, text_problem
from .sheet import growth_view, regimen_view

bp = Blueprint("pages", __name__)

SINGLE = ("weight", "weight_unit", "height", "height_unit", "age_years", "age_months",
          "sex", "start", "bsa_formula", "confirm_implausible")
#: The value the confirmation checkbox sends when ticked.
CONFIRMED = "yes"


def _form_name(engine_field: str) -> str:
    """The engine's field name as the form calls it."""
    return "regimen" if engine_field == "regimens" else engine_field


def _book() -> RegimenBook:
    return current_app.extensions["regimens"]


def _defaults(book: RegimenBook) -> MultiDict:
    values = MultiDict({"weight_unit": "kg", "height_unit": "cm", "bsa_formula": DEFAULT_FORMULA,
                        "start": clinic_today().isoformat()})
    for rid in book.plan.regimen_ids:
        values.add("regimen", rid)
    return values


def read_query(args: MultiDict, book: RegimenBook) -> tuple[PlanRequest | None, list[FieldError]]:
    """The query string as a `PlanRequest` (None if it cannot be built) and
    every problem found, under the form's field names."""
    errors: list[FieldError] = []
    overridable = book.plan.overridable
    for key in args:
        override = key.startswith("dose.") and key[5:] in overridable
        if key not in SINGLE and key != "regimen" and not override:
            errors.append(FieldError("form", f"unknown parameter '{echo(key)}'"))
        elif key != "regimen" and len(args.getlist(key)) > 1:
            errors.append(FieldError(key, "was given more than once"))
        else:
            errors += [FieldError(key, p) for p in map(text_problem, args.getlist(key)) if p]

    def text(key: str) -> str:
        return args.get(key, "")

    weight = decimal_from_text("weight", text("weight"))
    height = decimal_from_text("height", text("height"))
    start = date_from_text("start", text("start")) if "start" in args else clinic_today()
    ages = {}
    given = [k for k in ("age_years", "age_months") if text(k).strip()]
    for key, top in (("age_years", MAX_AGE_YEARS), ("age_months", 11)):
        if given and not text(key).strip():
            errors.append(FieldError(key, "enter both years and months (0 if none), or neither"))
        elif text(key).strip():
            ages[key] = whole_from_text(key, text(key), top)
    overrides = {}
    for rid in overridable:
        raw = text(f"dose.{rid}")
        if raw.strip():
            overrides[rid] = decimal_from_text(f"dose.{rid}", raw)
    confirm = text("confirm_implausible")
    if confirm not in ("", CONFIRMED):
        errors.append(FieldError("confirm_implausible", f"must be '{CONFIRMED}' (box ticked) or absent"))
    values = [weight, height, start, *ages.values(), *overrides.values()]
    errors += [v for v in values if isinstance(v, FieldError)]
    if isinstance(weight, FieldError) or isinstance(height, FieldError):
        return None, errors
    return PlanRequest(
        weight=weight, weight_unit=text("weight_unit"), height=height,
        height_unit=text("height_unit"),
        start=start if isinstance(start, date) else clinic_today(),
        bsa_formula=args.get("bsa_formula", DEFAULT_FORMULA),
        regimens=tuple(args.getlist("regimen")),
        overrides={k: v for k, v in overrides.items() if isinstance(v, Decimal)},
        age_years=ages.get("age_years") if isinstance(ages.get("age_years"), int) else None,
        age_months=ages.get("age_months") if isinstance(ages.get("age_months"), int) else None,
        sex=text("sex") or None,
        confirm_implausible=confirm == CONFIRMED,
    ), errors


def _sources_list() -> Markup:
    """The sheet footer's list of sources: the same for every sheet of the
    app's regimen file, so escaped and joined once."""
    cache = current_app.extensions
    if "sources_html" not in cache:
        cache["sources_html"] = Markup("").join(
            Markup("<li>{}</li>").format(source) for source in _book().plan.sources)
    return cache["sources_html"]


def _form(values: MultiDict, errors: list[FieldError], status: int,
          growth: GrowthCheck | None = None):
    by_field: dict[str, list[str]] = {}
    for e in errors:
        by_field.setdefault(e.field, []).append(e.message)
    return render_template("form.html", book=_book(), values=values, errors=errors,
                           field_errors=by_field, formulas=FORMULA_NAMES,
                           fmt=formatting, growth=growth, confirmed=CONFIRMED), status


@bp.get("/")
def index():
    return _form(_defaults(_book()), [], 200)


@bp.get("/sheet")
def sheet():
    book = _book()
    req, errors = read_query(request.args, book)
    plan: Plan | None = None
    growth = None
    if req is not None:
        try:
            plan = compute_plan(book, req, current_app.extensions["growth"])
        except InvalidInput as err:
            errors = merge_errors(errors, err.errors, _form_name)
            growth = err.growth
    if errors or plan is None:
        return _form(request.args, errors, 422, growth)
    return render_template("sheet.html", book=book, plan=plan, today=clinic_today(),
                           regimens=[regimen_view(rp) for rp in plan.regimens],
                           growth=growth_view(plan),
                           formulas=FORMULA_NAMES, fmt=formatting, to_kg=TO_KG, to_cm=TO_CM,
                           sources=_sources_list(),
                           query=request.query_string.decode("ascii", "replace"))
