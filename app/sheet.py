"""What the dosing sheet prints for each regimen, as ready-made text.

Built from the engine's `RegimenPlan` with the ISMP formatting functions; the
template only places these strings. Doing the wording here in Python keeps
the template simple and its rendering fast: rows are tuples that the
template unpacks, saving Jinja's per-attribute lookups (`python -m bench`).
Each number is joined to its unit by a non-breaking space as the text is
built (the engine writes its calculations with the space it is given); the
engine's other sentences go through `printed`. A regimen's view
is HTML, escaped once (`escaped`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import NamedTuple

from markupsafe import escape

from .dosing import formatting as fmt
from .dosing.bsa import FORMULA_NAMES
from .dosing.infusions import InfusionStep
from .dosing.plan import PhaseDoses, Plan, RegimenPlan
from .dosing.products import ProductUse
from .dosing.regimen_model import BASIS_WORDS, Phase
from .dosing.units import TO_CM, TO_KG

#: A run of identical doses at least this long prints as one line.
RUN_AS_RANGE = 7
#: Joins a number to its unit, and the parts of a date, so that a line never
#: breaks between them ("28 / mg").
NBSP = "\u00a0"
#: The multiplication sign (U+00D7), never the letter x.
TIMES = "\u00d7"
HUNDREDTH = Decimal("0.01")
#: Where a volume too large for the syringes is measured.
BOTTLES = f"from the bottles (to 1{NBSP}mL)"
#: The entered units in words, echoed beside the value used.
UNIT_WORDS = {"kg": "kilograms", "g": "grams", "lb": "pounds",
              "cm": "centimetres", "m": "metres", "in": "inches"}


@lru_cache(maxsize=4096)
def amount(value: Decimal, unit: str) -> str:
    """`formatting.amount` with a non-breaking space: "28\u00a0mg" (kept
    here too, so that a kept amount is found with two arguments)."""
    return fmt.amount(value, unit, NBSP)


@lru_cache(maxsize=4096)
def long_date(day: date) -> str:
    """`formatting.long_date` that does not break: "31\u00a0Jan\u00a02027"."""
    return fmt.long_date(day).replace(" ", NBSP)


#: The characters HTML escaping changes (each looked for by `str.__contains__`,
#: a fast scan, where a regular expression's character class would test
#: every character).
HTML_SPECIAL = ("&", "<", ">", '"', "'")
#: A date row's text; a phase's dates (for `map`, which calls no Python
#: function per item).
ROW_TEXT = itemgetter(0)
DATES_OF = attrgetter("dates")


def html_text(text: str) -> str:
    """`text` escaped for HTML exactly as Jinja's autoescape writes it
    (markupsafe)."""
    return str(escape(text))


def printed(text: str) -> str:
    """The engine's sentence as printed: each number joined to its unit by a
    non-breaking space, and the multiplication sign for " x "."""
    return fmt.units_joined(text, NBSP).replace(" x ", f" {TIMES} ")


@lru_cache(maxsize=1024)
def printed_once(text: str) -> str:
    """`printed` for the regimen file's own sentences (notes, product
    names), the same on every sheet: worked out once and kept."""
    return printed(text)


def sentence(text: str) -> str:
    """`text` as a sentence: its first letter a capital (unless the word is
    written with a capital inside, as "eGFR"), a full stop at its end."""
    first_word = text.split(" ", 1)[0]
    if first_word[1:] == first_word[1:].lower():
        text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else f"{text}."


@lru_cache(maxsize=1024)
def printed_sentence(text: str) -> str:
    """`printed(sentence(text))`, kept: the engine's warnings and kidney
    lines recur word for word from sheet to sheet."""
    return printed(sentence(text))


class PhaseRow(NamedTuple):
    """One phase of a phased regimen (a taper step, a high then a low dose,
    a first dose then the next ones), as a table row."""

    step: int
    start: str
    until: str
    calculation: str
    dose: str
    measure: str
    capped: bool


#: One line of a dated schedule, (text, run): a dose, or a run of identical
#: doses (run True). A plain tuple: a sheet has dozens, and a named tuple
#: costs a Python call to make.
DateRow = tuple[str, bool]


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
    template unpacks it rather than looking up each attribute): lines about
    the patient (dosing weight, kidney function) and the product, then the
    phases table or the calculation, what to give and when, how it is
    measured and infused, the cumulative dose and the pharmacy's notes."""

    id: str
    title: str
    route: str
    before: tuple[str, ...]
    phases: tuple[PhaseRow, ...]
    calculation: str
    give: str
    doses: str
    dates: tuple[DateRow, ...]
    after: tuple[str, ...]
    #: What to check before giving: a measured dose further from the
    #: intended than the regimen allows, a cumulative dose at its threshold.
    warnings: tuple[str, ...]


