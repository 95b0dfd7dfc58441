"""Infusions: dilution, pump rates, their minutes and volumes, hydration.

Rules of `shared/clinical-reference.md`, second edition, section B:

- a rate given as a maximum per kg (immunoglobulin 1, 2, then 4 mg/kg/min)
  is converted to mL/h with the dosing weight and the concentration and
  rounded DOWN to 0.1 mL/h: a pump is never set above the maximum. Each
  timed step runs its minutes, its volume rate x time to 0.1 mL; the last
  step runs the rest, its minutes rounded up;
- a rate from a volume over a set time is rounded half-up to 0.1 mL/h,
  unless that exceeds a maximum in mass per hour (pamidronate 60 mg/h):
  then the rate from that maximum, rounded down, and the minutes it takes,
  rounded up;
- a dilution fills the smallest bag that keeps the concentration at or
  below its maximum (pamidronate 0.36 mg/mL in 50, 100, 250 or 500 mL);
- hydration before the dose: volume per m² (or kg) x BSA (or weight),
  rounded half-up to 1 mL, over its time (cyclophosphamide 750 mL/m² over
  1 hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from .file_fields import FieldReader, read_quantity, read_sizes
from .rounding import floor_to, half_up
from .units import MASS, TIME, VOLUME, Quantity, magnitude_in

RATE_STEP = Decimal("0.1")
VOLUME_STEP = Decimal("0.1")
WHOLE_ML = Decimal(1)
MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True)
class RateStep:
    """A rate in amount units per kg per hour, for `minutes` (None: the rest)."""

    rate_per_kg_h: Decimal
    rate: Decimal
    minutes: int | None


@dataclass(frozen=True)
class Hydration:
    fluid: str
    #: mL per m² (`per` "m2") or per kg (`per` "kg").
    volume: Decimal
    per: str
    minutes: Decimal


@dataclass(frozen=True, eq=False)
class InfusionRule:
    """How a regimen's dose is infused, as written in `regimens.toml`."""

    rate_steps: tuple[RateStep, ...]
    rate_unit: str | None
    minutes: Decimal | None
    diluent: str | None
    bags_ml: tuple[Decimal, ...]
    #: Amount units per mL.
    max_concentration: Decimal | None
    min_concentration: Decimal | None
    #: Amount units per hour.
    max_rate: Decimal | None
    hydration: Hydration | None
    source: str


class InfusionStep(NamedTuple):
    """One pump setting. `per_kg_h` is the rate per kg per hour (amount
    units) a rate step was worked from, the rule's own or a lower kidney
    maximum; `limit` the maximum (amount units per hour) that lowered a
    rate from a volume over a set time; both None otherwise."""

    rate_ml_per_h: Decimal
    minutes: int
    volume_ml: Decimal
    per_kg_h: Decimal | None = None
    limit: Decimal | None = None


class Dilution(NamedTuple):
    fluid: str
    volume_ml: Decimal
    #: Amount units per mL after dilution.
    concentration: Decimal


class HydrationPlan(NamedTuple):
    fluid: str
    volume_ml: Decimal
    minutes: Decimal
    rate_ml_per_h: Decimal


class Infusion(NamedTuple):
    """How one dose runs: its steps, total minutes, dilution and hydration,
    and what to warn of (a concentration below the product's minimum)."""

    steps: tuple[InfusionStep, ...]
    total_minutes: int
    dilution: Dilution | None
    hydration: HydrationPlan | None
    warnings: tuple[str, ...]


def _minutes_up(volume: Decimal, rate: Decimal) -> int:
    return int((volume / rate * MINUTES_PER_HOUR).to_integral_value(ROUND_CEILING))


def infuse(rule: InfusionRule, amount: Decimal, volume_ml: Decimal, concentration: Decimal,
           weight_kg: Decimal, bsa_m2: Decimal, amount_unit: str,
           max_rate: Decimal | None = None) -> Infusion:
    """The infusion of `amount` (drawn as `volume_ml` of `concentration`
    amount units per mL) for a patient dosed on `weight_kg`; `max_rate`
    (amount units per hour) lowers the rule's own maximum."""
    dilution, volume, strength, warnings = _diluted(rule, amount, volume_ml, concentration, amount_unit)
    if rule.rate_steps:
        steps = _rate_steps(rule.rate_steps, volume, strength, weight_kg, max_rate)
        total_minutes = 0
        for pump_step in steps:
            total_minutes += pump_step.minutes
    else:
        # A kidney maximum may come from the child's weight, so only a step
        # under the rule's own maximum is kept.
        step = _timed_step(rule, volume, strength) if max_rate is None else \
            _pump_step(rule, volume, strength, max_rate)
        steps, total_minutes = (step,), step.minutes
    hydration = None
    if rule.hydration is not None:
        hydration = _hydration(rule, bsa_m2 if rule.hydration.per == "m2" else weight_kg)
    return Infusion(steps, total_minutes, dilution, hydration, warnings)


