"""The growth references, loaded once from the CSV tables beside this module.

WHO Child Growth Standards (2006) for ages 1 to 23 completed months, CDC 2000
growth charts for 24 to 239 completed months; where each table came from is
written in `growth_tables/SOURCES.md`. Ages are in months; L, M and S as in
`lms.Lms`, M in kg (weight), cm (length or stature) or kg/m² (BMI).

Each reference is looked up at the age its publisher's tables are indexed
by. The WHO monthly tables give the standard at whole months, so a child of
n completed months is looked up at n. CDC rows stand for the middle of each
month of age (Agemos 42.5 covers 42 completed months), and the CDC tells
users who know only completed months to add 0.5 (CDC, CDCAnthro program
notes; the CDC's SAS program for the 2000 growth charts). Between rows, L, M
and S are interpolated linearly in age, as both publishers' programs do.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from .lms import Lms

TABLES = Path(__file__).with_name("growth_tables")
SEXES = {"1": "male", "2": "female"}

#: The ages (completed months) the growth check covers, and where the
#: references meet: WHO below `CDC_FROM`, CDC from it.
FIRST_MONTH = 1
CDC_FROM = 24
LAST_MONTH = 239


class GrowthTableError(Exception):
    """A growth table that cannot be used (missing, malformed or implausible)."""


@dataclass(frozen=True)
class LmsTable:
    """L, M, S by age (months) for one measure and sex, in age order."""

    ages: tuple[float, ...]
    rows: tuple[Lms, ...]

    def at(self, age_months: float) -> Lms:
        """L, M and S at `age_months`, interpolated linearly between rows.

        Raises `ValueError` outside the table's ages."""
        ages = self.ages
        if not ages[0] <= age_months <= ages[-1]:
            raise ValueError(f"age {age_months} months is outside the table ({ages[0]} to {ages[-1]})")
        i = bisect_right(ages, age_months) - 1
        if ages[i] == age_months:
            return self.rows[i]
        a0, a1 = ages[i], ages[i + 1]
        f = (age_months - a0) / (a1 - a0)
        r0, r1 = self.rows[i], self.rows[i + 1]
        return Lms(*(p0 + (p1 - p0) * f for p0, p1 in zip(r0, r1, strict=True)))


@dataclass(frozen=True)
class GrowthReference:
    """One published reference: its name, the age offset its tables are
    read at, whether weight-based z-scores use the WHO's restricted method,
    a table per (measure, sex), and L, M, S already read for every
    (measure, sex, completed months) the reference is used for."""

    name: str
    age_offset: float
    restricted: bool
    tables: Mapping[tuple[str, str], LmsTable]
    by_age: Mapping[tuple[str, str, int], Lms]

    def lms(self, measure: str, sex: str, completed_months: int) -> Lms:
        """L, M, S for `measure` ("weight", "height" or "bmi") of a child of
        `sex` ("female" or "male") aged `completed_months` (an age the
        reference is used for; `KeyError` otherwise)."""
        return self.by_age[measure, sex, completed_months]


@dataclass(frozen=True)
class GrowthReferences:
    """The WHO and CDC references together, and the CDC 2000 BMI-for-age
    medians (kg/m²) exactly as published, by (sex, completed months) from
    24 to 239 months, each from the row at completed months + 0.5 (the
    ideal body weight, `body_weight.ideal_weight`, multiplies them)."""

    who: GrowthReference
    cdc: GrowthReference
    bmi_medians: Mapping[tuple[str, int], Decimal]

    def for_age(self, completed_months: int) -> GrowthReference | None:
        """The reference for a child of `completed_months`, or None when the
        age is outside 1 to 239 months (the check is then not done)."""
        if not FIRST_MONTH <= completed_months <= LAST_MONTH:
            return None
        return self.who if completed_months < CDC_FROM else self.cdc


def _number(path: Path, line: int, column: str, text: str | None) -> float:
    try:
        value = Decimal(text or "")
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite():
        raise GrowthTableError(f"{path}:{line}: {column}: not a number: {text!r}")
    return float(value)


def _curve_defined(lms: Lms, sd: int) -> bool:
    """True when the +/-`sd` SD curves exist for this row (1 - sd |L| S > 0)."""
    return 1 - sd * abs(lms.L) * lms.S > 0


