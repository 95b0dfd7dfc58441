"""The growth chart's geometry: weight-for-age and height-for-age panels, in
SVG user units, for the child's sex and the reference the growth check used.

Percentile curves are computed from the shipped L, M, S tables
(`growth_references.py`) with the LMS method (`lms.value_at`) at the z-score
of each percentile: WHO 2006 charts draw the 3rd, 15th, 50th, 85th and 97th,
CDC 2000 charts the 3rd, 10th, 25th, 50th, 75th, 90th and 97th, over the
reference's whole age span (WHO 0 to 24 months, CDC 2 to 20 years). The
child's measurement is a filled point at the age the reference was read at
(completed months; CDC + 0.5 month); when the growth check suspects a unit
mix-up, the other reading (31 lb as 14.06 kg) is a hollow point.

Pure geometry: no Flask, no markup (`templates/_growth_chart.html` draws
it). The axes and curves depend only on the reference, sex, measure and
value range, so `GrowthCharts` builds them once per combination; what the
child's panel needs at an age (the point's x, the curves' values there, the
fixed words of the text alternative) is kept per sex, measure and age in
completed months, so a sheet only places the child's values.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import pairwise
from statistics import NormalDist
from typing import NamedTuple

from .dosing.growth import other_unit_reading
from .dosing.growth_references import GrowthReference, GrowthReferences
from .dosing.lms import value_at
from .dosing.plan import Plan
from .sheet import age_text, amount, ordinal

#: The SVG's viewBox (user units) and the plot area inside it.
WIDTH, HEIGHT = 320, 216
LEFT, RIGHT, TOP, BOTTOM = 34, 290, 18, 184
#: Percentiles drawn, as each publisher draws its charts.
PERCENTILES = {"WHO 2006": (3, 15, 50, 85, 97), "CDC 2000": (3, 10, 25, 50, 75, 90, 97)}
#: Age span (months) and x-axis ticks (months) of each reference's charts.
SPANS = {"WHO 2006": (0, 24, range(0, 25, 3)), "CDC 2000": (24, 240, range(24, 241, 24))}
#: Curves are sampled at every table row (WHO, monthly) or every 6 months (CDC).
SAMPLE_STEP = {"WHO 2006": 1, "CDC 2000": 6}
MEASURES = {"weight": ("Weight-for-age", "kg"), "height": ("Height-for-age", "cm")}
#: Nearest two curve labels may sit, in user units (the label font is 9).
LABEL_GAP = 9.5
TICK_STEPS = (1, 2, 5, 10, 20, 25, 50)
MAX_TICKS = 8


#: Each percentile drawn, as an ordinal ("3rd", "97th").
ORDINALS = {p: ordinal(Decimal(p), Decimal(0)) for drawn in PERCENTILES.values() for p in drawn}
#: The percentiles drawn, in words, for the text alternative.
CURVES_IN_WORDS = {name: ", ".join(ORDINALS[p] for p in drawn) for name, drawn in PERCENTILES.items()}
#: The z-score below which each drawn percentile lies (standard normal).
Z_OF_PERCENTILE = {p: NormalDist().inv_cdf(p / 100) for p in (3, 10, 15, 25, 50, 75, 85, 90, 97)}
#: Where a value lies among each reference's curves, in words: below the
#: lowest, between each two neighbours (lowest first), above the highest.
BELOW = {name: f"below the {ORDINALS[drawn[0]]} percentile curve" for name, drawn in PERCENTILES.items()}
BETWEEN = {name: tuple(f"between the {ORDINALS[low]} and {ORDINALS[high]} percentile curves"
                       for low, high in pairwise(drawn)) for name, drawn in PERCENTILES.items()}
ABOVE = {name: f"above the {ORDINALS[drawn[-1]]} percentile curve" for name, drawn in PERCENTILES.items()}
#: How many `AtAge` `GrowthCharts` keeps: every sex, measure and age the
#: references are used for (1 to 239 completed months).
AT_AGE_KEPT = 2 * 2 * 240


@dataclass(frozen=True)
class Curve:
    """One percentile curve: its SVG `points` ("x,y x,y ..."), a style
    class (line style as well as colour, for black and white), and where
    its label sits at the right-hand end."""

    percentile: int
    points: str
    style: str
    label_y: float


@dataclass(frozen=True)
class Tick:
    """One gridline: its position (x or y, user units) and its label."""

    at: float
    label: str


@dataclass(frozen=True)
class Axes:
    """The fixed part of one panel: ranges, ticks and curves."""

    reference: str
    sex: str
    measure: str
    title: str
    unit: str
    ages: tuple[float, float]
    values: tuple[float, float]
    x_ticks: tuple[Tick, ...]
    x_title: str
    y_ticks: tuple[Tick, ...]
    curves: tuple[Curve, ...]

    @cached_property
    def key(self) -> tuple[str, str, str, float, float]:
        """What the axes depend on: reference, sex, measure and range."""
        return (self.reference, self.sex, self.measure, *self.values)

    def x(self, age_months: float) -> float:
        a0, a1 = self.ages
        return round(LEFT + (age_months - a0) / (a1 - a0) * (RIGHT - LEFT), 1)

    def y(self, value: float) -> float:
        v0, v1 = self.values
        return round(BOTTOM - (value - v0) / (v1 - v0) * (BOTTOM - TOP), 1)

    def y_texts(self, values: list[float]) -> list[str]:
        """`y` of each of `values` as text, in one call (a curve has up to 37
        points). Formatting to one decimal writes the digits `round(y, 1)`
        keeps, without making the rounded float first."""
        v0, v1 = self.values
        span = v1 - v0
        return [f"{BOTTOM - (value - v0) / span * (BOTTOM - TOP):.1f}" for value in values]


class Point(NamedTuple):
    """A measurement on the chart: position (user units) and its value."""

    x: float
    y: float
    value: str


class Panel(NamedTuple):
    """One chart: the axes, the child's point, the hollow other reading
    (or None), and the text alternative naming the values."""

    axes: Axes
    point: Point
    hollow: Point | None
    description: str


class GrowthChart(NamedTuple):
    """The weight and height panels; `warns` when the growth check warned
    (the chart is then printed, otherwise shown on screen only)."""

    panels: tuple[Panel, ...]
    warns: bool


class AtAge(NamedTuple):
    """What one panel needs at a child's age, the same for every child of
    that sex and age: the point's x, each drawn curve's value there (in
    percentile order, so ascending), the reference's name, and the text
    alternative's fixed words before the point's value (`head`) and after
    it (`age`, up to the curves' words)."""

    x: float
    values: tuple[float, ...]
    reference: str
    head: str
    age: str

    def between(self, value: float) -> str:
        """Where `value` lies among the curves at this age, in words."""
        values = self.values
        if value > values[-1]:
            return ABOVE[self.reference]
        if value < values[0]:
            return BELOW[self.reference]
        return BETWEEN[self.reference][max(bisect_left(values, value) - 1, 0)]


def _style(percentile: int) -> str:
    if percentile == 50:
        return "p50"
    if percentile in (3, 97):
        return "p-outer"
    return "p-inner"


def _nice_step(span: float) -> int:
    return next((s for s in TICK_STEPS if span / s <= MAX_TICKS), TICK_STEPS[-1])


def _spread(ys: list[float]) -> list[float]:
    """Label positions at least `LABEL_GAP` apart, as near `ys` (sorted
    from the top down) as the plot's height allows."""
    out: list[float] = []
    for y in ys:
        out.append(max(y, out[-1] + LABEL_GAP) if out else y)
    overflow = out[-1] - (BOTTOM + 4) if out else 0
    if overflow > 0:
        out = [y - overflow for y in out]
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - LABEL_GAP)
    return [round(y, 1) for y in out]


