"""Proving a regimen file before any request meets it.

Checking each field is not enough: a schedule of 1,000 doses every 120
months, or a rounding step so fine that no decimal can hold the quotient,
passes field by field and then fails every request. So the loader computes
every regimen of every plan for the extreme patients the app accepts (0.3 kg
and 20 cm, 250 kg and 250 cm, and the corners between, with every BSA
formula), at the default dose and at both ends of its override range, from
the earliest and the latest accepted first-dose dates, and refuses the file,
naming the regimen and the field, if any computation fails or any dose
falls more than `HORIZON_YEARS` after the first. A dose that rounds to
nothing for the lightest child is not a failure: the request is refused
cleanly, naming the regimen.

It also checks that a regimen that starts late in a plan (`start_day`)
starts while the plan is still running.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from .bsa import FORMULAS, body_surface_area
from .dates import add_months
from .inputs import EARLIEST_START, HEIGHT_RANGE_CM, LATEST_START, WEIGHT_RANGE_KG
from .plan import PhaseDoses, regimen_doses
from .regimen_model import PlanEntry, Regimen, RegimenBook

#: No dose of a regimen falls later than this after its first dose: a
#: dosing sheet is reissued long before.
HORIZON_YEARS = 5

Problem = tuple[tuple[str, ...], str]


def _bases(regimen: Regimen) -> tuple[Decimal, ...]:
    """The extreme basis values of the patients the app accepts."""
    if regimen.basis == "fixed":
        return (Decimal(1),)
    weights = WEIGHT_RANGE_KG
    if regimen.basis == "weight":
        return weights
    return tuple(sorted({body_surface_area(f, h, w) for f in FORMULAS
                         for w in weights for h in HEIGHT_RANGE_CM}))


def _schedule_field(regimen: Regimen) -> tuple[str, ...]:
    return ("regimens", regimen.id, "phases" if regimen.phased else "schedule")


def _last_day(doses: tuple[PhaseDoses, ...]) -> date:
    last = doses[-1]
    return last.until or last.dates[-1]


def _prove_dates(entry: PlanEntry, first: date) -> Problem | None:
    regimen = entry.regimen
    try:
        doses = regimen_doses(regimen, Decimal(1), None, first)
        horizon = add_months(first, 12 * HORIZON_YEARS)
    except (OverflowError, ValueError) as err:
        return _schedule_field(regimen), (f"the dates cannot be computed from a first dose on {first} "
                                          f"({err}); shorten the schedule")
    if _last_day(doses) > horizon:
        return _schedule_field(regimen), (
            f"from a first dose on {first} the last dose would fall on {_last_day(doses)}, more than "
            f"{HORIZON_YEARS} years later; shorten the schedule")
    return None


def _prove_amounts(regimen: Regimen) -> Problem | None:
    overrides = (None,) if regimen.override_min is None else (None, regimen.override_min,
                                                              regimen.override_max)
    for basis in _bases(regimen):
        for override in overrides:
            try:
                regimen_doses(regimen, basis, override, EARLIEST_START)
            except ArithmeticError as err:
                return ("regimens", regimen.id, "round_to"), (
                    f"the dose for a basis of {basis} cannot be computed and rounded "
                    f"({type(err).__name__}); use a rounding step such as 0.1 mg, 1 mg or 10 mg")
    return None


def prove(book: RegimenBook) -> Iterator[Problem]:
    """Every problem found by computing each regimen of each plan for the
    extreme patients and dates; nothing when the file is sound."""
    proved: set[str] = set()
    for plan in book.plans.values():
        ends: list[date | None] = []
        for entry in plan.entries:
            regimen = entry.regimen
            firsts = {EARLIEST_START, LATEST_START, LATEST_START + timedelta(days=entry.start_day - 1)}
            problem = next(filter(None, (_prove_dates(entry, first) for first in sorted(firsts))), None)
            if problem is None and regimen.id not in proved:
                proved.add(regimen.id)
                problem = _prove_amounts(regimen)
            if problem:
                yield problem
                continue
            if entry.start_day == 1:
                doses = regimen_doses(regimen, Decimal(1), None, EARLIEST_START)
                ends.append(None if regimen.open_ended else _last_day(doses))
        if None in ends or not ends:
            continue
        plan_days = (max(ends) - EARLIEST_START).days + 1
        for entry in plan.entries:
            if entry.start_day > plan_days:
                yield ("plans", plan.id, "regimens"), (
                    f"{entry.id} starts on day {entry.start_day}, after the plan has ended: its other "
                    f"regimens end by day {plan_days}")
