"""Kidney function: serum creatinine, eGFR, and the kidney rules of a regimen.

`shared/clinical-reference.md`, second edition, section G:

- serum creatinine is entered in µmol/L or mg/dL and converted to mg/dL
  (1 mg/dL = 88.4 µmol/L, R4), rounded half-up to 0.01 mg/dL;
- eGFR in mL/min/1.73 m², rounded half-up to 0.1, by CKiD U25 (Pierce CB et
  al., Kidney Int 2021;99:948; R3, the CKiD study group's reference code and
  test cases) from 1 to 25 years, K × height (m) ÷ creatinine (mg/dL), K from
  sex and age and rounded half-up to 0.001; or by the bedside Schwartz
  formula (Schwartz GJ et al., JASN 2009;20:629), 0.413 × height (cm) ÷
  creatinine (mg/dL);
- a regimen's kidney rules (R5 The Renal Drug Handbook, A2 and A5 pamidronate
  labels, I5 Octagam 10% label): by eGFR band, do not give, give a percentage
  of the dose (applied to the exact dose, before cap and rounding), warn, or
  lower the maximum infusion rate; a regimen with rules and no creatinine
  says "kidney function not given: check before each dose".

Every printed number can be recomputed from the numbers printed before it:
`Egfr.text` writes the arithmetic out with the rounded K, height and
creatinine that were used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any, Literal, NamedTuple, get_args

import pint

from . import formatting
from .file_fields import FieldReader
from .rounding import half_up
from .units import MASS, TIME, VOLUME, Quantity, magnitude_in, ureg

#: µmol/L in 1 mg/dL of creatinine (R4; molar mass 113.12 g/mol).
UMOL_PER_MG_DL = Decimal("88.4")
CREATININE_STEP = Decimal("0.01")
K_STEP = Decimal("0.001")
EGFR_STEP = Decimal("0.1")
EGFR_UNIT = "mL/min/1.73 m²"

MASS_CONCENTRATION = MASS / VOLUME
SUBSTANCE_CONCENTRATION = ureg.get_dimensionality("[substance] / [length] ** 3")
CREATININE_UNITS = "umol/L or mg/dL"

Formula = Literal["ckid_u25", "bedside_schwartz"]
FORMULAS: tuple[str, ...] = get_args(Formula)
FORMULA_NAMES = {"ckid_u25": "CKiD U25", "bedside_schwartz": "bedside Schwartz"}

#: CKiD U25 ages (years + months ÷ 12), inclusive at both ends (Pierce 2021:
#: "ages 1 to 25 years").
CKID_U25_AGES = (Decimal(1), Decimal(25))
#: CKiD U25 K by sex: (below 12 years: base, yearly factor), (12 to below 18:
#: base, yearly factor), from 18: constant. Pierce CB et al., Kidney Int
#: 2021;99:948, and the CKiD U25 reference code (R3).
CKID_U25_K = {
    "male": ((Decimal("39.0"), Decimal("1.008")), (Decimal("39.0"), Decimal("1.045")), Decimal("50.8")),
    "female": ((Decimal("36.1"), Decimal("1.008")), (Decimal("36.1"), Decimal("1.023")), Decimal("41.4")),
}
#: Bedside Schwartz constant, per cm of height (Schwartz 2009).
BEDSIDE_SCHWARTZ_K = Decimal("0.413")
#: Digits the K power is computed to. K = base × factor^(age − 12) is
#: transcendental for a fractional exponent, so it is never exactly halfway
#: between two multiples of 0.001; 40 digits put the computed value within
#: 1e-37 of the true one, far closer than any K of at most 51 comes to a
#: rounding midpoint at 40 digits, so K rounds as the exact value would.
POWER_DIGITS = 40

NOT_GIVEN = "kidney function not given: check before each dose"


def creatinine_mg_dl(value: Decimal, unit: str,
                     umol_per_mg_dl: Decimal = UMOL_PER_MG_DL) -> Decimal:
    """Serum creatinine `value` in `unit`, in mg/dL rounded half-up to 0.01.

    `unit` is parsed by the project's Pint registry and its dimension decides
    the conversion: a mass per volume (mg/dL, mg/L) is converted by Pint; an
    amount of substance per volume (umol/L) is converted to µmol/L and
    divided by `umol_per_mg_dl` (88.4, R4). So 31 umol/L is 31 ÷ 88.4 =
    0.350678… = 0.35 mg/dL.

    Raises `ValueError` naming what is allowed for a unit Pint does not
    know or of another dimension, for a value that is not a number above
    zero, or for one that rounds to 0 mg/dL.
    """
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ValueError("creatinine must be a number above zero")
    try:
        units = ureg.parse_units(unit)
    except (pint.PintError, ValueError, TypeError, AttributeError, SyntaxError, KeyError) as err:
        raise ValueError(f"creatinine unit must be {CREATININE_UNITS}, not {unit!r}") from err
    quantity = Quantity(value, units)
    try:
        if quantity.dimensionality == MASS_CONCENTRATION:
            mg_dl = magnitude_in(quantity, "mg/dL")
        elif quantity.dimensionality == SUBSTANCE_CONCENTRATION:
            mg_dl = magnitude_in(quantity, "umol/L") / umol_per_mg_dl
        else:
            raise ValueError(f"creatinine unit must be {CREATININE_UNITS}, not {unit!r}")
        rounded = half_up(mg_dl, CREATININE_STEP)
    except ArithmeticError as err:
        raise ValueError("creatinine is too large or too small to be a serum creatinine") from err
    if rounded <= 0:
        raise ValueError(f"creatinine {formatting.number(value)} {unit} is below "
                         f"{formatting.amount(CREATININE_STEP / 2, 'mg/dL')}")
    return rounded


def _age_years(age_years: int, age_months: int) -> Decimal:
    if not (isinstance(age_years, int) and isinstance(age_months, int)
            and age_years >= 0 and 0 <= age_months <= 11):
        raise ValueError("age must be whole years (0 or more) and months (0 to 11)")
    return age_years + Decimal(age_months) / 12


def ckid_u25_k(sex: str, age_years: int, age_months: int) -> Decimal:
    """The CKiD U25 K for `sex` ("female" or "male") at age `age_years` +
    `age_months` ÷ 12, rounded half-up to 0.001 (Pierce 2021, R3):

    - male: under 12, 39.0 × 1.008^(age − 12); 12 to under 18,
      39.0 × 1.045^(age − 12); 18 and over, 50.8;
    - female: under 12, 36.1 × 1.008^(age − 12); 12 to under 18,
      36.1 × 1.023^(age − 12); 18 and over, 41.4.

    A girl of 3 years 6 months: 36.1 × 1.008^(−8.5) = 33.736.
    Raises `ValueError` for another sex or an age outside 1 to 25 years.
    """
    if sex not in CKID_U25_K:
        raise ValueError("CKiD U25 needs the sex: female or male")
    low, high = CKID_U25_AGES
    age = _age_years(age_years, age_months)
    if not low <= age <= high:
        raise ValueError(f"CKiD U25 is for ages {low} to {high} years; this patient is "
                         f"{age_years} years {age_months} months")
    child, adolescent, adult = CKID_U25_K[sex]
    if age >= 18:
        return half_up(adult, K_STEP)
    base, factor = child if age < 12 else adolescent
    with localcontext(prec=POWER_DIGITS):
        exponent = Decimal(12 * age_years + age_months - 144) / 12
        return half_up(base * factor ** exponent, K_STEP)


class Egfr(NamedTuple):
    """An eGFR and how it was computed.

    `value` in mL/min/1.73 m² (to 0.1); `formula` "ckid_u25" or
    "bedside_schwartz"; `k` the constant used (CKiD U25: per m of height, to
    0.001; bedside Schwartz: 0.413 per cm); `creatinine_mg_dl` (to 0.01) and
    `height_m` as used; `text` the arithmetic, e.g. "CKiD U25: K 33.736 ×
    0.96 m ÷ 0.35 mg/dL = 92.5 mL/min/1.73 m²".
    """

    value: Decimal
    formula: str
    k: Decimal
    creatinine_mg_dl: Decimal
    height_m: Decimal
    text: str


def egfr(formula: str, creatinine_mg_dl: Decimal, height_cm: Decimal, sex: str | None = None,
         age_years: int | None = None, age_months: int | None = None) -> Egfr:
    """The eGFR (mL/min/1.73 m², rounded half-up to 0.1) by `formula`:

    - "ckid_u25": K (`ckid_u25_k`, needs sex and age, 1 to 25 years) ×
      height (m) ÷ creatinine (mg/dL);
    - "bedside_schwartz": 0.413 × height (cm) ÷ creatinine (mg/dL).

    `creatinine_mg_dl` as returned by `creatinine_mg_dl` (to 0.01), and
    `height_cm` the height used for dosing (to 0.1 cm). The case patient,
    a girl of 3 years 6 months, 96 cm, creatinine 0.35 mg/dL: CKiD U25
    33.736 × 0.96 ÷ 0.35 = 92.5; bedside Schwartz 0.413 × 96 ÷ 0.35 = 113.3.

    Raises `ValueError` saying why when the formula is unknown, the sex or
    age CKiD U25 needs is missing or outside its range, or creatinine or
    height is not above zero.
    """
    if formula not in FORMULAS:
        raise ValueError(f"eGFR formula must be one of {', '.join(FORMULAS)}, not {formula!r}")
    if not creatinine_mg_dl > 0:
        raise ValueError("creatinine must be above 0 mg/dL")
    if not height_cm > 0:
        raise ValueError("height must be above 0 cm")
    height_m = height_cm / 100
    creatinine = formatting.amount(creatinine_mg_dl, "mg/dL")
    if formula == "ckid_u25":
        if sex is None or age_years is None or age_months is None:
            raise ValueError("CKiD U25 needs the age (years and months) and sex; "
                             "without them use bedside_schwartz")
        k = ckid_u25_k(sex, age_years, age_months)
        value = half_up(k * height_m / creatinine_mg_dl, EGFR_STEP)
        text = (f"CKiD U25: K {formatting.number(k)} × {formatting.amount(height_m, 'm')} ÷ "
                f"{creatinine} = {formatting.number(value)} {EGFR_UNIT}")
    else:
        k = BEDSIDE_SCHWARTZ_K
        value = half_up(k * height_cm / creatinine_mg_dl, EGFR_STEP)
        text = (f"bedside Schwartz: {formatting.number(k)} × {formatting.amount(height_cm, 'cm')} ÷ "
                f"{creatinine} = {formatting.number(value)} {EGFR_UNIT}")
    return Egfr(value, formula, k, creatinine_mg_dl, height_m, text)


Action = Literal["withhold", "percent", "warn", "max_rate"]
ACTIONS: tuple[str, ...] = get_args(Action)
#: What each action needs besides its eGFR band and source.
NEEDS = {"withhold": None, "percent": "percent", "warn": "message", "max_rate": "max_rate"}
RULE_KEYS = {"below", "from", "action", "percent", "max_rate", "message", "source"}
HUNDRED = Decimal(100)


class KidneyRuleError(ValueError):
    """A kidney rule that cannot be used; `field` names the field at fault
    ("below", "from", "action", "percent", "max_rate", "message")."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def _band(below: Decimal | None, from_: Decimal | None) -> str:
    low = formatting.number(from_) if from_ is not None else None
    high = formatting.number(below) if below is not None else None
    if low and high:
        return f"eGFR {low} to below {high} {EGFR_UNIT}"
    if high:
        return f"eGFR below {high} {EGFR_UNIT}"
    if low:
        return f"eGFR {low} {EGFR_UNIT} or above"
    return ""