@lru_cache(maxsize=1024)
def _diluted(rule: InfusionRule, amount: Decimal, volume_ml: Decimal, concentration: Decimal,
             amount_unit: str) -> tuple[Dilution | None, Decimal, Decimal, tuple[str, ...]]:
    """The dilution of `amount` (None when the rule has no bags), the
    volume infused (mL) and its concentration (amount units per mL), and a
    warning of a concentration below the rule's minimum (cached: the same
    rounded doses recur from patient to patient)."""
    if not rule.bags_ml:
        return None, volume_ml, concentration, ()
    bag = next((b for b in rule.bags_ml if rule.max_concentration is None
                or amount / b <= rule.max_concentration), rule.bags_ml[-1])
    strength = amount / bag
    warnings = ()
    if rule.min_concentration is not None and strength < rule.min_concentration:
        warnings = (f"the concentration in {bag} mL is below the minimum of "
                    f"{rule.min_concentration} {amount_unit}/mL",)
    return Dilution(rule.diluent or "", bag, strength), bag, strength, warnings


def _rate_steps(rate_steps: tuple[RateStep, ...], volume: Decimal, strength: Decimal, weight_kg: Decimal,
                max_rate: Decimal | None) -> tuple[InfusionStep, ...]:
    """The pump steps of rates per kg for `volume` mL of `strength` amount
    units per mL, each rate no faster than `max_rate` (amount units per hour)."""
    steps: list[InfusionStep] = []
    left = volume
    for step in rate_steps:
        per_kg = step.rate_per_kg_h if max_rate is None else min(step.rate_per_kg_h, max_rate / weight_kg)
        rate = floor_to(per_kg * weight_kg / strength, RATE_STEP)
        run = None if step.minutes is None else half_up(rate * step.minutes / MINUTES_PER_HOUR, VOLUME_STEP)
        if run is not None and run < left:
            steps.append(InfusionStep(rate, step.minutes, run, per_kg))
            left -= run
        else:
            steps.append(InfusionStep(rate, _minutes_up(left, rate), left, per_kg))
            break
    return tuple(steps)


@lru_cache(maxsize=1024)
def _timed_step(rule: InfusionRule, volume: Decimal, strength: Decimal) -> InfusionStep:
    """`_pump_step` under the rule's own maximum only (cached: it depends on
    the dose, not on the patient)."""
    return _pump_step(rule, volume, strength, None)


def _pump_step(rule: InfusionRule, volume: Decimal, strength: Decimal, max_rate: Decimal | None
               ) -> InfusionStep:
    """The one pump step of `volume` mL over the rule's minutes, no faster
    than the lowest maximum rate."""
    rate = half_up(volume / rule.minutes * MINUTES_PER_HOUR, RATE_STEP)
    minutes = int(rule.minutes)
    # The lowest maximum rate, amount units per hour (None: no maximum).
    if max_rate is None or rule.max_rate is None:
        limit = rule.max_rate if max_rate is None else max_rate
    else:
        limit = min(rule.max_rate, max_rate)
    if limit is not None and rate * strength > limit:
        rate = floor_to(limit / strength, RATE_STEP)
        minutes = _minutes_up(volume, rate)
    else:
        limit = None
    return InfusionStep(rate, minutes, volume, limit=limit)


def _hydration(rule: InfusionRule, basis: Decimal) -> HydrationPlan:
    """The rule's hydration for a basis of `basis` m² or kg (the child's own
    value, so never kept: the server keeps nothing of a patient)."""
    h = rule.hydration
    fluid_ml = half_up(h.volume * basis, WHOLE_ML)
    rate = half_up(fluid_ml / h.minutes * MINUTES_PER_HOUR, RATE_STEP)
    return HydrationPlan(h.fluid, fluid_ml, h.minutes, rate)


