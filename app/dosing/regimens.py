"""Regimens as data: loading and checking `regimens.toml`.

Every dose, cap, rounding increment, schedule and taper comes from the file.
Units are parsed by Pint once, here, and checked by dimension: a dose rule
times its basis (kg for `weight`, m² for `bsa`) must give a mass, or a mass
per time when the schedule counts days; the cap must have the dimension of
that product; the rounding increment is a mass. The conversion factors that
dosing needs are computed here so that a request only multiplies decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import pint

from .errors import FileProblem, RegimenFileError
from .formatting import unit as unit_text
from .rounding import plain
from .toml_source import TomlDocument, read_toml
from .units import MASS, TIME, Quantity, magnitude_in, ureg

Basis = Literal["weight", "bsa"]
BASIS_UNITS: Mapping[str, str] = {"weight": "kg", "bsa": "m2"}
MAX_COUNT = 1000
MAX_WEEKS = 520


@dataclass(frozen=True)
class TaperStep:
    """One step of a taper: dose per basis unit per day, for `weeks` weeks
    (None for the open-ended last step)."""

    dose: Decimal
    weeks: int | None


@dataclass(frozen=True)
class Schedule:
    """When doses fall: every `every_days` days or every `every_months`
    calendar months, `count` times (None when a taper sets the length)."""

    every_days: int | None
    every_months: int | None
    count: int | None
    source: str


@dataclass(frozen=True)
class Regimen:
    """One drug's dosing rule, as written in `regimens.toml`."""

    id: str
    drug: str
    route: str
    frequency: str
    basis: Basis
    dose: Decimal | None
    dose_unit: str
    dose_source: str
    override_min: Decimal | None
    override_max: Decimal | None
    override_source: str | None
    cap: Decimal
    cap_unit: str
    cap_source: str
    round_to: Decimal
    amount_unit: str
    round_source: str
    schedule: Schedule
    taper: tuple[TaperStep, ...]
    taper_source: str | None
    #: amount units per (dose unit x basis unit x dosing interval).
    dose_factor: Decimal
    #: the cap per administration, in `amount_unit`.
    cap_amount: Decimal
    #: the time unit of a per-time dose ("day" for mg/kg/day), else None;
    #: such a dose is given once per that unit.
    per: str | None

    @property
    def overridable(self) -> bool:
        return self.override_min is not None


@dataclass(frozen=True)
class PlanDefinition:
    """A named list of regimens, in the order they are printed."""

    id: str
    name: str
    source: str
    regimens: tuple[str, ...]


@dataclass(frozen=True)
class RegimenBook:
    """Everything loaded from one regimen file."""

    path: str
    version: str
    default_plan: str
    plans: Mapping[str, PlanDefinition]
    regimens: Mapping[str, Regimen]

    @property
    def plan(self) -> PlanDefinition:
        return self.plans[self.default_plan]

    @cached_property
    def override_ranges(self) -> Mapping[str, tuple[Decimal, Decimal, str] | None]:
        """For each regimen of the default plan: (min, max, unit as printed)
        of an allowed dose override, or None if it cannot be overridden."""
        return MappingProxyType({
            rid: (r.override_min, r.override_max, unit_text(r.dose_unit)) if r.overridable else None
            for rid, r in self.regimens.items() if rid in self.plan.regimens
        })

    @cached_property
    def overridable(self) -> frozenset[str]:
        """Ids of the default plan's regimens whose dose may be overridden."""
        return frozenset(rid for rid, allowed in self.override_ranges.items() if allowed)

    @cached_property
    def sources(self) -> tuple[str, ...]:
        """Every distinct source cited by the default plan, in order."""
        seen: dict[str, None] = {self.plan.source: None}
        for rid in self.plan.regimens:
            r = self.regimens[rid]
            for s in (r.dose_source, r.taper_source, r.cap_source, r.override_source,
                      r.round_source, r.schedule.source):
                if s:
                    seen.setdefault(s, None)
        return tuple(seen)


