"""What the dosing sheet prints for each regimen, as ready-made text.

Built from the engine's `RegimenPlan` with the ISMP formatting functions; the
template only places these strings. Doing the wording here in Python keeps
the template simple and its rendering fast: rows are named tuples that the
template unpacks, saving Jinja's per-attribute lookups (`python -m bench`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from .dosing import formatting as fmt
from .dosing.bsa import FORMULA_NAMES
from .dosing.plan import DoseItem, Plan, RegimenPlan
from .dosing.units import TO_CM, TO_KG

#: A run of identical doses at least this long prints as one line.
RUN_AS_RANGE = 7
#: Joins a number to its unit, and the parts of a date, so that a line never
#: breaks between them ("28 / mg").
NBSP = "\u00a0"
#: The multiplication sign (U+00D7), never the letter x.
TIMES = "\u00d7"
_NUMBER_THEN_UNIT = re.compile(r"(?<=[0-9]) (?=[a-zµ%])")
#: The entered units in words, echoed beside the value used.
UNIT_WORDS = {"kg": "kilograms", "g": "grams", "lb": "pounds",
              "cm": "centimetres", "m": "metres", "in": "inches"}


@lru_cache(maxsize=4096)
def amount(value: Decimal, unit: str) -> str:
    """`formatting.amount` with a non-breaking space: "28\u00a0mg"."""
    return fmt.amount(value, unit).replace(" ", NBSP)


@lru_cache(maxsize=4096)
def long_date(day: date) -> str:
    """`formatting.long_date` that does not break: "31\u00a0Jan\u00a02027"."""
    return fmt.long_date(day).replace(" ", NBSP)


def printed(text: str) -> str:
    """The engine's sentence as printed: each number joined to its unit by a
    non-breaking space, and the multiplication sign for " x "."""
    return _NUMBER_THEN_UNIT.sub(NBSP, text).replace(" x ", f" {TIMES} ")


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


class RegimenHeading(NamedTuple):
    """The part of a regimen's section that depends only on the regimen,
    its dose rule and whether the cap applied: the same for most sheets,
    so the page draws it once (`heading_key`)."""

    id: str
    title: str
    route: str
    rule: str
    overridden_from: str | None
    cap: str
    round_to: str
    capped: bool


class RegimenView(NamedTuple):
    """Everything else the sheet prints for one regimen (a tuple, so the
    template unpacks it rather than looking up each attribute)."""

    id: str
    title: str
    route: str
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
    items = rp.items
    rows: list[DateRow] = []

    def single(item: DoseItem) -> DateRow:
        return DateRow(f"{long_date(item.date)}: {amount(item.amount, r.amount_unit)}", False)

    start = 0
    for end in range(1, len(items) + 1):
        if end < len(items) and items[end].amount == items[start].amount:
            continue
        first, last, count = items[start], items[end - 1], end - start
        if r.schedule.every_days is not None and count >= RUN_AS_RANGE:
            rows.append(DateRow(
                f"{count} doses of {amount(first.amount, r.amount_unit)}, every "
                f"{fmt.weekday(first.date)} (every {r.schedule.every_days}{NBSP}days) from "
                f"{long_date(first.date)} to {long_date(last.date)}", True))
        else:
            rows.extend(single(item) for item in items[start:end])
        start = end
    return tuple(rows)


def _taper_rows(rp: RegimenPlan) -> tuple[TaperRow, ...]:
    """One row per taper step; the steps' calculations are made printable
    together (one pass of `printed` rather than one per step)."""
    r = rp.regimen
    calculations = printed("\n".join(rp.calculation(item) for item in rp.items)).split("\n")
    return tuple(
        TaperRow(n, long_date(item.date),
                 long_date(item.until) if item.until else "continuing (until changed)",
                 calculation,
                 f"{amount(item.amount, r.amount_unit)} {r.frequency}" + (" (cap)" if item.capped else ""),
                 item.capped)
        for n, (item, calculation) in enumerate(zip(rp.items, calculations, strict=True), start=1))


def _title(drug: str) -> str:
    return drug[:1].upper() + drug[1:]


def heading_key(rp: RegimenPlan) -> tuple[str, bool] | None:
    """What `regimen_heading` depends on, for a regimen at its default
    dose; None when the prescriber changed the dose (any number in the
    allowed range, so such headings are not kept)."""
    return None if rp.overridden else (rp.regimen.id, rp.any_capped)


def regimen_heading(rp: RegimenPlan) -> RegimenHeading:
    """The regimen's title, route, dose rule, cap and rounding, as printed."""
    r = rp.regimen
    basis = "weight" if r.basis == "weight" else "body surface area"
    rule = "tapered, see the steps" if r.taper else printed(rp.dose_rule)
    return RegimenHeading(
        id=r.id,
        title=_title(r.drug),
        route=f"{r.route}, {r.frequency}",
        rule=f"{rule} ({basis} basis)",
        overridden_from=amount(r.dose, r.dose_unit) if rp.overridden else None,
        cap=amount(r.cap, r.cap_unit),
        round_to=amount(r.round_to, r.amount_unit),
        capped=rp.any_capped,
    )


