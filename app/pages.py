"""The bedside form (`GET /`) and the printable dosing sheet (`GET /sheet`).

Parses the query string, calls the engine and renders; no arithmetic here.
Invalid input re-renders the form with the user's values kept and a message
at each field at fault (status 422), never a half-made sheet.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from .clock import clinic_today
from .dosing import FieldError, InvalidInput, Plan, RegimenBook, compute_plan, formatting
from .dosing.bsa import DEFAULT_FORMULA, FORMULA_NAMES
from .dosing.errors import merge_errors
from .dosing.growth import GrowthCheck
from .dosing.inputs import date_from_text
from .dosing.plan import RegimenPlan
from .dosing.regimen_model import PlanDefinition
from .growth_chart import GrowthCharts, Point
from .query import CONFIRMED, DATES, PARTS, START_PARTS, chosen_plan, read_query
from .request_text import query_fields
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


#: The body surface area formulas as the form offers them.
FORMULA_OPTIONS = tuple((key, f"{name} (default)" if key == DEFAULT_FORMULA else name)
                        for key, name in FORMULA_NAMES.items())
#: What the form calls each field, for the error summary's links.
LABELS = {"plan": "Plan", "weight": "Weight", "weight_unit": "Weight unit", "height": "Height",
          "height_unit": "Height unit", "age_years": "Age, years", "age_months": "Age, months",
          "sex": "Sex", "start": "First dose on", "start_day": "First dose on, day",
          "start_month": "First dose on, month", "start_year": "First dose on, year",
          "bsa_formula": "Body surface area formula", "regimen": "Regimens",
          "confirm_implausible": "I have re-measured and confirm these values",
          "weighed_on": "Weighed on", "weight_source": "How the weight was obtained",
          "creatinine": "Serum creatinine", "creatinine_unit": "Creatinine unit",
          "creatinine_on": "Creatinine taken on", "egfr_formula": "eGFR formula",
          "gestation_weeks": "Gestational age at birth, weeks",
          "gestation_days": "Gestational age at birth, days"}


def _form_name(engine_field: str) -> str:
    """The engine's field name as the form calls it."""
    return "regimen" if engine_field == "regimens" else engine_field


def _book() -> RegimenBook:
    return current_app.extensions["regimens"]



def _defaults(book: RegimenBook, plan: PlanDefinition) -> MultiDict:
    today = clinic_today()
    values = MultiDict({"plan": plan.id, "weight_unit": "kg", "height_unit": "cm",
                        "bsa_formula": DEFAULT_FORMULA, "start_day": str(today.day),
                        "start_month": str(today.month), "start_year": str(today.year),
                        "weight_source": "measured", "creatinine_unit": "umol/L",
                        "egfr_formula": "ckid_u25"})
    for rid in plan.regimen_ids:
        values.add("regimen", rid)
    return values


def _form_values(args: MultiDict) -> MultiDict:
    """The form's fields filled from a query (a sheet's "Change the input"
    link): every value as it was sent; a date written YYYY-MM-DD is shown
    in its day, month and year fields."""
    values = MultiDict(args)
    for name in [k for k in args if k in DATES or (k.startswith("start.") and "_" not in k[6:])]:
        day = date_from_text(name, args.get(name, ""))
        if isinstance(day, date) and not any(f"{name}{p}" in args for p in PARTS):
            values.pop(name)
            values.update({f"{name}_day": str(day.day), f"{name}_month": str(day.month),
                           f"{name}_year": str(day.year)})
    return values


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
            entry = book.plan.by_id.get(rid)
            drug = entry.regimen.drug if entry else rid
            label, target = f"{drug[:1].upper()}{drug[1:]} dose", e.field
        elif e.field == "regimen":
            label, target = LABELS["regimen"], f"regimen-{book.plan.regimen_ids[0]}"
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


#: Where the title goes in a page head drawn once (`Drawn.page_top`).
TITLE_STAND_IN = "\x00"


