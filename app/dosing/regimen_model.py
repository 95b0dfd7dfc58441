"""The regimen model: plans, regimens and their phases, as immutable data.

A regimen is one drug given by one route, dosed on one basis (per kg of
weight, per m² of body surface area, or a fixed amount), in one or more
phases. Every shape a protocol needs is a sequence of phases
(`shared/clinical-reference.md`, sections H and "Arithmetic rules"):

- a course: `count` administrations every `every_days` days or every
  `every_months` calendar months (IVIG monthly x 9; methylprednisolone daily
  x 3, the consecutive pulses), each given in one day or shared over
  `split_days` consecutive days (each day's share rounded on its own, the
  course never above its cap);
- a daily run: given every day, `doses_per_day` times a day, for `days`
  days, or open-ended when it is the last phase (a prednisolone taper step;
  aspirin in 4 divided doses for 14 days; mycophenolate twice daily,
  continuing);
- a dose that changes after the first administration is two course phases
  with the same interval (cyclophosphamide 500 mg/m² once, then 750 mg/m²
  x 5, with a printed `condition`); the second continues the first's
  calendar, counted from the first dose, never chained.

Loading and checking the file is `regimens.py`; the arithmetic is `plan.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from itertools import pairwise
from typing import Literal, NamedTuple

from . import formatting
from .formatting import unit as unit_text
from .infusions import InfusionRule
from .kidney import KidneyOutcome, KidneyRule, outcome_without_egfr
from .products import Device, ProductUse
from .rounding import round_dose

Basis = Literal["weight", "bsa", "fixed"]
#: The unit each basis is measured in; a fixed dose has none.
BASIS_UNITS: Mapping[str, str | None] = {"weight": "kg", "bsa": "m2", "fixed": None}
BASIS_WORDS: Mapping[str, str] = {"weight": "weight", "bsa": "body surface area", "fixed": "fixed dose"}


@dataclass(frozen=True)
class Phase:
    """One stretch of a regimen with one dose rule and one rhythm.

    `dose` is per basis unit (per kg or m²), or the amount itself for a fixed
    dose, in the regimen's `dose_unit`. Exactly one rhythm: a course
    (`every_days` or `every_months`, with `count`) or a daily run
    (`doses_per_day` a day for `days`, None when open-ended).
    """

    dose: Decimal
    frequency: str
    every_days: int | None
    every_months: int | None
    count: int | None
    days: int | None
    doses_per_day: int
    #: A course whose every administration is shared over this many days.
    split_days: int
    condition: str | None
    #: The cap as written: value and unit (dimension of dose x basis).
    cap: Decimal
    cap_unit: str
    #: A second cap per dose of a divided daily run (mass), if written.
    cap_per_dose: Decimal | None
    round_to: Decimal
    #: Amount units (per dose) per (dose unit x basis unit).
    dose_factor: Decimal
    #: The highest amount per dose, in the amount unit: the cap (per dose,
    #: or the per-day cap shared by the day's doses) and `cap_per_dose`.
    dose_cap: Decimal
    #: Words for the time a per-time rule is per ("day", "week"), else None.
    per: str | None

    @cached_property
    def is_course(self) -> bool:
        """True for counted administrations, False for a daily run."""
        return self.count is not None

    @cached_property
    def last_day_offset(self) -> timedelta | None:
        """From a daily run's first day to its last (`days` − 1 days); None
        for a course or an open-ended run."""
        return None if self.is_course or self.days is None else timedelta(days=self.days - 1)

    @cached_property
    def doses_given(self) -> int | None:
        """How many doses the phase gives: each day of each administration
        of a course, each dose of each day of a daily run; None when
        open-ended."""
        if self.is_course:
            return self.count * self.split_days
        return None if self.days is None else self.days * self.doses_per_day

    @cached_property
    def divided(self) -> bool:
        """True when the day's dose is given as more than one dose (kept
        after the first look, as are the regimen's other derived facts:
        the sheet asks dozens of times)."""
        return self.doses_per_day > 1

    @cached_property
    def capped_amount(self) -> Decimal:
        """The amount given per dose (amount unit) whenever the exact dose
        is above `dose_cap`: the same for every patient, worked out once."""
        return round_dose(self.dose_cap, self.dose_cap, self.round_to)


class PhaseWords(NamedTuple):
    """The parts of a phase's written-out arithmetic that depend only on
    the regimen (`RegimenPlan.calculation`), worked out once."""

    #: The amount unit as printed ("mg").
    unit: str
    #: The unit of the day's or week's total as printed ("mg/day"), or `unit`.
    total_unit: str
    #: The doses a day's total is divided into, or the days a course's dose
    #: is shared over (1: neither).
    parts: int
    #: What follows the number of parts (" days" for a shared course).
    over: str
    #: What follows each part's amount (" a day" for a shared course).
    each: str
    #: The cap as the arithmetic cites it ("60 mg/day", "1,000 mg per dose").
    cap: str


@dataclass(frozen=True)
class Regimen:
    """One drug's dosing rule, as written in `regimens.toml`."""

    id: str
    drug: str
    route: str
    basis: Basis
    dose_unit: str
    amount_unit: str
    phases: tuple[Phase, ...]
    override_min: Decimal | None
    override_max: Decimal | None
    #: Every source cited by this regimen, in the order written.
    sources: tuple[str, ...]
    #: The products it may be given as, the default first (none: amounts only).
    products: tuple[ProductUse, ...] = ()
    #: A measured dose further than this from the intended, in percent, warns.
    max_deviation: Decimal = Decimal(10)
    infusion: InfusionRule | None = None
    #: Supportive care lines written by the pharmacy, printed with the regimen.
    notes: tuple[str, ...] = ()
    #: A cumulative dose per basis unit (amount unit per kg or m²) that warns,
    #: and the same as written ("4,000 mg/m²").
    cumulative_threshold: Decimal | None = None
    cumulative_threshold_text: str | None = None
    #: What the cumulative dose is totalled per ("kg" or "m2"): the unit of
    #: the threshold where one is set, else the basis unit (None: fixed dose).
    cumulative_per: str | None = None
    #: "actual", or "adjusted": dosed (and infused) on the adjusted body
    #: weight when the actual weight is above the file's threshold.
    dosing_weight: str = "actual"
    #: A high-alert medication: refused on an old or unmeasured weight.
    high_alert: bool = False
    kidney_rules: tuple[KidneyRule, ...] = ()

    @property
    def overridable(self) -> bool:
        return self.override_min is not None

    def product(self, product_id: str | None) -> ProductUse | None:
        """The product chosen by id (None: the default, or none listed)."""
        if product_id is None:
            return self.products[0] if self.products else None
        return next((p for p in self.products if p.id == product_id), None)

    @cached_property
    def phased(self) -> bool:
        """True when the regimen has more than one phase."""
        return len(self.phases) > 1

    @cached_property
    def frequency(self) -> str:
        """The first phase's frequency in words ("once every month")."""
        return self.phases[0].frequency

    @cached_property
    def basis_unit(self) -> str | None:
        """The unit the dose rule is multiplied by: "kg", "m2", or None."""
        return BASIS_UNITS[self.basis]

    @cached_property
    def open_ended(self) -> bool:
        """True when the last phase runs until changed (no end date)."""
        last = self.phases[-1]
        return not last.is_course and last.days is None

    @cached_property
    def continues(self) -> tuple[bool, ...]:
        """For each phase, True when it is a course on the same calendar as
        the course before it (a dose that changes after the first
        administration), whose count it continues."""
        return (False,) + tuple(
            previous.is_course and phase.is_course
            and (previous.every_days, previous.every_months) == (phase.every_days, phase.every_months)
            for previous, phase in pairwise(self.phases))

    @cached_property
    def numbered_phases(self) -> tuple[tuple[int, Phase, bool], ...]:
        """Each phase with its index and whether it `continues` the course
        before it, for the arithmetic to loop over."""
        return tuple(zip(range(len(self.phases)), self.phases, self.continues, strict=True))

    @cached_property
    def phase_words(self) -> tuple[PhaseWords, ...]:
        """For each phase, its `PhaseWords`."""
        words = []
        unit = unit_text(self.amount_unit)
        for phase in self.phases:
            shared = phase.per is not None and phase.divided
            total_unit = unit_text(f"{self.amount_unit}/{phase.per}") if phase.per is not None else unit
            cap = (f"{formatting.amount(phase.dose_cap, self.amount_unit)} per dose" if phase.divided
                   else formatting.amount(phase.cap, phase.cap_unit))
            words.append(PhaseWords(unit, total_unit, phase.doses_per_day if shared else phase.split_days,
                                    "" if shared else " days", "" if shared else " a day", cap))
        return tuple(words)

    @cached_property
    def kidney_without_egfr(self) -> KidneyOutcome | None:
        """What the kidney rules say when no creatinine was given, worked
        out once; None when there are no rules or the outcome needs the
        dosing weight (`outcome_without_egfr`)."""
        return outcome_without_egfr(self.kidney_rules) if self.kidney_rules else None

    @property
    def override_range(self) -> tuple[Decimal, Decimal, str] | None:
        """(min, max, unit as printed) of an allowed dose override, or None."""
        if self.override_min is None or self.override_max is None:
            return None
        return self.override_min, self.override_max, unit_text(self.dose_unit)