@dataclass(frozen=True)
class KidneyRule:
    """One kidney rule of a regimen, as written in `regimens.toml`.

    Applies when eGFR (mL/min/1.73 m²) is at or above `from_` (None: no
    lower bound) and below `below` (None: no upper bound); with neither it
    always applies, with or without a creatinine. `action`: "withhold" (do
    not give), "percent" (give `percent` % of the exact dose, before cap and
    rounding), "warn" (show `message`), "max_rate" (infuse no faster than
    `max_rate` `max_rate_unit`, a mass per time such as "20 mg/h" or a mass
    per kg per time such as "3.3 mg/kg/min"). `message` is optional except
    for "warn". `source` cites where the rule comes from.

    Raises `KidneyRuleError` for a rule that is inconsistent (a band that is
    empty, a field the action needs missing or one it does not use given, a
    rate unit that is not a mass per time or per kg per time).
    """

    action: str
    source: str
    below: Decimal | None = None
    from_: Decimal | None = None
    percent: Decimal | None = None
    max_rate: Decimal | None = None
    max_rate_unit: str | None = None
    message: str | None = None
    #: `max_rate` in mg/h (`max_rate_per_kg` False) or mg/kg/h (True).
    max_rate_mg_h: Decimal | None = field(default=None, init=False, compare=False)
    max_rate_per_kg: bool = field(default=False, init=False, compare=False)

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise KidneyRuleError("action", f"must be one of {', '.join(ACTIONS)}, not {self.action!r}")
        for name, bound in (("below", self.below), ("from", self.from_)):
            if bound is not None and not (bound.is_finite() and bound > 0):
                raise KidneyRuleError(name, "must be an eGFR above zero")
        if self.below is not None and self.from_ is not None and self.from_ >= self.below:
            raise KidneyRuleError("from", f"must be below `below` ({formatting.number(self.below)})")
        given = {"percent": self.percent is not None, "max_rate": self.max_rate is not None,
                 "message": self.message is not None}
        needed = NEEDS[self.action]
        if needed is not None and not given[needed]:
            raise KidneyRuleError(needed, f"is needed for action {self.action!r}")
        for name in ("percent", "max_rate"):
            if given[name] and name != needed:
                raise KidneyRuleError(name, f"is only for action {name!r}, not {self.action!r}")
        if self.percent is not None and not 0 < self.percent <= HUNDRED:
            raise KidneyRuleError("percent", "must be above 0 and at most 100")
        if self.max_rate is not None:
            self._set_rate(self.max_rate, self.max_rate_unit)

    def _set_rate(self, value: Decimal, unit: str | None) -> None:
        allowed = "a mass per time such as mg/h, or per kg per time such as mg/kg/min"
        try:
            quantity = Quantity(value, ureg.parse_units(unit or ""))
        except (pint.PintError, ValueError, TypeError, AttributeError, SyntaxError, KeyError) as err:
            raise KidneyRuleError("max_rate", f"unit must be {allowed}, not {unit!r}") from err
        if not value > 0:
            raise KidneyRuleError("max_rate", "must be above zero")
        if quantity.dimensionality == MASS / TIME:
            per_kg, mg_h = False, magnitude_in(quantity, "mg/h")
        elif ((quantity * Quantity(Decimal(1), "kg")).dimensionality == MASS / TIME
              and any(exponent > 0 and ureg.get_dimensionality(name) == MASS
                      for name, exponent in quantity.unit_items())):
            per_kg, mg_h = True, magnitude_in(quantity, "mg/kg/h")
        else:
            raise KidneyRuleError("max_rate", f"unit must be {allowed}, not {unit!r}")
        object.__setattr__(self, "max_rate_mg_h", mg_h)
        object.__setattr__(self, "max_rate_per_kg", per_kg)

    def applies(self, egfr_value: Decimal | None) -> bool:
        """True when this rule applies at `egfr_value` (mL/min/1.73 m²);
        with no eGFR only a rule without bounds applies."""
        if self.below is None and self.from_ is None:
            return True
        if egfr_value is None:
            return False
        return ((self.from_ is None or egfr_value >= self.from_)
                and (self.below is None or egfr_value < self.below))

    @property
    def text(self) -> str:
        """The rule in words, e.g. "eGFR 10 to below 20 mL/min/1.73 m²: 50%
        of the dose"."""
        if self.action == "withhold":
            what = "do not give"
        elif self.action == "percent":
            what = f"{formatting.number(self.percent)}% of the dose"
        elif self.action == "max_rate":
            what = f"infuse no faster than {formatting.amount(self.max_rate, self.max_rate_unit)}"
        else:
            what = ""
        said = "; ".join(part for part in (what, self.message) if part)
        band = _band(self.below, self.from_)
        return f"{band}: {said}" if band else said