def _sources(plan: PlanDefinition) -> Markup:
    """The plan's sources as the items of the sheet's numbered list."""
    item = Markup('<li><span class="n">{}.</span> <span>{}</span></li>')
    return Markup("").join(item.format(n, printed(source)) for n, source in enumerate(plan.sources, start=1))


class Drawn:
    """The parts of the sheet that are the same for many sheets, drawn once
    per app and kept: each plan's title and footer (its sources, the
    regimen file's version), each regimen's heading at its default dose
    (per cap state), and each growth chart background (per reference, sex,
    measure and range). Kept small: a heading with a prescriber's dose is
    drawn each time."""

    def __init__(self, app: Flask) -> None:
        env = app.jinja_env
        self.env = env
        self.charts = GrowthCharts(app.extensions["growth"])
        self.backgrounds: dict[tuple, Markup] = {}
        self.headings: dict[tuple[str, bool], Markup] = {}
        self.tops: dict[str, tuple[str, str]] = {}
        book: RegimenBook = app.extensions["regimens"]
        parts = env.get_template("_sheet_parts.html").module
        self.heads = {plan.id: parts.plan_head(plan) for plan in book.plans.values()}
        self.foots = {plan.id: parts.plan_foot(book, _sources(plan), app.config["VERSION"])
                      for plan in book.plans.values()}

    def page_top(self, title: str) -> Markup:
        """`layout.top(title)`, the page's head and header: drawn once per
        mount point (its links depend on it) around a stand-in for the title."""
        root = request.script_root
        if root not in self.tops:
            before, after = str(self.env.globals["layout"].top(TITLE_STAND_IN)).split(TITLE_STAND_IN)
            self.tops[root] = (before, after)
        before, after = self.tops[root]
        return Markup(before + str(escape(title)) + after)

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
    plan = chosen_plan(book, values)
    return render_template("form.html", book=book, plan=plan, values=values, errors=errors,
                           plans=[(p.id, p.name) for p in book.plans.values()],
                           product_options={e.id: [(u.id, u.product.name) for u in e.regimen.products]
                                            for e in plan.entries},
                           summary=_summary(errors, book), field_errors=by_field,
                           formulas=FORMULA_OPTIONS, fmt=formatting, growth=growth,
                           confirmed=CONFIRMED), status


@bp.get("/")
def index():
    """The form: empty (today's date, every regimen ticked), or filled with
    the query's values when a sheet's "Change the input" link brings it."""
    book = _book()
    if set(request.args) - {"plan"}:
        return _form(_form_values(request.args), [], 200)
    return _form(_defaults(book, chosen_plan(book, request.args)), [], 200)


@bp.get("/sheet")
def sheet():
    book = _book()
    # Read once: a refused query fills the form again from the same fields.
    fields = query_fields(request.query_string)
    req, errors = read_query(fields, book)
    plan: Plan | None = None
    growth = None
    if req is not None:
        try:
            plan = compute_plan(book, req, current_app.extensions["growth"])
        except InvalidInput as err:
            errors = merge_errors(errors, err.errors, _form_name)
            growth = err.growth
    if errors or plan is None:
        return _form(_form_values(MultiDict(fields)), errors, 422, growth)
    drawn: Drawn = current_app.extensions["sheet_drawn"]
    chart_prints, chart = drawn.chart(plan)
    # The template is rendered directly: the sheet uses none of what Flask's
    # render_template adds per render (g, request, session), which costs a
    # tenth of the sheet's rendering (python -m bench).
    return drawn.env.get_template("sheet.html").render(
        page_top=drawn.page_top(f"Dosing sheet - {plan.patient.weight_kg} kg - Pedidose"),
        head=drawn.heads[plan.definition.id], today=long_date(clinic_today()), patient=patient_view(plan),
        regimens=[(drawn.heading(rp), regimen_view(rp)) for rp in plan.regimens],
        growth=growth_view(plan), chart=chart, chart_prints=chart_prints,
        foot=drawn.foots[plan.definition.id], notices=[printed(n) for n in plan.notices],
        query=request.query_string.decode("ascii", "replace"))