def read_table_file(path: Path) -> dict[str, LmsTable]:
    """The tables of one CSV file by sex ("female", "male").

    Every row must have a known Sex, a numeric Agemos, L, M and S, with M and
    S above zero, ages strictly increasing, and the +/-2 SD curves defined
    (1 - 2|L|S > 0), which `lms.modified_z_score` needs."""
    by_sex: dict[str, tuple[list[float], list[Lms]]] = {s: ([], []) for s in SEXES.values()}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                sex = SEXES.get(row.get("Sex") or "")
                if sex is None:
                    raise GrowthTableError(f"{path}:{line}: Sex: must be 1 (male) or 2 (female)")
                age = _number(path, line, "Agemos", row.get("Agemos"))
                lms = Lms(*(_number(path, line, c, row.get(c)) for c in "LMS"))
                ages, rows = by_sex[sex]
                if ages and age <= ages[-1]:
                    raise GrowthTableError(f"{path}:{line}: Agemos: ages must increase")
                if lms.M <= 0 or lms.S <= 0 or not _curve_defined(lms, 2):
                    raise GrowthTableError(f"{path}:{line}: L, M, S: M and S must be above zero "
                                           "and the +/-2 SD curves defined")
                ages.append(age)
                rows.append(lms)
    except OSError as err:
        raise GrowthTableError(f"{path}: cannot be read ({err.strerror})") from err
    for sex, (ages, _) in by_sex.items():
        if len(ages) < 2:
            raise GrowthTableError(f"{path}: fewer than two rows for {sex}")
    return {sex: LmsTable(tuple(ages), tuple(rows)) for sex, (ages, rows) in by_sex.items()}


def read_exact_medians(path: Path, first: int, last: int, age_offset: Decimal
                       ) -> Mapping[tuple[str, int], Decimal]:
    """The M column of `path` exactly as written, by (sex, completed months)
    for `first` to `last` months, each from the row at completed months +
    `age_offset` (`read_table_file` has checked the file's numbers).

    Raises `GrowthTableError` naming the file when a row is missing."""
    wanted = {Decimal(months) + age_offset: months for months in range(first, last + 1)}
    medians: dict[tuple[str, int], Decimal] = {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                months = wanted.get(Decimal(row["Agemos"]))
                if months is not None:
                    medians[SEXES[row["Sex"]], months] = Decimal(row["M"])
    except OSError as err:
        raise GrowthTableError(f"{path}: cannot be read ({err.strerror})") from err
    for sex in SEXES.values():
        missing = [m for m in range(first, last + 1) if (sex, m) not in medians]
        if missing:
            raise GrowthTableError(f"{path}: {sex}: no row at {missing[0]} + {age_offset} months")
    return MappingProxyType(medians)


def _reference(name: str, files: dict[str, str], age_offset: float, restricted: bool,
               folder: Path, first: int, last: int) -> GrowthReference:
    tables = {}
    for measure, filename in files.items():
        for sex, table in read_table_file(folder / filename).items():
            low, high = first + age_offset, last + age_offset
            if table.ages[0] > low or table.ages[-1] < high:
                raise GrowthTableError(f"{folder / filename}: {sex} rows must cover {low} to {high} months")
            if restricted and not all(_curve_defined(row, 3) for row in table.rows):
                raise GrowthTableError(f"{folder / filename}: {sex}: the WHO method needs the "
                                       "+/-3 SD curves defined at every age")
            tables[measure, sex] = table
    by_age = {(measure, sex, months): table.at(months + age_offset)
              for (measure, sex), table in tables.items() for months in range(first, last + 1)}
    return GrowthReference(name, age_offset, restricted, MappingProxyType(tables),
                           MappingProxyType(by_age))


def load_references(folder: Path = TABLES) -> GrowthReferences:
    """Read and check the WHO 2006 and CDC 2000 tables in `folder`.

    Raises `GrowthTableError` naming the file, line and column at fault."""
    return GrowthReferences(
        who=_reference("WHO 2006", {
            "weight": "who_2006_weight_for_age.csv",
            "height": "who_2006_length_for_age.csv",
            "bmi": "who_2006_bmi_for_age.csv",
        }, 0.0, True, folder, FIRST_MONTH, CDC_FROM - 1),
        cdc=_reference("CDC 2000", {
            "weight": "cdc_2000_wtage.csv",
            "height": "cdc_2000_statage.csv",
            "bmi": "cdc_2000_bmiagerev.csv",
        }, 0.5, False, folder, CDC_FROM, LAST_MONTH),
        bmi_medians=read_exact_medians(folder / "cdc_2000_bmiagerev.csv", CDC_FROM, LAST_MONTH,
                                       Decimal("0.5")),
    )