class KidneyOutcome(NamedTuple):
    """What a regimen's kidney rules say at one eGFR.

    `withhold`: do not give. `percent`: the percentage of the exact dose to
    give (before cap and rounding; the lowest of the applicable rules), or
    None. `max_rate`: the lowest applicable maximum infusion rate in mg/h
    (a per-kg rate times the dosing weight), or None. `warnings`: the
    sentences to print, `NOT_GIVEN` first when it applies, then each
    applicable rule's text in file order. `not_given`: rules exist and no
    eGFR was given. `applied`: the rules that apply, in file order (for the
    trail and their sources).
    """

    withhold: bool
    percent: Decimal | None
    max_rate: Decimal | None
    warnings: tuple[str, ...]
    not_given: bool
    applied: tuple[KidneyRule, ...]


def apply_kidney_rules(rules: tuple[KidneyRule, ...], egfr: Decimal | None,
                       weight_kg: Decimal | None = None) -> KidneyOutcome:
    """The outcome of `rules` at `egfr` (mL/min/1.73 m², None when no
    creatinine was entered). `weight_kg`, the dosing weight, turns a per-kg
    maximum rate into mg/h; it is needed only when such a rule applies
    (`ValueError` otherwise).

    Methotrexate (below 10 withhold; 10 to below 20, 50%; 20 to below 50
    warn): at 10 the dose is halved, at 20 a warning, at 50 nothing.
    """
    applied = tuple(rule for rule in rules if rule.applies(egfr))
    not_given = bool(rules) and egfr is None
    percents = [r.percent for r in applied if r.percent is not None]
    rates = []
    for rule in applied:
        if rule.max_rate_mg_h is None:
            continue
        if rule.max_rate_per_kg:
            if weight_kg is None or not weight_kg > 0:
                raise ValueError("a per-kg maximum rate needs the dosing weight in kg")
            rates.append(rule.max_rate_mg_h * weight_kg)
        else:
            rates.append(rule.max_rate_mg_h)
    warnings = ((NOT_GIVEN,) if not_given else ()) + tuple(r.text for r in applied if r.action == "warn")
    return KidneyOutcome(
        withhold=any(r.action == "withhold" for r in applied),
        percent=min(percents) if percents else None,
        max_rate=min(rates) if rates else None,
        warnings=warnings,
        not_given=not_given,
        applied=applied,
    )