@dataclass(frozen=True)
class PlanEntry:
    """A regimen as a plan uses it: its id within the plan (what requests
    and answers call it), the regimen it refers to, and the day of the plan
    on which it starts (day 1 is the plan's start date)."""

    id: str
    regimen: Regimen
    start_day: int

    @cached_property
    def start_offset(self) -> timedelta:
        """From the plan's start to the regimen's first dose (day 1: none)."""
        return timedelta(days=self.start_day - 1)


@dataclass(frozen=True)
class PlanDefinition:
    """A named protocol: its regimens, in the order they are printed."""

    id: str
    name: str
    source: str
    entries: tuple[PlanEntry, ...]

    @cached_property
    def by_id(self) -> Mapping[str, PlanEntry]:
        return {e.id: e for e in self.entries}

    @cached_property
    def regimen_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)

    @cached_property
    def override_ranges(self) -> Mapping[str, tuple[Decimal, Decimal, str] | None]:
        """For each regimen id of the plan, its allowed override range or None."""
        return {e.id: e.regimen.override_range for e in self.entries}

    @cached_property
    def overridable(self) -> frozenset[str]:
        """Ids of the plan's regimens whose dose may be overridden."""
        return frozenset(rid for rid, allowed in self.override_ranges.items() if allowed)

    @cached_property
    def sources(self) -> tuple[str, ...]:
        """Every distinct source cited by the plan, in order."""
        seen: dict[str, None] = {self.source: None}
        for entry in self.entries:
            for source in entry.regimen.sources:
                seen.setdefault(source, None)
        return tuple(seen)


