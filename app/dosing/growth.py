"""The growth check: are the weight and height plausible for the age and sex?

Catches the classic pediatric dosing error, a weight in pounds typed into a
kilogram field (`shared/clinical-reference.md`, "Plausibility of weight and
height"). From the measurements used for dosing, the child's age (completed
years and months) and sex, it computes weight-for-age, height-for-age and
BMI-for-age z-scores and percentiles against the WHO 2006 standards (1 to 23
months) or the CDC 2000 charts (24 to 239 months), then applies these rules:

- |z| >= 3 on a measure: a warning naming the measure and its z-score;
- if the number read in the other unit system (kg and lb, cm and in) gives
  |z| < 2, the warning says so and asks whether that unit was meant;
- |z| >= 5, or a BMI outside every published reference (above 60 kg/m²),
  needs the user's confirmation that the values were re-measured before any
  sheet is produced.

The CDC 2000 curves are compressed on the side where L is negative (weight
and BMI above the median): there the LMS z-score grows ever more slowly and
in older children cannot reach 3 however extreme the value. Where a CDC
z-score on that side is below 3, the CDC's modified z-score is also
computed and, when it reaches 3, shown and used for the warning, so that a
weight in pounds is still caught in an adolescent.

z-scores are rounded to the nearest 0.01 and the rules are applied to the
rounded value, so that what is printed is what was judged.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from . import formatting
from .growth_references import CDC_FROM, FIRST_MONTH, LAST_MONTH, GrowthReference, GrowthReferences
from .lms import modified_z_score, percentile, who_z_score, z_score
from .patient import Patient
from .units import TO_CM, TO_KG

WARN_AT = Decimal(3)
CONFIRM_AT = Decimal(5)
OTHER_UNIT_BELOW = Decimal(2)
#: The top of the CDC's extended BMI-for-age charts, the widest published
#: pediatric BMI reference: Hales CM, Freedman DS, Akinbami L, et al.
#: Evaluation of alternative body mass index (BMI) metrics to monitor weight
#: status in children and adolescents with extremely high BMI using CDC BMI-
#: for-age growth charts. Vital Health Stat 1(197). NCHS; 2022.
BMI_MAX = Decimal(60)
BMI_STEP = Decimal("0.1")
Z_PLACES = 2
PERCENTILE_PLACES = 1
PERCENTILE_RANGE = (Decimal("0.1"), Decimal("99.9"))
#: A number read in the other unit is converted to kg or cm to 0.01.
OTHER_UNIT_STEP = Decimal("0.01")

#: The unit a number may really have been measured in, for each entered unit,
#: and the word for it in the question asked.
OTHER_UNIT = {"kg": ("lb", "pounds"), "lb": ("kg", "kilograms"),
              "cm": ("in", "inches"), "in": ("cm", "centimetres")}
LABELS = {"weight": "weight-for-age", "height": "height-for-age", "bmi": "BMI-for-age"}
UNITS = {"weight": "kg", "height": "cm", "bmi": "kg/m2"}


class GrowthMeasure(NamedTuple):
    """One measure compared with the reference: `value` in `unit` (kg, cm or
    kg/m²; BMI rounded half-up to 0.1, its z-score computed from the
    unrounded BMI), its z-score (0.01) and percentile (0.1, kept within
    0.1 to 99.9: a percentile that would round to 0 or 100 is reported as
    0.1 or 99.9, the z-score saying how far beyond it lies)."""

    measure: str
    value: Decimal
    unit: str
    z: Decimal
    percentile: Decimal

    @property
    def label(self) -> str:
        return LABELS[self.measure]


class GrowthWarning(NamedTuple):
    """A warning for the user: a stable `code` and a sentence."""

    code: str
    message: str


class GrowthCheck(NamedTuple):
    """The outcome of the growth check.

    When the check was not done, `reference` is None and `not_done` says
    why; otherwise `measures` holds weight, height and BMI in that order.
    `confirm` lists the reasons the values must be confirmed as re-measured
    before a sheet is produced (empty when no confirmation is needed)."""

    reference: str | None
    not_done: str | None
    measures: tuple[GrowthMeasure, ...]
    warnings: tuple[GrowthWarning, ...]
    confirm: tuple[str, ...]

    @property
    def bmi(self) -> Decimal | None:
        """The BMI as printed (kg/m², to 0.1), or None when not checked."""
        return self.measures[-1].value if self.measures else None

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.confirm)


def _round(value: float, places: int) -> Decimal:
    """`value` to the nearest `places` decimals (the correctly rounded
    decimal text of the double)."""
    return Decimal(format(value, _ROUNDING[places]))


#: The format of a double rounded to 1 or 2 decimals.
_ROUNDING = {places: f".{places}f" for places in (PERCENTILE_PLACES, Z_PLACES)}
_Z_STEP = Decimal("0.1")


def _z_text(z: Decimal) -> str:
    """A z-score in a sentence, to 0.1 with its sign: "+4.0", "-0.5"."""
    return f"{z.quantize(_Z_STEP, ROUND_HALF_UP):+f}"


def age_words(years: int, months: int) -> str:
    """The age as an adjective: "3-year-6-month-old", "11-month-old"."""
    if years == 0:
        return f"{months}-month-old"
    if months == 0:
        return f"{years}-year-old"
    return f"{years}-year-{months}-month-old"


def bmi_of(weight_kg: Decimal, height_cm: Decimal) -> Decimal:
    """Body mass index in kg/m², weight (kg) / height (m)², unrounded."""
    height_m = height_cm / 100
    return weight_kg / (height_m * height_m)


class _Judge:
    """z-scores for one child against one reference."""

    __slots__ = ("by_age", "sex", "months", "restricted", "score")

    def __init__(self, reference: GrowthReference, sex: str, months: int) -> None:
        self.by_age = reference.by_age
        self.sex = sex
        self.months = months
        self.restricted = reference.restricted
        self.score = who_z_score if reference.restricted else z_score

    def z(self, measure: str, value: Decimal) -> Decimal:
        lms = self.by_age[measure, self.sex, self.months]
        return _round(self.score(float(value), lms), Z_PLACES)

    def measure(self, measure: str, value: Decimal) -> tuple[GrowthMeasure, Decimal | None]:
        """The measure and, where a CDC curve is compressed on the
        measure's side and |z| < 3, its modified z-score (0.01)."""
        lms = self.by_age[measure, self.sex, self.months]
        x = float(value)
        z = self.score(x, lms)
        shown = _round(percentile(z), PERCENTILE_PLACES)
        low, high = PERCENTILE_RANGE
        if shown < low:
            shown = low
        elif shown > high:
            shown = high
        if measure == "bmi":
            value = value.quantize(BMI_STEP, ROUND_HALF_UP)
        rounded = _round(z, Z_PLACES)
        result = GrowthMeasure(measure, value, UNITS[measure], rounded, shown)
        if self.restricted or lms.L * z >= 0 or abs(rounded) >= WARN_AT:
            return result, None
        return result, _round(modified_z_score(x, lms), Z_PLACES)