def read_infusion(rd: FieldReader, data: Any, path: tuple[str, ...], amount_unit: str
                  ) -> InfusionRule | None:
    """An `infusion` table of a regimen, its numbers converted to
    `amount_unit` (per mL, per hour, per kg per hour)."""
    table = rd.table(data, path, {"rate_steps", "rate_unit", "duration", "diluent", "bags",
                                  "max_concentration", "min_concentration", "max_rate", "hydration",
                                  "source"})
    if table is None:
        return None
    source = rd.text(table, (*path, "source"))
    if ("rate_steps" in table) == ("duration" in table):
        rd.problem(path, "give rate_steps (rates per kg with their minutes) or a duration, "
                         "so that the infusion has a known length")
        return None
    steps: tuple[RateStep, ...] = ()
    rate_unit = minutes = None
    if "rate_steps" in table:
        steps, rate_unit = _read_rate_steps(rd, table, path, amount_unit) or ((), None)
        if not steps:
            return None
    else:
        minutes = _minutes(rd, table.get("duration"), (*path, "duration"))
        if minutes is None:
            return None
    bags: tuple[Decimal, ...] = ()
    if "bags" in table:
        bags = read_sizes(rd, table["bags"], (*path, "bags"), VOLUME, "mL", "bag sizes, volumes such as mL")
        if bags is None:
            return None
    concentrations = {}
    for key in ("max_concentration", "min_concentration"):
        concentrations[key] = _converted(rd, table, path, key, MASS / VOLUME, f"{amount_unit}/mL")
    max_rate = _converted(rd, table, path, "max_rate", MASS / TIME, f"{amount_unit}/h")
    hydration = None
    if "hydration" in table:
        hydration = _read_hydration(rd, table["hydration"], (*path, "hydration"))
    diluent = rd.text(table, (*path, "diluent"), required=bool(bags))
    if source is None or ("hydration" in table and hydration is None) or False in concentrations.values() \
            or max_rate is False:
        return None
    return InfusionRule(steps, rate_unit, minutes, diluent, bags, concentrations["max_concentration"],
                        concentrations["min_concentration"], max_rate, hydration, source)


def _converted(rd: FieldReader, table: dict, path: tuple[str, ...], key: str, dimension: Any,
               unit: str) -> Decimal | None | bool:
    """The quantity `key` in `unit`; None when absent, False when faulty."""
    if key not in table:
        return None
    quantity = read_quantity(rd, table[key], (*path, key))
    if quantity is None:
        return False
    if quantity.unit.dimensionality != dimension:
        rd.problem((*path, key, "unit"), f"must be in a unit such as {unit}, not {quantity.text}")
        return False
    return magnitude_in(Quantity(quantity.value, quantity.unit), unit)


def _minutes(rd: FieldReader, data: Any, path: tuple[str, ...]) -> Decimal | None:
    quantity = read_quantity(rd, data, path)
    if quantity is None:
        return None
    if quantity.unit.dimensionality != TIME:
        rd.problem((*path, "unit"), f"must be a time such as min or h, not {quantity.text}")
        return None
    return magnitude_in(Quantity(quantity.value, quantity.unit), "min")


def _read_rate_steps(rd: FieldReader, table: dict, path: tuple[str, ...], amount_unit: str
                     ) -> tuple[tuple[RateStep, ...], str] | None:
    unit = rd.unit(table, (*path, "rate_unit"))
    raw = table.get("rate_steps")
    if not isinstance(raw, list) or not raw:
        rd.problem((*path, "rate_steps"), "must be a list of { rate = ..., minutes = ... }")
        return None
    if unit is None:
        return None
    if (Quantity(Decimal(1), unit) * Quantity(Decimal(1), "kg")).dimensionality != MASS / TIME:
        rd.problem((*path, "rate_unit"), "a rate step is a mass per kg per time, such as mg/kg/min")
        return None
    factor = magnitude_in(Quantity(Decimal(1), unit), f"{amount_unit}/kg/h")
    steps = []
    for index, item in enumerate(raw):
        s_path = (*path, "rate_steps", str(index))
        step = rd.table(item, s_path, {"rate", "minutes"})
        if step is None:
            return None
        rate = rd.number(step, (*s_path, "rate"))
        last = index == len(raw) - 1
        minutes = None
        if not last or "minutes" in step:
            minutes = rd.whole(step, (*s_path, "minutes"), 24 * 60)
            if minutes is None:
                return None
        if rate is None:
            return None
        steps.append(RateStep(rate * factor, rate, minutes))
    if steps[-1].minutes is not None:
        rd.problem((*path, "rate_steps", str(len(raw) - 1), "minutes"),
                   "the last step runs until the infusion ends: leave out its minutes")
        return None
    return tuple(steps), str(table["rate_unit"]).strip()


def _read_hydration(rd: FieldReader, data: Any, path: tuple[str, ...]) -> Hydration | None:
    table = rd.table(data, path, {"fluid", "volume", "duration"})
    if table is None:
        return None
    fluid = rd.text(table, (*path, "fluid"))
    volume = read_quantity(rd, table.get("volume"), (*path, "volume"))
    minutes = _minutes(rd, table.get("duration"), (*path, "duration"))
    if fluid is None or volume is None or minutes is None:
        return None
    for per in ("m2", "kg"):
        scaled = Quantity(volume.value, volume.unit) * Quantity(Decimal(1), per)
        if scaled.dimensionality == VOLUME:
            return Hydration(fluid, magnitude_in(scaled, "mL"), per, minutes)
    rd.problem((*path, "volume", "unit"), "a volume per m² or per kg, such as mL/m2")
    return None