@dataclass(frozen=True)
class Settings:
    """The file's rules about the patient, each from its `source`:
    the adjusted-weight factor and the threshold (percent of the ideal
    weight) above which a regimen dosed on adjusted weight uses it; the age
    in days beyond which a weight, or a creatinine, is old; and µmol/L per
    mg/dL of creatinine."""

    adjusted_factor: Decimal
    adjusted_above_percent: Decimal
    weight_max_age_days: int
    creatinine_max_age_days: int
    umol_per_mg_dl: Decimal


@dataclass(frozen=True)
class RegimenBook:
    """Everything loaded from one regimen file."""

    path: str
    version: str
    default_plan: str
    plans: Mapping[str, PlanDefinition]
    regimens: Mapping[str, Regimen]
    #: Measuring devices, smallest capacity first.
    devices: tuple[Device, ...]
    settings: Settings
    #: SHA-256 of the file's bytes, hexadecimal: any change of any byte changes it.
    sha256: str

    @property
    def short_hash(self) -> str:
        """The first 12 hexadecimal digits of `sha256`, printed on every
        sheet, answer and check so a sheet can be traced to its file."""
        return self.sha256[:12]

    @property
    def plan(self) -> PlanDefinition:
        """The default plan."""
        return self.plans[self.default_plan]