def _date_rows(rp: RegimenPlan) -> tuple[DateRow, ...]:
    """Every dose on its own line, except long runs of one amount on a day
    schedule (weekly methotrexate), which print as one line with their count
    and weekday; a daily run prints its first and last day."""
    r = rp.regimen
    phase = r.phases[0]
    unit = r.amount_unit
    if not phase.is_course:
        first = rp.phase_doses[0]
        until = f" to {long_date(first.until)}" if first.until else ", continuing until changed"
        return ((f"from {long_date(first.dates[0])}{until}", False),)
    runs: list[tuple[Decimal, list[date]]] = []
    for doses in rp.phase_doses:
        if runs and runs[-1][0] == doses.amount:
            runs[-1][1].extend(doses.dates)
        else:
            runs.append((doses.amount, list(doses.dates)))
    rows: list[DateRow] = []
    for given, dates in runs:
        if phase.every_days is not None and phase.split_days == 1 and len(dates) >= RUN_AS_RANGE:
            rows.append((
                f"{len(dates)} doses of {amount(given, unit)}, every "
                f"{fmt.weekday(dates[0])} (every {phase.every_days}{NBSP}days) from "
                f"{long_date(dates[0])} to {long_date(dates[-1])}", True))
        else:
            given_text = f": {amount(given, unit)}"
            for day in dates:
                rows.append((long_date(day) + given_text, False))
    return tuple(rows)


def _how_often(rp: RegimenPlan, item: PhaseDoses) -> str:
    """A phase's frequency: "every 6 hours (1,600 mg a day)"."""
    r = rp.regimen
    phase = r.phases[item.phase]
    text = phase.frequency
    if phase.divided:
        text += f" ({amount(item.daily_amount, r.amount_unit)} a day)"
    if phase.condition:
        text += f", {phase.condition}"
    return text


def _given(rp: RegimenPlan, item: PhaseDoses) -> str:
    return amount(item.amount, rp.regimen.amount_unit) + (" (cap)" if item.capped else "")


def _per_dose(rp: RegimenPlan, item: PhaseDoses) -> str:
    """A phase's dose: "400 mg every 6 hours (1,600 mg a day)"."""
    return f"{amount(item.amount, rp.regimen.amount_unit)} {_how_often(rp, item)}" + \
        (" (cap)" if item.capped else "")


def measure_text(rp: RegimenPlan, item: PhaseDoses) -> str:
    """How a dose is measured, the trail continued from the amount:
    "28 mg ÷ 3 mg/mL = 9.33 mL; measure 9.4 mL in a 10 mL syringe (28.2 mg)"."""
    given = rp.administration
    measure = given.measures[item.phase] if given else None
    if measure is None or given.product is None:
        return ""
    # Everything of the measure but its deviation, which depends on the
    # child and is not printed here.
    drawn = (measure.volume_exact, measure.volume, measure.device, measure.tablets, measure.measured,
             measure.vials, measure.left_over)
    return _measure_text(item.amount, rp.regimen.amount_unit, given.product, drawn)


@lru_cache(maxsize=4096)
def _measure_text(dose_amount: Decimal, unit: str, use: ProductUse, drawn: tuple) -> str:
    """`measure_text` of a rounded dose measured from a product, the same on
    every sheet that gives that amount of it (so kept: doses are rounded,
    and the same amounts recur from child to child)."""
    volume_exact, volume, device, tablets, measured, vials, left_over = drawn
    dose = amount(dose_amount, unit)
    if tablets is not None:
        strength = amount(use.strength, unit)
        count = f"{fmt.number(tablets)}{NBSP}tablet{'' if tablets == 1 else 's'}"
        return (f"{dose} ÷ {strength} a tablet = {fmt.number(dose_amount / use.strength)} → give "
                f"{count} of {strength} ({amount(measured, unit)})")
    exact = fmt.number(volume_exact.quantize(HUNDREDTH))
    where = f"in a {printed_once(device.name)}" if device else BOTTLES
    text = (f"{dose} ÷ {amount(use.strength, f'{unit}/mL')} = {exact}{NBSP}mL; measure "
            f"{amount(volume, 'mL')} {where} ({amount(measured, unit)})")
    if vials:
        opened = " + ".join(f"{count} × {amount(size, unit)}" if count > 1 else amount(size, unit)
                            for size, count in vials)
        text += f"; open vials {opened} ({amount(left_over, unit)} left over)"
    return text


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}{NBSP}h {rest}{NBSP}min" if hours else f"{rest}{NBSP}min"