class _Reader:
    """Reads typed values out of the parsed TOML, collecting every problem
    with its line instead of stopping at the first."""

    def __init__(self, file: str, document: TomlDocument) -> None:
        self.file = file
        self.line_of = document.line_of
        self.problems: list[FileProblem] = []

    def problem(self, path: tuple[str, ...], message: str) -> None:
        self.problems.append(
            FileProblem(self.file, self.line_of(path), ".".join(path), message)
        )

    def table(self, data: Any, path: tuple[str, ...], allowed: set[str]) -> dict | None:
        if not isinstance(data, dict):
            self.problem(path, "must be a table")
            return None
        for key in sorted(set(data) - allowed):
            self.problem((*path, key), f"unknown field; allowed: {', '.join(sorted(allowed))}")
        return data

    def text(self, data: dict, path: tuple[str, ...], required: bool = True) -> str | None:
        value = data.get(path[-1])
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "required text is missing or empty")
            return None
        return value.strip()

    def number(self, data: dict, path: tuple[str, ...]) -> Decimal | None:
        value = data.get(path[-1])
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.problem(path, "required number is missing or not a number")
            return None
        number = Decimal(value)
        if not number.is_finite() or number <= 0:
            self.problem(path, f"must be a number above zero, not {value}")
            return None
        return plain(number)

    def whole(self, data: dict, path: tuple[str, ...], top: int) -> int | None:
        value = data.get(path[-1])
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            self.problem(path, f"must be a whole number from 1 to {top}")
            return None
        return value

    def unit(self, data: dict, path: tuple[str, ...]) -> pint.Unit | None:
        text = self.text(data, path)
        if text is None:
            return None
        try:
            return ureg.parse_units(text)
        except (pint.PintError, ValueError, TypeError, AttributeError, SyntaxError) as err:
            self.problem(path, f"'{text}' is not a unit Pedidose knows ({err})")
            return None


def _describe(dimensionality: Any) -> str:
    return str(dimensionality) if dimensionality else "a plain number"


def _read_schedule(rd: _Reader, data: Any, path: tuple[str, ...], tapered: bool) -> Schedule | None:
    table = rd.table(data, path, {"every_days", "every_months", "count", "source"})
    if table is None:
        return None
    source = rd.text(table, (*path, "source"))
    if ("every_days" in table) == ("every_months" in table):
        rd.problem(path, "give exactly one of every_days or every_months")
        return None
    days = rd.whole(table, (*path, "every_days"), 366) if "every_days" in table else None
    months = rd.whole(table, (*path, "every_months"), 120) if "every_months" in table else None
    count = None
    if tapered:
        if days != 1:
            rd.problem((*path, "every_days"), "a tapered regimen is dosed daily: every_days = 1")
        if "count" in table:
            rd.problem((*path, "count"), "a tapered regimen takes its length from its taper steps")
    else:
        count = rd.whole(table, (*path, "count"), MAX_COUNT)
    if source is None or (days is None and months is None):
        return None
    return Schedule(days, months, count, source)


def _read_taper(rd: _Reader, data: Any, path: tuple[str, ...]) -> tuple[TaperStep, ...] | None:
    if not isinstance(data, list) or not data:
        rd.problem(path, "a taper needs at least one step ([[...taper]] with dose and weeks)")
        return None
    steps = []
    for index, raw in enumerate(data):
        step_path = (*path, str(index))
        step = rd.table(raw, step_path, {"dose", "weeks"})
        if step is None:
            return None
        dose = rd.number(step, (*step_path, "dose"))
        last = index == len(data) - 1
        weeks = None
        if last and "weeks" in step:
            rd.problem((*step_path, "weeks"), "the last step is open-ended: leave out weeks")
        elif not last:
            weeks = rd.whole(step, (*step_path, "weeks"), MAX_WEEKS)
        if dose is not None:
            steps.append(TaperStep(dose, weeks))
    return tuple(steps) if len(steps) == len(data) else None


