"""Regimens as data: loading and checking `regimens.toml`.

Every dose, cap, rounding increment, schedule and phase comes from the file
(the shapes are described in `regimen_model.py`). Every number is a plain
decimal of at most 7 digits before the point and 6 after, with no exponent,
like a number typed on the form. Units are parsed by Pint once, here, and
checked by dimension, never by their spelling: a dose rule times its basis
(kg for `weight`, m² for `bsa`, nothing for `fixed`) must give a mass, or a
mass per time; a per-time rule (mg/kg/day) is given once per its time unit,
the one time unit left after Pint has reduced the rule; the cap has the
dimension of rule x basis; the rounding increment is a mass. The conversion
factors are computed here so that a request only multiplies decimals.

After every field is checked, the file is proved: every regimen of every
plan is computed for the extreme patients the app accepts
(`regimen_proof.py`); a file that would fail a request is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pint

from . import formatting
from .errors import FileProblem, RegimenFileError
from .file_fields import FieldReader, WrittenQuantity, describe, read_quantity
from .infusions import read_infusion
from .kidney import read_kidney_rules
from .products import Product, product_use, read_devices, read_products
from .regimen_model import BASIS_UNITS, Phase, PlanDefinition, PlanEntry, Regimen, RegimenBook, Settings
from .regimen_proof import prove
from .rounding import plain
from .toml_source import read_toml
from .units import MASS, TIME, Quantity, magnitude_in, ureg

MAX_COUNT = 1000
MAX_DAYS = 3660
MAX_WEEKS = 520
MAX_EVERY_DAYS = 366
MAX_EVERY_MONTHS = 120
MAX_DOSES_PER_DAY = 24
SCHEDULE_KEYS = {"every_days", "every_months", "count", "split_days", "days", "weeks", "doses_per_day"}
#: A course split over consecutive days ends within the shortest month.
MAX_SPLIT_DAYS = 28



def _period(unit: pint.Unit) -> tuple[str, Decimal] | None:
    """The time a per-time rule is per: the one time unit left in `unit`
    after Pint's reduction ("day" for mg/kg/day, and for mg/kg/day*week/week)
    and its length in days; None if there is not exactly one, to the power -1."""
    times = [(name, power) for name, power in Quantity(Decimal(1), unit).unit_items()
             if ureg.get_dimensionality(name) == TIME]
    if len(times) != 1 or times[0][1] != -1:
        return None
    name = times[0][0]
    return name, magnitude_in(Quantity(Decimal(1), name), "day")


@dataclass(frozen=True)
class _Defaults:
    """What a phase takes from its regimen unless it says otherwise."""

    frequency: str | None
    cap: WrittenQuantity | None
    cap_per_dose: WrittenQuantity | None
    round_to: WrittenQuantity | None


class _RegimenReader:
    """Reads one `[regimens.<id>]` table: fields, then each phase."""

    def __init__(self, rd: FieldReader, rid: str, products: Mapping[str, Product],
                 default_deviation: Decimal | None) -> None:
        self.rd = rd
        self.products = products
        self.default_deviation = default_deviation
        self.path = ("regimens", rid)
        self.rid = rid
        self.sources: dict[str, None] = {}

    def cite(self, *sources: str | None) -> None:
        for source in sources:
            if source:
                self.sources.setdefault(source, None)

    def read(self, data: Any) -> Regimen | None:
        rd, path = self.rd, self.path
        table = rd.table(data, path, {
            "drug", "route", "frequency", "basis", "dose", "override_range", "cap", "cap_per_dose",
            "round_to", "schedule", "phases", "phases_source", "products", "max_deviation", "infusion",
            "notes", "cumulative_warning", "dosing_weight", "high_alert", "kidney",
        })
        if table is None:
            return None
        drug = rd.text(table, (*path, "drug"))
        route = rd.text(table, (*path, "route"))
        phased = "phases" in table
        frequency = rd.text(table, (*path, "frequency"), required=not phased)
        basis = table.get("basis")
        if basis not in BASIS_UNITS:
            rd.problem((*path, "basis"), 'must be "weight" (dose per kg), "bsa" (dose per m2) '
                                         'or "fixed" (the dose itself, such as 500 mg)')
            basis = None
        dose_path = (*path, "dose")
        dose_table = rd.table(table.get("dose"), dose_path,
                              {"unit", "source"} if phased else {"value", "unit", "source"})
        dose = dose_unit = None
        if dose_table is not None:
            dose = None if phased else rd.number(dose_table, (*dose_path, "value"))
            dose_unit = rd.unit(dose_table, (*dose_path, "unit"))
            self.cite(rd.text(dose_table, (*dose_path, "source")))
        defaults = _Defaults(
            frequency,
            read_quantity(rd, table.get("cap"), (*path, "cap")),
            read_quantity(rd, table["cap_per_dose"], (*path, "cap_per_dose")) if "cap_per_dose" in table
            else None,
            read_quantity(rd, table.get("round_to"), (*path, "round_to")),
        )
        self.cite(*(q.source for q in (defaults.cap, defaults.cap_per_dose, defaults.round_to) if q))
        override = self._override(table, phased, dose)
        if phased:
            if "schedule" in table:
                rd.problem((*path, "schedule"), "a phased regimen takes its schedule from its phases")
            self.cite(rd.text(table, (*path, "phases_source")))
            raw_phases = table["phases"]
            if not isinstance(raw_phases, list) or not raw_phases:
                rd.problem((*path, "phases"), "give at least one [[...phases]] table")
                raw_phases = []
        else:
            if "phases_source" in table:
                rd.problem((*path, "phases_source"), "given without phases")
            raw_phases = [None]
        if None in (drug, route, basis, dose_unit) or (dose is None and not phased):
            return None
        if defaults.round_to is not None and defaults.round_to.unit.dimensionality != MASS:
            rd.problem((*path, "round_to", "unit"),
                       f"must be a mass such as mg or g, not {defaults.round_to.text}")
            return None
        rule_basis = Quantity(Decimal(1), dose_unit)
        if BASIS_UNITS[basis]:
            rule_basis = rule_basis * Quantity(Decimal(1), BASIS_UNITS[basis])
        if not self._rule_dimension_ok(rule_basis, basis, str(table["dose"]["unit"]).strip()):
            return None
        phases = []
        for index, raw in enumerate(raw_phases):
            last = index == len(raw_phases) - 1
            if raw is None:
                phase = self._phase(table.get("schedule"), (*path, "schedule"), dose, rule_basis,
                                    defaults, last, single=True)
            else:
                phase = self._phase(raw, (*path, "phases", str(index)), None, rule_basis,
                                    defaults, last, single=False)
            phases.append(phase)
        if None in phases or not phases:
            return None
        amount_unit = defaults.round_to.text
        administration = self._administration(table, drug, basis, amount_unit)
        if administration is None:
            return None
        return Regimen(
            id=self.rid, drug=drug, route=route, basis=basis,
            dose_unit=str(table["dose"]["unit"]).strip(), amount_unit=amount_unit,
            phases=tuple(phases), override_min=override[0], override_max=override[1],
            sources=tuple(self.sources), **administration,
        )

    def _administration(self, table: dict, drug: str, basis: str, amount_unit: str) -> dict[str, Any] | None:
        """Products, deviation limit, infusion, notes and cumulative
        threshold of the regimen (issue: milligrams to millilitres)."""
        rd, path = self.rd, self.path
        fields: dict[str, Any] = {"max_deviation": self.default_deviation or Decimal(0)}
        ok = True
        listed = table.get("products", [])
        if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
            rd.problem((*path, "products"), "must be a list of product ids, the default first")
            listed, ok = [], False
        uses = []
        for pid in listed:
            product = self.products.get(pid)
            if product is None:
                rd.problem((*path, "products"), f"'{pid[:40]}' is not a [products.<id>] table in this file")
                ok = False
            elif product.drug != drug:
                rd.problem((*path, "products"), f"'{pid}' is {product.drug}, not {drug}")
                ok = False
            else:
                self.cite(product.source)
                uses.append(product_use(product, amount_unit))
        fields["products"] = tuple(uses)
        if uses and "max_deviation" not in table and self.default_deviation is None:
            rd.problem((*path, "max_deviation"), "give max_deviation = { percent = ..., source = ... } "
                                                 "here or at the top of the file")
            ok = False
        if "max_deviation" in table:
            deviation = self._percent(table, "max_deviation")
            ok = ok and deviation is not None
            fields["max_deviation"] = deviation
        if "infusion" in table:
            rule = read_infusion(rd, table["infusion"], (*path, "infusion"), amount_unit)
            if rule is None:
                ok = False
            else:
                self.cite(rule.source)
                fields["infusion"] = rule
                if not uses or uses[0].product.form != "liquid":
                    rd.problem((*path, "infusion"), "an infusion needs a liquid product to draw from")
                    ok = False
        notes = table.get("notes", [])
        if not isinstance(notes, list) or not all(isinstance(n, str) and 0 < len(n) <= 400 for n in notes):
            rd.problem((*path, "notes"), "must be a list of lines of text (at most 400 characters each)")
            ok = False
        fields["notes"] = tuple(n.strip() for n in notes) if ok else ()
        if "cumulative_warning" in table:
            w_path = (*path, "cumulative_warning")
            threshold = read_quantity(rd, table["cumulative_warning"], w_path)
            # Per kg or per m², whatever the regimen is dosed on: a fixed dose
            # of cyclophosphamide is still totalled per m² (section C).
            per = next((unit for unit in ("kg", "m2") if threshold is not None
                        and threshold.unit.dimensionality == MASS / ureg.get_dimensionality(unit)), None)
            if threshold is None:
                ok = False
            elif per is None:
                rd.problem((*w_path, "unit"), "a cumulative dose per kg or per m², such as mg/m2")
                ok = False
            else:
                self.cite(threshold.source)
                fields["cumulative_per"] = per
                fields["cumulative_threshold"] = magnitude_in(
                    Quantity(threshold.value, threshold.unit), f"{amount_unit}/{per}")
                fields["cumulative_threshold_text"] = formatting.amount(threshold.value, threshold.text)
        if "dosing_weight" in table:
            d_path = (*path, "dosing_weight")
            chosen = rd.table(table["dosing_weight"], d_path, {"weight", "source"})
            if chosen is not None:
                self.cite(rd.text(chosen, (*d_path, "source")))
                if chosen.get("weight") not in ("actual", "adjusted") or basis != "weight":
                    rd.problem((*d_path, "weight"), 'must be "actual" or "adjusted", for a dose per kg')
                    ok = False
                else:
                    fields["dosing_weight"] = chosen["weight"]
            ok = ok and chosen is not None
        if "high_alert" in table:
            h_path = (*path, "high_alert")
            marked = rd.table(table["high_alert"], h_path, {"source"})
            source = None if marked is None else rd.text(marked, (*h_path, "source"))
            self.cite(source)
            ok = ok and source is not None
            fields["high_alert"] = source is not None
        if "kidney" in table:
            rules = read_kidney_rules(rd, table["kidney"], (*path, "kidney"))
            if rules is None:
                ok = False
            else:
                self.cite(*(rule.source for rule in rules))
                fields["kidney_rules"] = rules
        return fields if ok else None

    def _percent(self, table: dict, key: str) -> Decimal | None:
        value, source = read_percent(self.rd, table[key], (*self.path, key))
        self.cite(source)
        return value


    def _override(self, table: dict, phased: bool, dose: Decimal | None) -> tuple[Decimal | None, ...]:
        rd = self.rd
        if "override_range" not in table:
            return None, None
        o_path = (*self.path, "override_range")
        o_table = rd.table(table["override_range"], o_path, {"min", "max", "source"})
        if phased:
            rd.problem(o_path, "a phased regimen cannot be overridden; edit its phases")
            return None, None
        if o_table is None:
            return None, None
        low = rd.number(o_table, (*o_path, "min"))
        high = rd.number(o_table, (*o_path, "max"))
        self.cite(rd.text(o_table, (*o_path, "source")))
        if low is None or high is None or dose is None:
            return None, None
        if low > high:
            rd.problem(o_path, f"min {low} is above max {high}")
        elif not low <= dose <= high:
            rd.problem(o_path, f"the default dose {dose} is outside {low} to {high}")
        return low, high

    def _rule_dimension_ok(self, rule_basis: Any, basis: str, unit: str) -> bool:
        dimension = rule_basis.dimensionality
        if dimension in (MASS, MASS / TIME):
            return True
        unit_of_basis = BASIS_UNITS[basis]
        if unit_of_basis is None:
            advice = 'a fixed dose is a mass such as mg, or a mass per time such as mg/day'
        else:
            advice = (f'for basis "{basis}" use a dose per {unit_of_basis} such as '
                      f'mg/{unit_of_basis} or mg/{unit_of_basis}/day')
        self.rd.problem((*self.path, "dose", "unit"),
                        f"'{unit}' times the {basis} basis gives {describe(dimension)}, "
                        f"not a mass or a mass per time; {advice}")
        return False

    def _phase(self, data: Any, path: tuple[str, ...], dose: Decimal | None, rule_basis: Any,
               defaults: _Defaults, last: bool, single: bool) -> Phase | None:
        rd = self.rd
        allowed = SCHEDULE_KEYS | ({"source"} if single else
                                   {"dose", "frequency", "condition", "cap", "cap_per_dose",
                                    "round_to", "source"})
        table = rd.table(data, path, allowed)
        if table is None:
            return None
        source = rd.text(table, (*path, "source"), required=single)
        self.cite(source)
        if not single:
            dose = rd.number(table, (*path, "dose"))
        frequency = rd.text(table, (*path, "frequency"), required=defaults.frequency is None) \
            or defaults.frequency
        condition = rd.text(table, (*path, "condition"), required=False)
        own = {key: read_quantity(rd, table[key], (*path, key))
               for key in ("cap", "cap_per_dose", "round_to") if key in table}
        self.cite(*(q.source for q in own.values() if q is not None))
        cap = own["cap"] if "cap" in table else defaults.cap
        cap_per_dose = own["cap_per_dose"] if "cap_per_dose" in table else defaults.cap_per_dose
        round_to = own["round_to"] if "round_to" in table else defaults.round_to
        rhythm = self._rhythm(table, path, last)
        if None in (dose, frequency, cap, round_to, rhythm) or ("cap_per_dose" in table
                                                                 and cap_per_dose is None):
            return None
        every_days, every_months, count, days, doses_per_day, split_days = rhythm
        if round_to.unit.dimensionality != MASS:
            rd.problem((*path, "round_to", "unit"), f"must be a mass such as mg or g, not {round_to.text}")
            return None
        if defaults.round_to is not None and round_to.unit != defaults.round_to.unit:
            rd.problem((*path, "round_to", "unit"),
                       f"every phase is given in the regimen's unit, {defaults.round_to.text}")
            return None
        cap_path = (*path, "cap") if "cap" in table else (*self.path, "cap")
        if cap.unit.dimensionality != rule_basis.dimensionality:
            rd.problem((*cap_path, "unit"),
                       f"'{cap.text}' does not match the dose: the cap must be in "
                       f"{rule_basis.units:~} or another unit of that dimension")
            return None
        # Days in one dosing interval, for a per-time rule (mg/kg/day).
        interval: Decimal | None = None
        per = None
        if rule_basis.dimensionality == MASS / TIME:
            period = _period(rule_basis.units)
            dose_unit_path = (*self.path, "dose", "unit")
            if period is None:
                rd.problem(dose_unit_path, "a per-time dose is per one time unit, such as mg/kg/day "
                                           "or mg/m2/week")
                return None
            per, per_days = period
            if every_months is not None:
                rd.problem(dose_unit_path, f"a dose per {per} needs a schedule in days "
                                           f"(every_days), not every_months")
                return None
            if count is None and per_days != 1:
                rd.problem(dose_unit_path, f"a daily run is dosed per day (such as mg/kg/day), "
                                           f"not per {per}")
                return None
            if every_days is not None and every_days != per_days:
                rd.problem((*path, "every_days"), f"a dose per {per} is given once per {per}: "
                                                  f"every_days must be {per_days}")
                return None
            interval = per_days
        amount_unit = str(round_to.unit)
        per_interval = Quantity(Decimal(1), rule_basis.units)
        if interval is not None:
            per_interval = per_interval * Quantity(interval, "day")
        dose_factor = magnitude_in(per_interval, amount_unit)
        cap_each = Quantity(cap.value, cap.unit)
        if interval is not None:
            cap_each = cap_each * Quantity(interval, "day")
        cap_amount = magnitude_in(cap_each, amount_unit)
        if interval is not None and doses_per_day > 1:
            # A per-day rule and cap, shared by the day's doses.
            dose_factor = dose_factor / doses_per_day
            cap_amount = cap_amount / doses_per_day
        # A course given over consecutive days: each day's share, the course's cap shared.
        dose_factor = dose_factor / split_days
        cap_amount = cap_amount / split_days
        if cap_per_dose is not None:
            cpd_path = (*path, "cap_per_dose") if "cap_per_dose" in table else (*self.path, "cap_per_dose")
            if cap_per_dose.unit.dimensionality != MASS or doses_per_day == 1:
                rd.problem(cpd_path, "a cap per dose is a mass (mg) for a dose divided over the day "
                                     "(doses_per_day above 1)")
                return None
            per_dose = magnitude_in(Quantity(cap_per_dose.value, cap_per_dose.unit), amount_unit)
            if interval is None:
                rd.problem(cpd_path, "the dose is already per dose: its cap is the cap per dose")
                return None
            if per_dose > cap_amount * doses_per_day:
                rd.problem(cpd_path, f"{cap_per_dose.value} {cap_per_dose.text} per dose exceeds the "
                                     f"daily cap of {cap.value} {cap.text}")
                return None
            cap_amount = min(cap_amount, per_dose)
        return Phase(
            dose=dose, frequency=frequency, every_days=every_days, every_months=every_months,
            count=count, days=days, doses_per_day=doses_per_day, split_days=split_days, condition=condition,
            cap=cap.value, cap_unit=cap.text,
            cap_per_dose=None if cap_per_dose is None else cap_per_dose.value,
            round_to=round_to.value, dose_factor=plain(dose_factor), dose_cap=plain(cap_amount),
            per=per,
        )

    def _rhythm(self, table: dict, path: tuple[str, ...], last: bool
                ) -> tuple[int | None, int | None, int | None, int | None, int, int] | None:
        """(every_days, every_months, count, days, doses_per_day, split_days) of a phase."""
        rd = self.rd
        course = [k for k in ("every_days", "every_months") if k in table]
        if len(course) == 2:
            rd.problem(path, "give one of every_days or every_months, not both")
            return None
        if course:
            for key in ("days", "weeks", "doses_per_day"):
                if key in table:
                    rd.problem((*path, key), f"a course given {course[0]} is counted with count, "
                                             f"not {key}")
            every_days = rd.whole(table, (*path, "every_days"), MAX_EVERY_DAYS) if "every_days" in table \
                else None
            every_months = rd.whole(table, (*path, "every_months"), MAX_EVERY_MONTHS) \
                if "every_months" in table else None
            count = rd.whole(table, (*path, "count"), MAX_COUNT)
            split = rd.whole(table, (*path, "split_days"), MAX_SPLIT_DAYS) if "split_days" in table else 1
            if None in (count, split, every_days or every_months):
                return None
            if every_days is not None and split > every_days:
                rd.problem((*path, "split_days"), f"a course given every {every_days} days cannot be split "
                                                  f"over more than {every_days} days")
                return None
            return every_days, every_months, count, None, 1, split
        for key in ("count", "split_days"):
            if key in table:
                rd.problem((*path, key), f"{key} needs a course: every_days or every_months")
                return None
        if "days" in table and "weeks" in table:
            rd.problem(path, "give the length in days or in weeks, not both")
            return None
        days = None
        if "days" in table:
            days = rd.whole(table, (*path, "days"), MAX_DAYS)
            if days is None:
                return None
        elif "weeks" in table:
            weeks = rd.whole(table, (*path, "weeks"), MAX_WEEKS)
            if weeks is None:
                return None
            days = 7 * weeks
        elif not last:
            rd.problem(path, "only the last phase may be open-ended: give days or weeks")
            return None
        doses_per_day = 1
        if "doses_per_day" in table:
            doses_per_day = rd.whole(table, (*path, "doses_per_day"), MAX_DOSES_PER_DAY)
            if doses_per_day is None:
                return None
        return None, None, None, days, doses_per_day, 1


def _setting(rd: FieldReader, data: dict, key: str, whole: bool = False) -> Decimal | int | None:
    """A required {value, source} table at the top of the file."""
    table = rd.table(data.get(key), (key,), {"value", "source"})
    if table is None:
        return None
    value = rd.whole(table, (key, "value"), 3660) if whole else rd.number(table, (key, "value"))
    source = rd.text(table, (key, "source"))
    return value if source is not None else None


def read_settings(rd: FieldReader, data: dict) -> Settings | None:
    """The file's rules about the patient (dosing weight, how old a weight or
    a creatinine may be, the creatinine unit factor), each with its source."""
    above = read_percent(rd, data.get("adjusted_weight_above"), ("adjusted_weight_above",))[0]
    given = (_setting(rd, data, "adjusted_weight_factor"), above,
             _setting(rd, data, "weight_max_age_days", whole=True),
             _setting(rd, data, "creatinine_max_age_days", whole=True),
             _setting(rd, data, "creatinine_umol_per_mg_dl"))
    return None if None in given else Settings(*given)


def read_percent(rd: FieldReader, data: Any, path: tuple[str, ...]) -> tuple[Decimal | None, str | None]:
    """A {percent, source} table."""
    table = rd.table(data, path, {"percent", "source"})
    if table is None:
        return None, None
    value = rd.number(table, (*path, "percent"))
    source = rd.text(table, (*path, "source"))
    return (value, source) if value is not None and source is not None else (None, None)


def _read_plans(rd: FieldReader, data: Any, regimens: dict[str, Regimen],
                regimen_ids: set[str]) -> dict[str, PlanDefinition]:
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
        listed = table.get("regimens")
        r_path = (*path, "regimens")
        if not isinstance(listed, list) or not listed:
            rd.problem(r_path, 'must be a non-empty list of regimen ids, or of tables '
                               '{ id = "...", regimen = "...", start_day = N }')
            continue
        entries = []
        for item in listed:
            if isinstance(item, str):
                item = {"regimen": item}
            entry = rd.table(item, r_path, {"id", "regimen", "start_day"})
            if entry is None:
                continue
            key = entry.get("regimen")
            if not isinstance(key, str) or key not in regimen_ids:
                rd.problem(r_path, f"'{str(key)[:40]}' is not a [regimens.<id>] table in this file")
                continue
            eid = entry.get("id", key)
            if not isinstance(eid, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", eid):
                rd.problem(r_path, f"id '{str(eid)[:40]}' must be lower-case letters, digits and _")
                continue
            start_day = 1 if "start_day" not in entry else rd.whole(entry, (*r_path, "start_day"),
                                                                    MAX_DAYS)
            if start_day is not None and key in regimens:
                entries.append(PlanEntry(eid, regimens[key], start_day))
        ids = [e.id for e in entries]
        for eid in sorted({i for i in ids if ids.count(i) > 1}):
            rd.problem(r_path, f"'{eid}' is listed twice")
        if name and source and len(entries) == len(listed):
            plans[pid] = PlanDefinition(pid, name, source, tuple(entries))
    return plans


def parse_regimens(content: bytes, file: str) -> RegimenBook:
    """Parse, check and prove regimen-file bytes; raise `RegimenFileError`
    listing every problem (file, line, field, what is allowed)."""
    document = read_toml(content, file)
    data = document.data
    rd = FieldReader(file, document)
    rd.table(data, (), {"version", "default_plan", "max_deviation", "plans", "regimens", "products",
                        "devices", "adjusted_weight_factor", "adjusted_weight_above", "weight_max_age_days",
                        "creatinine_max_age_days", "creatinine_umol_per_mg_dl"})
    settings = read_settings(rd, data)
    devices = read_devices(rd, data.get("devices"))
    products = read_products(rd, data.get("products"))
    default_deviation = read_percent(rd, data["max_deviation"], ("max_deviation",))[0] \
        if "max_deviation" in data else None
    version = rd.text(data, ("version",))
    raw_regimens = data.get("regimens")
    regimens: dict[str, Regimen] = {}
    if not isinstance(raw_regimens, dict) or not raw_regimens:
        rd.problem(("regimens",), "at least one [regimens.<id>] table is required")
        raw_regimens = {}
    for rid, raw in raw_regimens.items():
        regimen = _RegimenReader(rd, rid, products, default_deviation).read(raw)
        if regimen is not None:
            regimens[rid] = regimen
    plans = _read_plans(rd, data.get("plans"), regimens, set(raw_regimens))
    default_plan = rd.text(data, ("default_plan",))
    if default_plan is not None and default_plan not in plans and not rd.problems:
        rd.problem(("default_plan",), f"'{default_plan}' is not a [plans.<id>] table in this file")
    if rd.problems:
        raise RegimenFileError(list(dict.fromkeys(rd.problems)))
    book = RegimenBook(file, version, default_plan, MappingProxyType(plans), MappingProxyType(regimens),
                       tuple(devices.values()), settings, hashlib.sha256(content).hexdigest())
    for path, message in prove(book):
        rd.problem(path, message)
    if rd.problems:
        raise RegimenFileError(list(dict.fromkeys(rd.problems)))
    return book


def load_regimens(path: str | Path) -> RegimenBook:
    """Read, check and prove a regimen file; raise `RegimenFileError` on any
    fault, a missing or unreadable file included."""
    name = str(path)
    try:
        content = Path(path).read_bytes()
    except OSError as err:
        raise RegimenFileError([FileProblem(name, None, "(file)", f"cannot be read: {err}")]) from err
    return parse_regimens(content, name)