def infusion_lines(rp: RegimenPlan, item: PhaseDoses) -> tuple[str, ...]:
    """The pump settings of one dose: hydration, dilution, each rate with
    its minutes and volume, and the total time."""
    given = rp.administration
    infusion = given.infusions[item.phase] if given else None
    if infusion is None:
        return ()
    unit = rp.regimen.amount_unit
    lines = []
    if infusion.hydration:
        h = infusion.hydration
        rule = rp.regimen.infusion.hydration
        trail = ""
        if rp.basis_unit == rule.per:
            exact = rule.volume * rp.basis_value
            trail = f"{amount(rule.volume, f'mL/{rule.per}')} {TIMES} {amount(rp.basis_value, rule.per)} = "
            if exact != h.volume_ml:
                trail += f"{amount(exact, 'mL')}, rounded to "
        lines.append(f"Before the dose: {printed_once(h.fluid)} {trail}{amount(h.volume_ml, 'mL')} over "
                     f"{_hours(int(h.minutes))} ({amount(h.rate_ml_per_h, 'mL/h')})")
    if infusion.dilution:
        d = infusion.dilution
        lines.append(f"Dilute in {printed_once(d.fluid)} to {amount(d.volume_ml, 'mL')}: "
                     f"{amount(item_measured(rp, item), unit)} ÷ {amount(d.volume_ml, 'mL')} = "
                     f"{amount(d.concentration, f'{unit}/mL')}")
    concentration = infusion.dilution.concentration if infusion.dilution else given.product.strength
    steps = "; ".join([f"{_rate_trail(rp, n, s, concentration)}{amount(s.rate_ml_per_h, 'mL/h')} for "
                       f"{s.minutes}{NBSP}min ({amount(s.volume_ml, 'mL')})"
                       for n, s in enumerate(infusion.steps)])
    lines.append(f"Pump: {steps}; total {_hours(infusion.total_minutes)}")
    return tuple(lines)


def _rate_trail(rp: RegimenPlan, n: int, step: InfusionStep, concentration: Decimal) -> str:
    """How a pump rate from a maximum was worked out, so that it can be
    checked by hand: "1 mg/kg/min (0.06 g/kg/h) × 14 kg ÷ 0.1 g/mL = ",
    with ", rounded down to" where the rate was rounded down; empty for a
    rate from a volume over a set time."""
    unit = rp.regimen.amount_unit
    if step.limit is not None:
        exact = step.limit / concentration
        head = f"at most {amount(step.limit, f'{unit}/h')}: {amount(step.limit, f'{unit}/h')} ÷ "
    elif step.per_kg_h is not None and rp.dosing_weight is not None:
        rule = rp.regimen.infusion
        written = rule.rate_steps[n]
        per_kg = amount(step.per_kg_h, f"{unit}/kg/h")
        if step.per_kg_h == written.rate_per_kg_h:
            per_kg = f"{amount(written.rate, rule.rate_unit)} ({per_kg})"
        else:
            per_kg = f"{per_kg} (the kidney maximum)"
        exact = step.per_kg_h * rp.dosing_weight.kg / concentration
        head = f"{per_kg} {TIMES} {amount(rp.dosing_weight.kg, 'kg')} ÷ "
    else:
        return ""
    result = f"{head}{amount(concentration, f'{unit}/mL')} = "
    if exact != step.rate_ml_per_h:
        shown = exact.quantize(HUNDREDTH, ROUND_HALF_UP)
        result += (f"{'' if shown == exact else 'about '}{fmt.number(shown)}{NBSP}mL/h, "
                   "rounded down to ")
    return result


def item_measured(rp: RegimenPlan, item: PhaseDoses) -> Decimal:
    measure = rp.administration.measures[item.phase] if rp.administration else None
    return item.amount if measure is None else measure.measured