def outcome_without_egfr(rules: tuple[KidneyRule, ...]) -> KidneyOutcome | None:
    """The outcome of `rules` when no creatinine was given, the same for
    every patient, or None when it depends on the dosing weight (a per-kg
    maximum rate that always applies): for a regimen to work out once."""
    if any(rule.max_rate_per_kg and rule.applies(None) for rule in rules):
        return None
    return apply_kidney_rules(rules, None)


def read_kidney_rules(rd: FieldReader, data: Any, path: tuple[str, ...]
                      ) -> tuple[KidneyRule, ...] | None:
    """A regimen's `kidney` list (an array of tables), each rule such as

        [[regimens.methotrexate.kidney]]
        from = 10
        below = 20
        action = "percent"
        percent = 50
        source = "The Renal Drug Handbook (R5)"

    `action` is "withhold", "percent" (with `percent`), "warn" (with
    `message`) or "max_rate" (with `max_rate = { value = 3.3, unit =
    "mg/kg/min" }`, a mass per time or per kg per time); `message` is
    optional for the others; `source` is required.

    `below` and `from` are eGFRs in mL/min/1.73 m². Every problem is
    recorded with `rd.problem` (`file:line: field: message`); the rules are
    returned only when all of them are sound, else None.
    """
    if not isinstance(data, list) or not data:
        rd.problem(path, "must be a list of rules such as "
                         "{ below = 10, action = \"withhold\", source = \"...\" }")
        return None
    rules: list[KidneyRule] = []
    sound = True
    for index, item in enumerate(data):
        rule = _read_rule(rd, item, (*path, str(index)))
        if rule is None:
            sound = False
        else:
            rules.append(rule)
    return tuple(rules) if sound else None


