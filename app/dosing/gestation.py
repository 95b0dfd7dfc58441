"""Preterm infants: the age the growth check reads, corrected for gestation.

`shared/clinical-reference.md`, second edition, section I (RCPCH UK-WHO
growth chart instructions, gestational age correction): for an infant born
before 37 completed weeks, the growth references are read at the corrected
age, chronological age − (40 − gestational age) weeks, until 1 year of
chronological age for infants born at 32 to 36 weeks and until 2 years for
those born before 32 weeks. Gestational age at birth is entered in weeks and
days, 22+0 to 44+6.

Ages are entered as completed years and months only, so the arithmetic is
done in days with a month of 365.25 ÷ 12 = 30.4375 days (the average
month the WHO's anthro software converts days with): a child of n completed
months is taken to be n × 30.4375 days old, the correction is 280 − (7 ×
weeks + days) days (40 weeks less the gestation, day by day), and the
corrected age in completed months is the whole number of 30.4375-day months
in the difference, rounded down. The child is at least that old corrected:
the months are those certainly completed.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

DAYS_PER_MONTH = Decimal("365.25") / 12
TERM_DAYS = 40 * 7
#: Born before this (weeks) is preterm (before 37 completed weeks).
PRETERM_BEFORE_WEEKS = 37
#: Born before this (weeks): corrected until 24 months; otherwise until 12.
VERY_PRETERM_BEFORE_WEEKS = 32
CORRECTED_UNTIL_MONTHS = {True: 24, False: 12}
GESTATION_WEEKS = (22, 44)
MAX_AGE_YEARS = 150


class CorrectedAge(NamedTuple):
    """The age the growth check reads: `months` completed months (the
    corrected age when `corrected`, else the chronological age; negative
    before the due date, where no growth reference applies), and `text`
    saying which age was used and why, e.g. "corrected age 2 months:
    5 months − 10 weeks (born at 30+0 weeks)"."""

    months: int
    corrected: bool
    text: str


def _age_text(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest or not years:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)


def _weeks_text(days: int) -> str:
    weeks, rest = divmod(days, 7)
    text = f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{text} {rest} day{'s' if rest != 1 else ''}" if rest else text


def corrected_age_months(age_years: int, age_months: int, gestation_weeks: int,
                         gestation_days: int) -> CorrectedAge:
    """The age (completed months) at which to read the growth references
    for a child of `age_years` and `age_months` completed, born at
    `gestation_weeks` + `gestation_days` (22+0 to 44+6).

    Born at 30+0 weeks and 5 months old: 5 × 30.4375 = 152.1875 days − 70
    days = 82.1875 days = 2.7 months, so 2 completed months corrected. Born
    at 34+0 weeks and 13 months old: past 1 year, 13 months chronological.

    Raises `ValueError` naming the field and what is allowed.
    """
    for name, value, low, high in (("age_years", age_years, 0, MAX_AGE_YEARS),
                                   ("age_months", age_months, 0, 11),
                                   ("gestation_weeks", gestation_weeks, *GESTATION_WEEKS),
                                   ("gestation_days", gestation_days, 0, 6)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name}: must be a whole number from {low} to {high}")
    months = 12 * age_years + age_months
    born = f"born at {gestation_weeks}+{gestation_days} weeks"
    if gestation_weeks >= PRETERM_BEFORE_WEEKS:
        return CorrectedAge(months, False, f"chronological age {_age_text(months)}: {born}, "
                                           f"not before {PRETERM_BEFORE_WEEKS} weeks")
    very = gestation_weeks < VERY_PRETERM_BEFORE_WEEKS
    until = CORRECTED_UNTIL_MONTHS[very]
    if months >= until:
        group = f"before {VERY_PRETERM_BEFORE_WEEKS}" if very else \
            f"{VERY_PRETERM_BEFORE_WEEKS} to {PRETERM_BEFORE_WEEKS - 1}"
        return CorrectedAge(months, False, f"chronological age {_age_text(months)}: {born}; age is "
                                           f"corrected only until {_age_text(until)} for a birth "
                                           f"at {group} weeks")
    correction = TERM_DAYS - (7 * gestation_weeks + gestation_days)
    days = months * DAYS_PER_MONTH - correction
    corrected = int((days / DAYS_PER_MONTH).to_integral_value(rounding=ROUND_FLOOR))
    shown = _age_text(corrected) if corrected >= 0 else "before the due date"
    return CorrectedAge(corrected, True, f"corrected age {shown}: {_age_text(months)} − "
                                         f"{_weeks_text(correction)} ({born})")