def _phase_rows(rp: RegimenPlan) -> tuple[PhaseRow, ...]:
    """One row per phase (a daily run), or per dose of a phased course."""
    rows = rp.phase_doses
    result = []
    for n, item in enumerate(rows, start=1):
        phase = rp.regimen.phases[item.phase]
        if phase.is_course:
            dates = item.dates
            start, until = long_date(dates[0]), (long_date(dates[-1]) if len(dates) > 1 else "")
            dose = f"{_per_dose(rp, item)}, {len(dates)} dose{'s' if len(dates) > 1 else ''}"
        else:
            until = long_date(item.until) if item.until else "continuing (until changed)"
            start, dose = long_date(item.dates[0]), _per_dose(rp, item)
        result.append(PhaseRow(n, start, until, rp.calculation(item, NBSP), dose, measure_text(rp, item),
                               item.capped))
    return tuple(result)


@lru_cache(maxsize=256)
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
    phase = r.phases[0]
    rule = "in phases, see the table" if r.phased else printed(rp.dose_rule)
    return RegimenHeading(
        id=r.id,
        title=_title(r.drug),
        route=f"{r.route}, {' then '.join(dict.fromkeys(p.frequency for p in r.phases))}",
        rule=f"{rule} ({BASIS_WORDS[r.basis]}{'' if r.basis == 'fixed' else ' basis'})",
        overridden_from=amount(phase.dose, r.dose_unit) if rp.overridden else None,
        cap=_by_phase(r.phases, lambda p: printed(rp.cap_text(p))),
        round_to=_by_phase(r.phases, lambda p: amount(p.round_to, r.amount_unit)),
        capped=rp.any_capped,
    )


def _by_phase(phases: tuple[Phase, ...], text: Callable[[Phase], str]) -> str:
    """`text` of the first phase when every phase has the same, else each
    phase's: "4,000 mg/day in phase 1, 81 mg/day in phase 2"."""
    texts = [text(p) for p in phases]
    if len(set(texts)) == 1:
        return texts[0]
    return ", ".join(f"{t} in phase {n}" for n, t in enumerate(texts, start=1))


def _before(rp: RegimenPlan) -> tuple[str, ...]:
    """Lines about the weight used, kidney function and the product."""
    lines = []
    used = rp.dosing_weight
    if used is not None and rp.regimen.dosing_weight == "adjusted":
        lines.append(printed(f"Dosing weight: {used.text}."))
    kidney = rp.kidney
    if kidney is not None:
        said = list(kidney.warnings)
        if kidney.percent is not None:
            said.append(f"{fmt.number(kidney.percent)}% of the dose for kidney function")
        if kidney.max_rate is not None:
            said.append(f"infuse no faster than {_max_rate_trail(rp)}{fmt.amount(kidney.max_rate, 'mg/h')}")
        lines.extend(map(printed_sentence, said))
    given = rp.administration
    if given and given.product:
        product = given.product.product
        lines.append(printed_once(f"Given as {product.name}."))
    return (" ".join(lines),) if lines else ()


def _max_rate_trail(rp: RegimenPlan) -> str:
    """How a per-kg kidney maximum became mg/h for this child: "3.3
    mg/kg/min (198 mg/kg/h) × 67.72 kg = "; empty for a maximum in mg/h."""
    kidney, used = rp.kidney, rp.dosing_weight
    if kidney is None or used is None:
        return ""
    rule = next((r for r in kidney.applied if r.max_rate_per_kg and r.max_rate_mg_h is not None
                 and r.max_rate_mg_h * used.kg == kidney.max_rate), None)
    if rule is None:
        return ""
    return (f"{fmt.amount(rule.max_rate, rule.max_rate_unit)} ({fmt.amount(rule.max_rate_mg_h, 'mg/kg/h')}) "
            f"{TIMES} {fmt.amount(used.kg, 'kg')} = ")


def _after(rp: RegimenPlan) -> tuple[str, ...]:
    """The measure and pump of a single-phase regimen, its cumulative dose
    and the notes."""
    lines: list[str] = []
    first = rp.phase_doses[0]
    if not rp.regimen.phased:
        measured = measure_text(rp, first)
        if measured:
            lines.append(f"Measure: {measured}.")
        lines.extend(infusion_lines(rp, first))
    elif rp.administration and rp.regimen.infusion is not None:
        for item in rp.phase_doses:
            lines.extend(f"Phase {item.phase + 1}: {line}" for line in infusion_lines(rp, item))
    given = rp.administration
    total = given.cumulative if given else None
    if total is not None:
        unit = rp.regimen.amount_unit
        text = f"Cumulative dose of this course: {amount(total.amount - total.already_given, unit)}"
        if total.already_given:
            text += f" + {amount(total.already_given, unit)} already given = {amount(total.amount, unit)}"
        if total.per_basis is not None:
            text += (f"; {amount(total.amount, unit)} ÷ {amount(total.basis_value, total.basis_unit)} = "
                     f"{amount(total.per_basis, f'{unit}/{total.basis_unit}')}")
        lines.append(text + ".")
    return (*lines, *map(printed_once, rp.regimen.notes))