def _read_rule(rd: FieldReader, data: Any, path: tuple[str, ...]) -> KidneyRule | None:
    before = len(rd.problems)
    table = rd.table(data, path, RULE_KEYS)
    if table is None:
        return None
    action = rd.text(table, (*path, "action"))
    if action is not None and action not in ACTIONS:
        rd.problem((*path, "action"), f"must be one of {', '.join(ACTIONS)}, not {action!r}")
    source = rd.text(table, (*path, "source"))
    message = rd.text(table, (*path, "message"), required=False)
    numbers = {key: rd.number(table, (*path, key)) if key in table else None
               for key in ("below", "from", "percent")}
    rate = unit = None
    if "max_rate" in table:
        rate_path = (*path, "max_rate")
        rate_table = rd.table(table["max_rate"], rate_path, {"value", "unit"})
        if rate_table is not None:
            rate = rd.number(rate_table, (*rate_path, "value"))
            unit = rd.text(rate_table, (*rate_path, "unit"))
    if len(rd.problems) > before or action is None or source is None:
        return None
    try:
        return KidneyRule(action, source, below=numbers["below"], from_=numbers["from"],
                          percent=numbers["percent"], max_rate=rate, max_rate_unit=unit,
                          message=message)
    except KidneyRuleError as err:
        rd.problem((*path, err.field), err.message)
        return None
