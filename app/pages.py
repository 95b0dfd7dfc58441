"""The bedside form (`GET /`) and the printable dosing sheet (`GET /sheet`).

Parses the query string, calls the engine and renders; no arithmetic here.
Invalid input re-renders the form with the user's values kept and a message
at each field at fault (status 422), never a half-made sheet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from flask import Blueprint, current_app, get_template_attribute, render_template, request
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from .clock import clinic_today
from .dosing import FieldError, InvalidInput, Plan, PlanRequest, RegimenBook, compute_plan, formatting
from .dosing.bsa import DEFAULT_FORMULA, FORMULA_NAMES
from .dosing.errors import merge_errors
from .dosing.growth import GrowthCheck
from .dosing.inputs import MAX_AGE_YEARS, date_from_parts, date_from_text, decimal_from_text, whole_from_text
from .growth_chart import GrowthCharts, Panel
from .sheet import growth_view, long_date, patient_view, printed, regimen_view

bp = Blueprint("pages", __name__)

#: The first dose's date as the form's three fields (day, month, year).
START_PARTS = ("start_day", "start_month", "start_year")
SINGLE = ("weight", "weight_unit", "height", "height_unit", "age_years", "age_months",
          "sex", "start", *START_PARTS, "bsa_formula", "confirm_implausible")
#: What the form calls each field, for the error summary's links.
LABELS = {"weight": "Weight", "weight_unit": "Weight unit", "height": "Height",
          "height_unit": "Height unit", "age_years": "Age, years", "age_months": "Age, months",
          "sex": "Sex", "start": "First dose on", "start_day": "First dose on, day",
          "start_month": "First dose on, month", "start_year": "First dose on, year",
          "bsa_formula": "Body surface area formula", "regimen": "Regimens",
          "confirm_implausible": "I have re-measured and confirm these values"}
#: The value the confirmation checkbox sends when ticked.
CONFIRMED = "yes"


def _form_name(engine_field: str) -> str:
    """The engine's field name as the form calls it."""
    return "regimen" if engine_field == "regimens" else engine_field


def _book() -> RegimenBook:
    return current_app.extensions["regimens"]


def _defaults(book: RegimenBook) -> MultiDict:
    today = clinic_today()
    values = MultiDict({"weight_unit": "kg", "height_unit": "cm", "bsa_formula": DEFAULT_FORMULA,
                        "start_day": str(today.day), "start_month": str(today.month),
                        "start_year": str(today.year)})
    for rid in book.plan.regimens:
        values.add("regimen", rid)
    return values


def _form_values(args: MultiDict) -> MultiDict:
    """The form's fields filled from a query (a sheet's "Change the input"
    link): every value as it was sent; a `start=YYYY-MM-DD` is shown in the
    day, month and year fields."""
    values = MultiDict(args)
    start = date_from_text("start", args.get("start", ""))
    if isinstance(start, date) and not any(k in args for k in START_PARTS):
        values.pop("start")
        values.update({"start_day": str(start.day), "start_month": str(start.month),
                       "start_year": str(start.year)})
    return values


def _start(args: MultiDict) -> date | FieldError | list[FieldError]:
    """The first dose's date: `start` (YYYY-MM-DD, for links and scripts) or
    the form's day, month and year; neither means today, both is an error."""
    parts = [k for k in START_PARTS if k in args]
    if "start" in args and parts:
        return FieldError("start", "give the date either as start (YYYY-MM-DD) or as start_day, "
                                   "start_month and start_year, not both")
    if parts:
        return date_from_parts("start", *(args.get(k, "") for k in START_PARTS))
    if "start" in args:
        return date_from_text("start", args["start"])
    return clinic_today()

