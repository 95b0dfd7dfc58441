"""The review page's dose charts: a regimen's amount against its basis.

For each phase: the exact dose line (rule x basis, uncapped), the amount
given (rounded, capped) as steps, and the point where the cap takes over,
marked and labelled ("cap 70 g reached at 35 kg"), across the accepted
range: 0.3 to 250 kg, or 0.1 to 3 m² of body surface area; a fixed dose is
one level. Geometry only (coordinates and labels); `templates/regimens.html`
draws it as inline SVG, so it prints and needs no script.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .dosing import formatting
from .dosing.inputs import WEIGHT_RANGE_KG
from .dosing.regimen_model import Phase, Regimen
from .dosing.rounding import round_dose

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
BSA_RANGE_M2 = (Decimal("0.1"), Decimal(3))
SAMPLES = 120
#: Line styles, so that phases differ in black and white too.
DASHES = ("", "6 3", "2 3", "8 3 2 3")


class Line(NamedTuple):
    """One phase: the exact line and the steps of the amount given, as SVG
    point lists, with their dash pattern, and where the cap takes over."""

    label: str
    exact: str
    steps: str
    dash: str
    cap_point: tuple[float, float] | None
    cap_label: str | None


class DoseChart(NamedTuple):
    """A regimen's chart: its axes' ticks and labels, its lines, and a text
    alternative naming the values."""

    x_label: str
    y_label: str
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    lines: tuple[Line, ...]
    description: str


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = (high - low) or 1
    raw = span / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = (int(low / step) + (low % step > 0)) * step
    return [round(first + i * step, 6) for i in range(int((high - first) / step) + 1)]


def _phase_values(phase: Phase, bases: list[Decimal]) -> tuple[list[Decimal], list[Decimal]]:
    """The exact amount and the amount given, per administration (a day of
    divided doses, a whole split course), at each basis value."""
    parts = phase.doses_per_day * phase.split_days
    exact = [phase.dose * phase.dose_factor * b * parts for b in bases]
    given = [round_dose(phase.dose * phase.dose_factor * b, phase.dose_cap, phase.round_to) * parts
             for b in bases]
    return exact, given


def dose_chart(regimen: Regimen) -> DoseChart:
    """The chart of `regimen`: amount given per administration (per day for
    a divided daily dose) against its basis."""
    unit = regimen.amount_unit
    if regimen.basis == "fixed":
        low, high, basis_unit = WEIGHT_RANGE_KG[0], WEIGHT_RANGE_KG[1], "kg"
        x_label = "Weight (kg): a fixed dose does not depend on it"
    elif regimen.basis == "weight":
        low, high, basis_unit = WEIGHT_RANGE_KG[0], WEIGHT_RANGE_KG[1], "kg"
        x_label = "Dosing weight (kg)"
    else:
        low, high, basis_unit = BSA_RANGE_M2[0], BSA_RANGE_M2[1], "m2"
        x_label = "Body surface area (m²)"
    bases = [low + (high - low) * i / SAMPLES for i in range(SAMPLES + 1)]
    values = [_phase_values(p, bases if regimen.basis != "fixed" else [Decimal(1)] * len(bases))
              for p in regimen.phases]
    top = float(max(max(max(e), max(g)) for e, g in values)) or 1.0
    cap_top = max(float(p.dose_cap * p.doses_per_day * p.split_days) for p in regimen.phases)
    y_max = min(top, cap_top * 1.5) * 1.05
    x0, x1 = float(low), float(high)

    def x(value: float) -> float:
        return LEFT + (value - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT)

    def y(value: float) -> float:
        return HEIGHT - BOTTOM - min(value, y_max) / y_max * (HEIGHT - TOP - BOTTOM)

    lines = []
    described = []
    for index, (phase, (exact, given)) in enumerate(zip(regimen.phases, values, strict=True)):
        label = (f"phase {index + 1}: " if regimen.phased else "") + formatting.amount(phase.dose,
                                                                                       regimen.dose_unit)
        exact_points = " ".join(f"{x(float(b)):.1f},{y(float(e)):.1f}"
                                for b, e in zip(bases, exact, strict=True))
        step_points = []
        for i, (b, g) in enumerate(zip(bases, given, strict=True)):
            if i:
                step_points.append(f"{x(float(b)):.1f},{y(float(given[i - 1])):.1f}")
            step_points.append(f"{x(float(b)):.1f},{y(float(g)):.1f}")
        cap = phase.dose_cap * phase.doses_per_day * phase.split_days
        rate = phase.dose * phase.dose_factor * phase.doses_per_day * phase.split_days
        cap_point = cap_label = None
        if regimen.basis != "fixed" and rate > 0 and low <= cap / rate <= high:
            at = cap / rate
            cap_text = formatting.amount(cap, unit)
            reached = formatting.amount(at.quantize(Decimal("0.01")), basis_unit)
            cap_label = f"cap {cap_text} reached at {reached}"
            cap_point = (round(x(float(at)), 1), round(y(float(cap)), 1))
        lines.append(Line(label, exact_points, " ".join(step_points), DASHES[index % len(DASHES)],
                          cap_point, cap_label))
        described.append(f"{label}: {formatting.amount(given[0], unit)} at "
                         f"{formatting.amount(bases[0], basis_unit)} to {formatting.amount(given[-1], unit)} "
                         f"at {formatting.amount(bases[-1], basis_unit)}"
                         + (f"; {cap_label}" if cap_label else ""))
    x_ticks = tuple((round(x(t), 1), formatting.number(Decimal(str(t)))) for t in _ticks(x0, x1))
    y_ticks = tuple((round(y(t), 1), formatting.number(Decimal(str(t)))) for t in _ticks(0, y_max))
    per = " a day" if any(p.divided for p in regimen.phases) else ""
    return DoseChart(x_label, f"Amount given{per} ({formatting.unit(unit)})", x_ticks, y_ticks,
                     tuple(lines), f"Dose chart of {regimen.drug}: " + "; ".join(described) + ".")