def _read_regimen(rd: _Reader, rid: str, data: Any) -> Regimen | None:
    path = ("regimens", rid)
    table = rd.table(data, path, {
        "drug", "route", "frequency", "basis", "dose", "override_range", "cap",
        "round_to", "schedule", "taper", "taper_source",
    })
    if table is None:
        return None
    drug = rd.text(table, (*path, "drug"))
    route = rd.text(table, (*path, "route"))
    frequency = rd.text(table, (*path, "frequency"))
    basis = table.get("basis")
    if basis not in BASIS_UNITS:
        rd.problem((*path, "basis"), "must be \"weight\" (dose per kg) or \"bsa\" (dose per m2)")
        basis = None
    tapered = "taper" in table
    taper: tuple[TaperStep, ...] | None = ()
    taper_source = None
    if tapered:
        taper = _read_taper(rd, table["taper"], (*path, "taper"))
        taper_source = rd.text(table, (*path, "taper_source"))
    elif "taper_source" in table:
        rd.problem((*path, "taper_source"), "given without taper steps")

    dose_path = (*path, "dose")
    dose_table = rd.table(table.get("dose"), dose_path,
                          {"unit", "source"} if tapered else {"value", "unit", "source"})
    dose = dose_unit = dose_source = None
    if dose_table is not None:
        dose = None if tapered else rd.number(dose_table, (*dose_path, "value"))
        dose_unit = rd.unit(dose_table, (*dose_path, "unit"))
        dose_source = rd.text(dose_table, (*dose_path, "source"))

    override_min = override_max = override_source = None
    if "override_range" in table:
        o_path = (*path, "override_range")
        o_table = rd.table(table["override_range"], o_path, {"min", "max", "source"})
        if tapered:
            rd.problem(o_path, "a tapered regimen cannot be overridden; edit its taper steps")
        elif o_table is not None:
            override_min = rd.number(o_table, (*o_path, "min"))
            override_max = rd.number(o_table, (*o_path, "max"))
            override_source = rd.text(o_table, (*o_path, "source"))
            if override_min is not None and override_max is not None and dose is not None:
                if override_min > override_max:
                    rd.problem(o_path, f"min {override_min} is above max {override_max}")
                elif not override_min <= dose <= override_max:
                    rd.problem(o_path, f"the default dose {dose} is outside {override_min} to {override_max}")

    amounts = {}
    for key in ("cap", "round_to"):
        a_path = (*path, key)
        a_table = rd.table(table.get(key), a_path, {"value", "unit", "source"})
        if a_table is not None:
            amounts[key] = (rd.number(a_table, (*a_path, "value")),
                            rd.unit(a_table, (*a_path, "unit")),
                            rd.text(a_table, (*a_path, "source")))
    schedule = _read_schedule(rd, table.get("schedule"), (*path, "schedule"), tapered)

    if (None in (drug, route, frequency, basis, dose_unit, dose_source, schedule, taper)
            or (dose is None and not tapered) or len(amounts) != 2
            or None in amounts["cap"] or None in amounts["round_to"]):
        return None
    cap, cap_unit, cap_source = amounts["cap"]
    round_to, round_unit, round_source = amounts["round_to"]
    if round_unit.dimensionality != MASS:
        rd.problem((*path, "round_to", "unit"), f"must be a mass such as mg or g, not {round_unit}")
        return None
    per_basis = Quantity(Decimal(1), dose_unit) * Quantity(Decimal(1), BASIS_UNITS[basis])
    interval = Quantity(Decimal(1), "")
    per = None
    if per_basis.dimensionality == MASS / TIME:
        if schedule.every_days is None:
            rd.problem((*dose_path, "unit"),
                       f"'{dose_unit}' is per time, which needs a schedule in days (every_days)")
            return None
        interval = Quantity(Decimal(schedule.every_days), "day")
        per = str(table["dose"]["unit"]).rsplit("/", 1)[-1].strip()
        try:
            once_per_unit = magnitude_in(interval, per) == 1
        except pint.PintError:
            rd.problem((*dose_path, "unit"), f"write the time unit last, e.g. mg/kg/day, not '{per}'")
            return None
        if not once_per_unit:
            rd.problem((*path, "schedule", "every_days"),
                       f"a dose per {per} is given once per {per}: every_days must be "
                       f"{magnitude_in(Quantity(Decimal(1), per), 'day')}")
            return None
    elif per_basis.dimensionality != MASS:
        unit_of_basis = BASIS_UNITS[basis]
        rd.problem((*dose_path, "unit"),
                   f"'{dose_unit}' times the {basis} basis ({unit_of_basis}) gives "
                   f"{_describe(per_basis.dimensionality)}, not a mass; "
                   f"for basis \"{basis}\" use a dose per {unit_of_basis} such as mg/{unit_of_basis}")
        return None
    if Quantity(Decimal(1), cap_unit).dimensionality != per_basis.dimensionality:
        rd.problem((*path, "cap", "unit"),
                   f"'{table['cap']['unit']}' does not match the dose: the cap must be in "
                   f"{per_basis.units:~} or another unit of that dimension")
        return None
    dose_factor = magnitude_in(per_basis * interval, str(round_unit))
    cap_amount = magnitude_in(Quantity(cap, cap_unit) * interval, str(round_unit))
    return Regimen(
        id=rid, drug=drug, route=route, frequency=frequency, basis=basis,
        dose=dose, dose_unit=str(table["dose"]["unit"]).strip(), dose_source=dose_source,
        override_min=override_min, override_max=override_max, override_source=override_source,
        cap=cap, cap_unit=str(table["cap"]["unit"]).strip(), cap_source=cap_source,
        round_to=round_to, amount_unit=str(table["round_to"]["unit"]).strip(),
        round_source=round_source, schedule=schedule, taper=taper, taper_source=taper_source,
        dose_factor=dose_factor, cap_amount=cap_amount, per=per,
    )


