"""The bedside form (`GET /`) and the printable dosing sheet (`GET /sheet`).

Parses the query string, calls the engine and renders; no arithmetic here.
Invalid input re-renders the form with the user's values kept and a message
at each field at fault (status 422), never a half-made sheet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from .clock import clinic_today
from .dosing import FieldError, InvalidInput, Plan, PlanRequest, RegimenBook, compute_plan, formatting
from .dosing.bsa import DEFAULT_FORMULA, FORMULA_NAMES
from .dosing.errors import merge_errors
from .dosing.growth import GrowthCheck
from .dosing.inputs import MAX_AGE_YEARS, date_from_parts, date_from_text, decimal_from_text, whole_from_text
from .dosing.plan import RegimenPlan
from .growth_chart import GrowthCharts, Point
from .sheet import growth_view, heading_key, long_date, patient_view, printed, regimen_heading, regimen_view

bp = Blueprint("pages", __name__)


@bp.app_template_global()
def home_url() -> str:
    """The form's URL, built once per mount point: every page links to it."""
    return _home_url(request.script_root)


@lru_cache(maxsize=16)
def _home_url(script_root: str) -> str:
    return url_for("pages.index")


@bp.record_once
def _share_macros(state) -> None:
    """The page frame (`layout.top`, `layout.bottom`), the growth chart
    (`growth_chart.panel`) and the regimen heading (`regimen.heading`) as
    template globals: imported once, not on every render (an import costs
    as much as a tenth of the sheet's rendering, `python -m bench`)."""
    env = state.app.jinja_env
    env.globals["layout"] = env.get_template("_layout.html").module
    env.globals["growth_chart"] = env.get_template("_growth_chart.html").module
    env.globals["regimen"] = env.get_template("_regimen.html").module
    state.app.extensions["sheet_drawn"] = Drawn(state.app)

#: The first dose's date as the form's three fields (day, month, year).
START_PARTS = ("start_day", "start_month", "start_year")
SINGLE = ("weight", "weight_unit", "height", "height_unit", "age_years", "age_months",
          "sex", "start", *START_PARTS, "bsa_formula", "confirm_implausible")
#: The body surface area formulas as the form offers them.
FORMULA_OPTIONS = tuple((key, f"{name} (default)" if key == DEFAULT_FORMULA else name)
                        for key, name in FORMULA_NAMES.items())
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


class SummaryItem(NamedTuple):
    """One line of the error summary: the field's label and the message,
    and the id of the input its link lands on (None: no field to fix)."""

    target: str | None
    text: str


#: The order of the form's fields, top to bottom, for the error summary.
FORM_ORDER = ("confirm_implausible", "weight", "weight_unit", "height", "height_unit", "age_years",
              "age_months", "sex", "start", *START_PARTS, "bsa_formula", "regimen")


def _form_position(field: str) -> int:
    if field.startswith("dose."):
        return len(FORM_ORDER)
    return FORM_ORDER.index(field) if field in FORM_ORDER else len(FORM_ORDER) + 1


def _summary(errors: list[FieldError], book: RegimenBook) -> list[SummaryItem]:
    """The error summary's lines in the form's order, each naming the field
    by its label."""
    items = []
    for e in sorted(errors, key=lambda e: _form_position(e.field)):
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


class PanelView(NamedTuple):
    """One growth chart panel as the sheet places it (a tuple, unpacked by
    the template; arguments of `growth_chart.panel`)."""

    measure: str
    title: str
    reference: str
    background: Markup
    point: Point
    hollow: Point | None
    description: str


class Drawn:
    """The parts of the sheet that are the same for many sheets, drawn once
    per app and kept: the sources list (one per regimen file), each
    regimen's heading at its default dose (per cap state), and each growth
    chart background (per reference, sex, measure and range). Kept small:
    a heading with a prescriber's dose is drawn each time."""

    def __init__(self, app: Flask) -> None:
        env = app.jinja_env
        self.env = env
        self.charts = GrowthCharts(app.extensions["growth"])
        self.backgrounds: dict[tuple, Markup] = {}
        self.headings: dict[tuple[str, bool], Markup] = {}
        book: RegimenBook = app.extensions["regimens"]
        self.sources = Markup("").join(
            Markup('<li><span class="n">{}.</span> <span>{}</span></li>').format(n, printed(source))
            for n, source in enumerate(book.sources, start=1))

    def heading(self, rp: RegimenPlan) -> Markup:
        """A regimen section's heading (`templates/_regimen.html`)."""
        key = heading_key(rp)
        if key is None:
            return self.env.globals["regimen"].heading(*regimen_heading(rp))
        if key not in self.headings:
            self.headings[key] = self.env.globals["regimen"].heading(*regimen_heading(rp))
        return self.headings[key]

    def chart(self, plan: Plan) -> tuple[bool, list[PanelView]]:
        """The growth chart's panels, and whether the growth check warned
        (the chart then prints)."""
        chart = self.charts.chart(plan)
        if chart is None:
            return False, []
        panels = []
        for panel in chart.panels:
            a = panel.axes
            if a.key not in self.backgrounds:
                self.backgrounds[a.key] = self.env.globals["growth_chart"].background(a)
            panels.append(PanelView(a.measure, a.title, a.reference, self.backgrounds[a.key],
                                    panel.point, panel.hollow, panel.description))
        return chart.warns, panels


def _form(values: MultiDict, errors: list[FieldError], status: int,
          growth: GrowthCheck | None = None):
    by_field: dict[str, list[str]] = {}
    for e in errors:
        by_field.setdefault(e.field, []).append(e.message)
    book = _book()
    return render_template("form.html", book=book, values=values, errors=errors,
                           summary=_summary(errors, book), field_errors=by_field,
                           formulas=FORMULA_OPTIONS, fmt=formatting, growth=growth,
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
    drawn: Drawn = current_app.extensions["sheet_drawn"]
    chart_prints, chart = drawn.chart(plan)
    # The template is rendered directly: the sheet uses none of what Flask's
    # render_template adds per render (g, request, session), which costs a
    # tenth of the sheet's rendering (python -m bench).
    return drawn.env.get_template("sheet.html").render(
        book=book, plan=plan, today=long_date(clinic_today()), patient=patient_view(plan),
        regimens=[(drawn.heading(rp), regimen_view(rp)) for rp in plan.regimens],
        growth=growth_view(plan), chart=chart, chart_prints=chart_prints, sources=drawn.sources,
        query=request.query_string.decode("ascii", "replace"))