def _entered(patient: Patient, measure: str) -> tuple[Decimal, str, Decimal]:
    """The number and unit as entered, and the value used (kg or cm)."""
    if measure == "weight":
        return patient.weight_entered, patient.weight_unit, patient.weight_kg
    return patient.height_entered, patient.height_unit, patient.height_cm


def other_unit_reading(patient: Patient, measure: str) -> tuple[Decimal, str] | None:
    """The number entered for `measure` ("weight" or "height") read in the
    other unit system (kg and lb, cm and in): its value in kg or cm, to
    0.01, and that unit; None when there is no other reading (g, m)."""
    number, unit, _ = _entered(patient, measure)
    if unit not in OTHER_UNIT:
        return None
    other = OTHER_UNIT[unit][0]
    factor = (TO_KG if measure == "weight" else TO_CM)[other]
    return (number * factor).quantize(OTHER_UNIT_STEP, ROUND_HALF_UP), other


def _other_unit(patient: Patient, measure: str, judge: _Judge) -> tuple[str, str] | None:
    """If the entered number, read in the other unit system, is plausible
    (|z| < 2): the word for that unit and the sentences that say so and ask."""
    reading = other_unit_reading(patient, measure)
    if reading is None:
        return None
    number, unit, _ = _entered(patient, measure)
    value, other = reading
    word = OTHER_UNIT[unit][1]
    base = UNITS[measure]
    z = judge.z(measure, value)
    if abs(z) >= OTHER_UNIT_BELOW:
        return None
    read_as = formatting.amount(number, other)
    if other == base:
        said = f"{read_as} would give z {_z_text(z)}."
    else:
        said = f"{read_as} would be {formatting.amount(value, base)} (z {_z_text(z)})."
    return word, f"{said} Was the {measure} measured in {word}?"


