"""What the dosing sheet prints for each regimen, as ready-made text.

Built from the engine's `RegimenPlan` with the ISMP formatting functions; the
template only places these strings. Doing the wording here in Python keeps
the template simple and its rendering fast: rows are named tuples that the
template unpacks, saving Jinja's per-attribute lookups (`python -m bench`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from .dosing import formatting as fmt
from .dosing.plan import DoseItem, Plan, RegimenPlan

#: A run of identical doses at least this long prints as one line.
RUN_AS_RANGE = 7


class TaperRow(NamedTuple):
    """One step of a taper table (a tuple, so the template unpacks it)."""

    step: int
    start: str
    until: str
    calculation: str
    daily_dose: str
    capped: bool


class DateRow(NamedTuple):
    """One line of a dated schedule: a dose, or a run of identical doses."""

    text: str
    run: bool


@dataclass(frozen=True)
class RegimenView:
    """Everything the sheet prints for one regimen."""

    id: str
    title: str
    route: str
    rule: str
    overridden_from: str | None
    cap: str
    round_to: str
    capped: bool
    taper: tuple[TaperRow, ...]
    calculation: str
    give: str
    doses: str
    dates: tuple[DateRow, ...]


def _date_rows(rp: RegimenPlan) -> tuple[DateRow, ...]:
    """Every dose on its own line, except long runs of one amount on a day
    schedule (weekly methotrexate), which print as one line with their count
    and weekday."""
    r = rp.regimen
    first_phase = r.phases[0]
    items = rp.items
    rows: list[DateRow] = []

    def single(item: DoseItem) -> DateRow:
        return DateRow(f"{fmt.long_date(item.date)}: {fmt.amount(item.amount, r.amount_unit)}", False)

    start = 0
    for end in range(1, len(items) + 1):
        if end < len(items) and items[end].amount == items[start].amount:
            continue
        first, last, count = items[start], items[end - 1], end - start
        if first_phase.every_days is not None and count >= RUN_AS_RANGE:
            rows.append(DateRow(
                f"{count} doses of {fmt.amount(first.amount, r.amount_unit)}, every "
                f"{fmt.weekday(first.date)} (every {first_phase.every_days} days) from "
                f"{fmt.long_date(first.date)} to {fmt.long_date(last.date)}", True))
        else:
            rows.extend(single(item) for item in items[start:end])
        start = end
    return tuple(rows)


def regimen_view(rp: RegimenPlan) -> RegimenView:
    """The printed wording of one worked-out regimen."""
    r = rp.regimen
    first = rp.items[0]
    basis = "weight" if r.basis == "weight" else "body surface area"
    phase = r.phases[0]
    rule = "in phases, see the table" if r.phased else rp.dose_rule
    cap_mark = " (cap)" if first.capped else ""
    count = len(rp.items)
    return RegimenView(
        id=r.id,
        title=r.drug[:1].upper() + r.drug[1:],
        route=f"{r.route}, {r.frequency}",
        rule=f"{rule} ({basis} basis)",
        overridden_from=fmt.amount(phase.dose, r.dose_unit) if rp.overridden else None,
        cap=rp.cap_text(phase),
        round_to=fmt.amount(phase.round_to, r.amount_unit),
        capped=rp.any_capped,
        taper=tuple(
            TaperRow(n, fmt.long_date(item.date),
                     fmt.long_date(item.until) if item.until else "continuing (until changed)",
                     rp.calculation(item),
                     f"{fmt.amount(item.amount, r.amount_unit)} {r.phases[item.phase].frequency}"
                     + (" (cap)" if item.capped else ""),
                     item.capped)
            for n, item in enumerate(rp.items, start=1)) if r.phased else (),
        calculation=rp.calculation(first),
        give=f"{fmt.amount(first.amount, r.amount_unit)}{cap_mark}",
        doses=f"{count} dose{'s' if count > 1 else ''}",
        dates=() if r.phased else _date_rows(rp),
    )


@dataclass(frozen=True)
class GrowthView:
    """What the sheet prints of the growth check: warnings for the top of
    the sheet, and one line of figures (or why the check was not done)."""

    warnings: tuple[str, ...]
    line: str
    confirmed: bool


#: Beyond this |z| the percentile lies outside 0.1 to 99.9 (Phi(3.1) = 0.99903).
PERCENTILE_SHOWN_TO_Z = Decimal("3.1")


def ordinal(value: Decimal, z: Decimal) -> str:
    """Percentile `value` as an ordinal: "41st", "30.8th"; where `z` puts it
    beyond what 0.1 can show, "above the 99.9th" or "below the 0.1st"."""
    if z >= PERCENTILE_SHOWN_TO_Z:
        return "above the 99.9th"
    if z <= -PERCENTILE_SHOWN_TO_Z:
        return "below the 0.1st"
    text = fmt.number(value)
    if "." in text or 11 <= int(text) % 100 <= 13:
        return f"{text}th"
    return text + {1: "st", 2: "nd", 3: "rd"}.get(int(text) % 10, "th")


def signed(z: Decimal) -> str:
    """A z-score with its sign and no trailing zero: "+3.99", "-0.5", "0"."""
    text = fmt.number(z)
    return text if z <= 0 else f"+{text}"


def growth_view(plan: Plan) -> GrowthView:
    """The growth check as printed on the sheet."""
    check = plan.growth
    if check.reference is None:
        return GrowthView((), check.not_done or "", False)
    p = plan.patient
    parts = []
    for m in check.measures:
        figure = f"{m.label} z {signed(m.z)} ({ordinal(m.percentile, m.z)} percentile)"
        if m.measure == "bmi":
            figure = (f"BMI {fmt.number(p.weight_kg)} kg ÷ ({fmt.number(p.height_cm / 100)} m)² = "
                      f"{fmt.amount(m.value, m.unit)} (to 0.1), {figure}")
        parts.append(figure)
    line = f"{check.reference}: {', '.join(parts)}."
    return GrowthView(tuple(w.message for w in check.warnings), line, plan.confirmed)