Curves = tuple[list[float], dict[int, list[float]], tuple[float, float]]


def _curve_values(reference: GrowthReference, sex: str, measure: str) -> Curves:
    """Sample ages (months), each percentile curve's values at them, and
    the lowest and highest of those values."""
    name = reference.name
    a0, a1, _ = SPANS[name]
    table = reference.tables[measure, sex]
    ages = [float(a) for a in range(a0, a1 + 1, SAMPLE_STEP[name])]
    rows = [table.at(a) for a in ages]
    values = {p: [value_at(Z_OF_PERCENTILE[p], row) for row in rows] for p in PERCENTILES[name]}
    every = [v for curve in values.values() for v in curve]
    return ages, values, (min(every), max(every))


def _axes(reference: GrowthReference, sex: str, measure: str, v0: int, v1: int, tick: int,
          ages: list[float], curve_values: dict[int, list[float]]) -> Axes:
    name = reference.name
    a0, a1, x_ticks = SPANS[name]
    title, unit = MEASURES[measure]
    frame = Axes(name, sex, measure, title, unit, (a0, a1), (v0, v1), (), "", (), ())
    xs = [f"{frame.x(a)}," for a in ages]
    curves = [Curve(p, " ".join([x + y for x, y in zip(xs, frame.y_texts(values), strict=True)]),
                    _style(p), frame.y(values[-1]))
              for p, values in curve_values.items()]
    order = sorted(range(len(curves)), key=lambda i: curves[i].label_y)
    for i, y in zip(order, _spread([curves[i].label_y for i in order]), strict=True):
        c = curves[i]
        curves[i] = Curve(c.percentile, c.points, c.style, y)
    years = a1 > 24
    return Axes(
        name, sex, measure, title, unit, (a0, a1), (v0, v1),
        tuple(Tick(frame.x(a), str(a // 12 if years else a)) for a in x_ticks),
        "Age (years)" if years else "Age (months)",
        tuple(Tick(frame.y(v), str(v)) for v in range(v0, v1 + 1, tick)),
        tuple(curves))


class GrowthCharts:
    """Builds charts against one set of references, keeping each panel's
    axes and curves for reuse (a handful per reference, sex and measure),
    and what a panel needs at each age (`AtAge`)."""

    def __init__(self, references: GrowthReferences) -> None:
        self.references = references
        self._curves: dict[tuple[str, str, str], Curves] = {}
        self._axes: dict[tuple[str, str, str, int, int], Axes] = {}
        self.at_age = lru_cache(maxsize=AT_AGE_KEPT)(self._at_age)

    def axes(self, reference: GrowthReference, sex: str, measure: str,
             low: float, high: float) -> Axes:
        """The axes and curves of `measure` for `sex` against `reference`,
        the value range covering the curves and `low` to `high`."""
        key = (reference.name, sex, measure)
        if key not in self._curves:
            self._curves[key] = _curve_values(reference, sex, measure)
        ages, values, (lowest, highest) = self._curves[key]
        lowest, highest = min(lowest, low), max(highest, high)
        tick = _nice_step(highest - (0 if measure == "weight" else lowest))
        v0 = 0 if measure == "weight" else math.floor(lowest / tick) * tick
        v1 = math.ceil(highest / tick) * tick
        full = (*key, v0, v1)
        if full not in self._axes:
            self._axes[full] = _axes(reference, sex, measure, v0, v1, tick, ages, values)
        return self._axes[full]

    def _at_age(self, sex: str, measure: str, months: int) -> AtAge:
        """`AtAge` for a child of `sex` aged `months` (completed months, an
        age the references are used for)."""
        reference = self.references.for_age(months)
        assert reference is not None, months
        name = reference.name
        read_at = months + reference.age_offset
        row = reference.tables[measure, sex].at(read_at)
        frame = self.axes(reference, sex, measure, math.inf, -math.inf)  # the curves' own range
        a0, a1, _ = SPANS[name]
        span = f"{a0} to {a1} months" if a1 <= 24 else f"{a0 // 12} to {a1 // 12} years"
        head = (f"{frame.title}, {'girls' if sex == 'female' else 'boys'}, {name}, {span}; percentile curves "
                f"{CURVES_IN_WORDS[name]}. Filled point: ")
        return AtAge(frame.x(read_at), tuple(value_at(Z_OF_PERCENTILE[p], row) for p in PERCENTILES[name]),
                     name, head, f" at {age_text(months // 12, months % 12)}, ")

    def chart(self, plan: Plan) -> GrowthChart | None:
        """The chart for `plan`'s patient, or None when the growth check
        was not done (no age or sex, or an age outside the references)."""
        check = plan.growth
        p = plan.patient
        if check.reference is None or p.age_years is None or p.age_months is None or p.sex is None:
            return None
        months = 12 * p.age_years + p.age_months
        reference = self.references.for_age(months)
        if reference is None:
            return None
        suspected = {w.code.split("_possibly_in_")[0] for w in check.warnings if "_possibly_in_" in w.code}
        panels = []
        for measure, used in (("weight", p.weight_kg), ("height", p.height_cm)):
            here = self.at_age(p.sex, measure, months)
            value = float(used)
            other = other_unit_reading(p, measure) if measure in suspected else None
            other_value = value if other is None else float(other[0])
            frame = self.axes(reference, p.sex, measure, min(value, other_value), max(value, other_value))
            unit = frame.unit
            point = Point(here.x, frame.y(value), amount(used, unit))
            text = f"{here.head}{point.value}{here.age}{here.between(value)}."
            hollow = None
            if other is not None:
                exact, other_unit = other
                entered = p.weight_entered if measure == "weight" else p.height_entered
                hollow = Point(here.x, frame.y(other_value), amount(exact, unit))
                read = amount(entered, other_unit)
                text += (f" Hollow point: the number read as {read}"
                         f"{'' if other_unit == unit else f' = {hollow.value}'}, "
                         f"{here.between(other_value)}.")
            panels.append(Panel(frame, point, hollow, text))
        return GrowthChart(tuple(panels), bool(check.warnings))