def regimen_view(rp: RegimenPlan) -> RegimenView:
    """The printed wording of one worked-out regimen's doses."""
    r = rp.regimen
    first = rp.items[0]
    cap_mark = " (cap)" if first.capped else ""
    count = len(rp.items)
    return RegimenView(
        id=r.id,
        title=_title(r.drug),
        route=f"{r.route}, {r.frequency}",
        taper=_taper_rows(rp) if r.taper else (),
        calculation=printed(rp.calculation(first)),
        give=f"{amount(first.amount, r.amount_unit)}{cap_mark}",
        doses=f"{count} dose{'s' if count > 1 else ''}",
        dates=() if r.taper else _date_rows(rp),
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
    """Percentile `value` as an ordinal, its suffix read from the last digit
    spoken: "41st", "12th", "30.8th", "62.2nd", "0.1st"; where `z` puts it
    beyond what 0.1 can show, "above the 99.9th" or "below the 0.1st"."""
    if z >= PERCENTILE_SHOWN_TO_Z:
        return "above the 99.9th"
    if z <= -PERCENTILE_SHOWN_TO_Z:
        return "below the 0.1st"
    text = fmt.number(value)
    if "." not in text and 11 <= int(text) % 100 <= 13:
        return f"{text}th"
    return text + {"1": "st", "2": "nd", "3": "rd"}.get(text[-1], "th")


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
        figure = f"{m.label} z{NBSP}{signed(m.z)} ({ordinal(m.percentile, m.z)} percentile)"
        if m.measure == "bmi":
            figure = (f"BMI {amount(p.weight_kg, 'kg')} ÷ ({amount(p.height_cm / 100, 'm')})² = "
                      f"{amount(m.value, m.unit)} (to 0.1), {figure}")
        parts.append(figure)
    line = f"{check.reference}: {', '.join(parts)}."
    return GrowthView(tuple(printed(w.message) for w in check.warnings), line, plan.confirmed)


class PatientView(NamedTuple):
    """The sheet's measurements block, as printed."""

    weight: str
    height: str
    bsa: str
    age_sex: str
    start: str


def _as_measured(entered: Decimal, unit: str, used: Decimal, base: str,
                 factor: Decimal) -> str:
    """The value used, and the unit chosen on the form in words:
    "14 kg, as measured"; "14.06 kg, from 31 lb (pounds) as measured,
    × 0.45359237 kg/lb"."""
    if unit == base:
        return f"{amount(used, base)}, as measured"
    return (f"{amount(used, base)}, from {amount(entered, unit)} ({UNIT_WORDS[unit]}) as measured, "
            f"{TIMES} {amount(factor, f'{base}/{unit}')}")


def _plural(count: int, word: str) -> str:
    return f"{count}{NBSP}{word}{'s' if count != 1 else ''}"


def age_text(years: int, months: int) -> str:
    """An age as printed: "3 years 6 months", "1 year 0 months"."""
    return f"{_plural(years, 'year')} {_plural(months, 'month')}"


def patient_view(plan: Plan) -> PatientView:
    """What the sheet prints of the patient's measurements."""
    p = plan.patient
    age = (age_text(p.age_years, p.age_months)
           if p.age_years is not None and p.age_months is not None else "age not given")
    return PatientView(
        weight=_as_measured(p.weight_entered, p.weight_unit, p.weight_kg, "kg", TO_KG[p.weight_unit]),
        height=_as_measured(p.height_entered, p.height_unit, p.height_cm, "cm", TO_CM[p.height_unit]),
        bsa=f"{amount(p.bsa_m2, 'm2')} ({FORMULA_NAMES[p.bsa_formula]} formula, rounded to 0.01{NBSP}m²)",
        age_sex=f"{age}, {p.sex or 'sex not given'}",
        start=long_date(plan.start),
    )