def _described(patient: Patient, measure: str, value: Decimal) -> str:
    if measure == "bmi":
        return f"A BMI of {formatting.amount(value, 'kg/m2')}"
    number, unit, used = _entered(patient, measure)
    entered = formatting.amount(number, unit)
    base = UNITS[measure]
    return entered if unit == base else f"{entered} ({formatting.amount(used, base)})"


def _not_done(reason: str) -> GrowthCheck:
    return GrowthCheck(None, reason, (), (GrowthWarning("growth_check_not_done", reason),), ())


def check_growth(patient: Patient, references: GrowthReferences) -> GrowthCheck:
    """Compare `patient`'s weight, height and BMI with the growth reference
    for their age and sex (see the module's rules)."""
    age, sex = patient.age_used_months, patient.sex
    if age is None or sex is None:
        return _not_done("Growth check not done: age (years and months) and sex are needed "
                         "to compare the weight and height with growth references.")
    years, months = divmod(age, 12)
    reference = references.for_age(age)
    if reference is None:
        shown = (f"{years} year{'s' if years != 1 else ''} {months} month{'s' if months != 1 else ''}"
                 if age >= 0 else "not yet at term")
        return _not_done(
            f"Growth check not done: the growth references cover ages {FIRST_MONTH} month to "
            f"{LAST_MONTH // 12} years {LAST_MONTH % 12} months (WHO 2006 under "
            f"{CDC_FROM // 12} years, CDC 2000 from {CDC_FROM // 12} years); this patient is "
            f"{shown}{' (corrected age)' if patient.corrected_for_gestation else ''}.")
    judge = _Judge(reference, sex, age)
    bmi = bmi_of(patient.weight_kg, patient.height_cm)
    measures, warnings, confirm = [], [], []
    for name, value in (("weight", patient.weight_kg), ("height", patient.height_cm), ("bmi", bmi)):
        result, modified = judge.measure(name, value)
        value = result.value
        measures.append(result)
        z = result.z
        judged = abs(z)
        beyond_bmi = name == "bmi" and value > BMI_MAX
        if judged >= CONFIRM_AT:
            confirm.append(f"{result.label} z {_z_text(z)} is beyond ±{CONFIRM_AT}")
        if beyond_bmi:
            confirm.append(f"a BMI of {formatting.amount(value, 'kg/m2')} is above "
                           f"{formatting.amount(BMI_MAX, 'kg/m2')}")
        shown = None
        if modified is not None and abs(modified) >= WARN_AT:
            shown = f"z {_z_text(z)}, modified z {_z_text(modified)}"
            judged = abs(modified)
        if judged < WARN_AT and not beyond_bmi:
            continue
        shown = shown or f"z {_z_text(z)}"
        described = _described(patient, name, value)
        if beyond_bmi:
            code = "bmi_outside_reference"
            message = (f"{described} is above {formatting.amount(BMI_MAX, 'kg/m2')}, outside every "
                       f"published BMI-for-age reference ({shown}).")
        else:
            child = f"{age_words(years, months)} {'girl' if sex == 'female' else 'boy'}"
            code = f"{name}_for_age_extreme"
            message = (f"{described} is far {'above' if z > 0 else 'below'} the expected "
                       f"{'BMI' if name == 'bmi' else name} for a {child} ({shown}).")
        other = None if name == "bmi" else _other_unit(patient, name, judge)
        if other is not None:
            word, said = other
            code = f"{name}_possibly_in_{word}"
            message = f"{message} {said}"
        warnings.append(GrowthWarning(code, message))
    return GrowthCheck(reference.name, None, tuple(measures), tuple(warnings), tuple(confirm))