def read_query(args: MultiDict, book: RegimenBook) -> tuple[PlanRequest | None, list[FieldError]]:
    """The query string as a `PlanRequest` (None if it cannot be built) and
    every problem found, under the form's field names."""
    errors: list[FieldError] = []
    overridable = book.overridable
    for key in args:
        override = key.startswith("dose.") and key[5:] in overridable
        if key not in SINGLE and key != "regimen" and not override:
            errors.append(FieldError("form", f"unknown parameter '{key[:40]}'"))
        elif key != "regimen" and len(args.getlist(key)) > 1:
            errors.append(FieldError(key, "was given more than once"))

    def text(key: str) -> str:
        return args.get(key, "")

    weight = decimal_from_text("weight", text("weight"))
    height = decimal_from_text("height", text("height"))
    start = _start(args)
    if isinstance(start, list):
        errors += start
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
            Markup('<li><span class="n">{}.</span> <span>{}</span></li>').format(n, printed(source))
            for n, source in enumerate(_book().sources, start=1))
    return cache["sources_html"]


class SummaryItem(NamedTuple):
    """One line of the error summary: the field's label and the message,
    and the id of the input its link lands on (None: no field to fix)."""

    target: str | None
    text: str


def _summary(errors: list[FieldError], book: RegimenBook) -> list[SummaryItem]:
    """The error summary's lines, each naming the field by its label."""
    items = []
    for e in errors:
        if e.field.startswith("dose."):
            rid = e.field[5:]
            drug = book.regimens[rid].drug if rid in book.regimens else rid
            label, target = f"{drug[:1].upper()}{drug[1:]} dose", e.field
        elif e.field == "regimen":
            label, target = LABELS["regimen"], f"regimen-{book.plan.regimens[0]}"
        elif e.field == "start":
            label, target = LABELS["start"], "start_day"
        elif e.field in LABELS:
            label, target = LABELS[e.field], e.field
        else:
            items.append(SummaryItem(None, e.message[:1].upper() + e.message[1:]))
            continue
        items.append(SummaryItem(target, f"{label}: {e.message}"))
    return items


def _chart_panels(plan: Plan) -> tuple[bool, list[tuple[Panel, Markup]]]:
    """The growth chart's panels, each with its drawn background (rendered
    once per reference, sex, measure and range), and whether the growth
    check warned (the chart then prints)."""
    cache = current_app.extensions
    if "growth_charts" not in cache:
        cache["growth_charts"] = GrowthCharts(cache["growth"])
        cache["chart_backgrounds"] = {}
    chart = cache["growth_charts"].chart(plan)
    if chart is None:
        return False, []
    backgrounds = cache["chart_backgrounds"]
    panels = []
    for panel in chart.panels:
        key = panel.axes.key
        if key not in backgrounds:
            backgrounds[key] = get_template_attribute("_growth_chart.html", "background")(panel.axes)
        panels.append((panel, backgrounds[key]))
    return chart.warns, panels


def _form(values: MultiDict, errors: list[FieldError], status: int,
          growth: GrowthCheck | None = None):
    by_field: dict[str, list[str]] = {}
    for e in errors:
        by_field.setdefault(e.field, []).append(e.message)
    book = _book()
    return render_template("form.html", book=book, values=values, errors=errors,
                           summary=_summary(errors, book), field_errors=by_field,
                           formulas=FORMULA_NAMES, fmt=formatting, growth=growth,
                           confirmed=CONFIRMED), status


@bp.get("/")
def index():
    """The form: empty (today's date, every regimen ticked), or filled with
    the query's values when a sheet's "Change the input" link brings it."""
    if request.args:
        return _form(_form_values(request.args), [], 200)
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
        return _form(_form_values(request.args), errors, 422, growth)
    chart_prints, chart = _chart_panels(plan)
    return render_template("sheet.html", book=book, plan=plan, today=long_date(clinic_today()),
                           patient=patient_view(plan),
                           regimens=[regimen_view(rp) for rp in plan.regimens],
                           growth=growth_view(plan), chart=chart, chart_prints=chart_prints,
                           sources=_sources_list(),
                           query=request.query_string.decode("ascii", "replace"))