def regimen_view(rp: RegimenPlan) -> RegimenView:
    """The printed wording of one worked-out regimen's doses, as HTML
    (`escaped`)."""
    r = rp.regimen
    first = rp.phase_doses[0]
    phased = r.phased
    count = sum(map(len, map(DATES_OF, rp.phase_doses)))
    given = rp.administration
    return escaped(RegimenView(
        id=r.id,
        title=_title(r.drug),
        route=f"{r.route}, {_how_often(rp, first)}",
        before=_before(rp),
        phases=_phase_rows(rp) if phased else (),
        calculation="" if phased else rp.calculation(first, NBSP),
        give="" if phased else _given(rp, first),
        doses=f"{count} dose{'s' if count > 1 else ''}" if r.phases[0].is_course else "",
        dates=() if phased else _date_rows(rp),
        after=_after(rp),
        warnings=tuple(map(printed_sentence, given.warnings)) if given else (),
    ))


def escaped(view: RegimenView) -> RegimenView:
    """`view` with its text escaped for HTML, so that the sheet's template
    prints it as it is: its regimen sections are outside autoescape, where
    about a hundred separate escapes cost 3% of the request (`python -m
    bench`, instructions counted). Most regimens have nothing to escape:
    one scan of all their text finds that, and only then is each text
    escaped."""
    texts = [view.id, view.title, view.route, view.calculation, view.give, view.doses, *view.before,
             *view.after, *view.warnings, *map(ROW_TEXT, view.dates)]
    for row in view.phases:
        texts += row[1:6]
    text = "".join(texts)
    if not any(map(text.__contains__, HTML_SPECIAL)):
        return view
    h = html_text
    return view._replace(
        id=h(view.id), title=h(view.title), route=h(view.route), calculation=h(view.calculation),
        give=h(view.give), doses=h(view.doses), before=tuple(map(h, view.before)),
        after=tuple(map(h, view.after)), warnings=tuple(map(h, view.warnings)),
        dates=tuple((h(text), run) for text, run in view.dates),
        phases=tuple(PhaseRow(row.step, *map(h, row[1:6]), row.capped) for row in view.phases))


class GrowthView(NamedTuple):
    """What the sheet prints of the growth check: warnings for the top of
    the sheet, and one line of figures (or why the check was not done); a
    tuple, which the template unpacks."""

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
    kidney: str | None


def _as_measured(entered: Decimal, unit: str, used: Decimal, base: str,
                 factor: Decimal, how: str = "measured") -> str:
    """The value used, and the unit chosen on the form in words:
    "14 kg, as measured"; "14.06 kg, from 31 lb (pounds) as measured,
    × 0.45359237 kg/lb"; `how` is "entered" for a weight that was not
    measured (stated or estimated)."""
    if unit == base:
        return f"{amount(used, base)}, as {how}"
    return (f"{amount(used, base)}, from {amount(entered, unit)} ({UNIT_WORDS[unit]}) as {how}, "
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
    record = plan.weight_record
    how = "measured" if record is None or record.source == "measured" else "entered"
    weight = _as_measured(p.weight_entered, p.weight_unit, p.weight_kg, "kg", TO_KG[p.weight_unit], how)
    if record is not None:
        weight = f"{weight}; weight {record.words}"
    if p.corrected_text:
        age = f"{age} (growth check at corrected age: {p.corrected_text})"
    kidney = None
    if plan.kidney is not None:
        kidney = printed(plan.kidney.text)
    return PatientView(
        weight=weight,
        height=_as_measured(p.height_entered, p.height_unit, p.height_cm, "cm", TO_CM[p.height_unit]),
        bsa=f"{amount(p.bsa_m2, 'm2')} ({FORMULA_NAMES[p.bsa_formula]} formula, rounded to 0.01{NBSP}m²)",
        age_sex=f"{age}, {p.sex or 'sex not given'}",
        start=long_date(plan.start),
        kidney=kidney,
    )