def _read_plans(rd: _Reader, data: Any, regimen_ids: set[str]) -> dict[str, PlanDefinition]:
    plans: dict[str, PlanDefinition] = {}
    if not isinstance(data, dict) or not data:
        rd.problem(("plans",), "at least one [plans.<id>] table is required")
        return plans
    for pid, raw in data.items():
        path = ("plans", pid)
        table = rd.table(raw, path, {"name", "source", "regimens"})
        if table is None:
            continue
        name = rd.text(table, (*path, "name"))
        source = rd.text(table, (*path, "source"))
        ids = table.get("regimens")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            rd.problem((*path, "regimens"), "must be a non-empty list of regimen ids")
            continue
        for rid in sorted({i for i in ids if ids.count(i) > 1}):
            rd.problem((*path, "regimens"), f"'{rid}' is listed twice")
        for rid in ids:
            if rid not in regimen_ids:
                rd.problem((*path, "regimens"), f"'{rid}' is not a [regimens.{rid}] table in this file")
        if name and source:
            plans[pid] = PlanDefinition(pid, name, source, tuple(ids))
    return plans


def parse_regimens(content: bytes, file: str) -> RegimenBook:
    """Parse and check regimen-file bytes; raise `RegimenFileError` listing
    every problem (file, line, field, what is allowed)."""
    document = read_toml(content, file)
    data = document.data
    rd = _Reader(file, document)
    rd.table(data, (), {"version", "default_plan", "plans", "regimens"})
    version = rd.text(data, ("version",))
    raw_regimens = data.get("regimens")
    regimens: dict[str, Regimen] = {}
    if not isinstance(raw_regimens, dict) or not raw_regimens:
        rd.problem(("regimens",), "at least one [regimens.<id>] table is required")
        raw_regimens = {}
    for rid, raw in raw_regimens.items():
        regimen = _read_regimen(rd, rid, raw)
        if regimen is not None:
            regimens[rid] = regimen
    plans = _read_plans(rd, data.get("plans"), set(raw_regimens))
    default_plan = rd.text(data, ("default_plan",))
    if default_plan is not None and default_plan not in plans and not rd.problems:
        rd.problem(("default_plan",), f"'{default_plan}' is not a [plans.<id>] table in this file")
    if rd.problems:
        raise RegimenFileError(rd.problems)
    return RegimenBook(file, version, default_plan, MappingProxyType(plans), MappingProxyType(regimens))


def load_regimens(path: str | Path) -> RegimenBook:
    """Read and check a regimen file; raise `RegimenFileError` on any fault,
    a missing or unreadable file included."""
    name = str(path)
    try:
        content = Path(path).read_bytes()
    except OSError as err:
        raise RegimenFileError([FileProblem(name, None, "(file)", f"cannot be read: {err}")]) from err
    return parse_regimens(content, name)
