"""An independent oracle for the fuzz tests: the default plan's arithmetic
written straight from shared/clinical-reference.md, sharing no code with
the engine. Given the weight and BSA a response reports (after the test has
checked them), it says what every amount must be."""

from __future__ import annotations

import csv
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

D = Decimal

# id: (dose per kg or m² per administration, basis, cap, increment), from the
# reference's tables; prednisolone's doses are its taper steps.
REFERENCE = {
    "prednisolone": ([D(2), D("1.5"), D(1), D("0.75"), D("0.5"), D("0.35"), D("0.2")], "weight", D(60), D(1)),
    "ivig": ([D(2)], "weight", D(70), D(1)),
    "methotrexate": ([D(15)], "bsa", D(40), D("0.5")),
    "pamidronate": ([D(1)], "weight", D(90), D(1)),
    "cyclophosphamide": ([D(500)], "bsa", D(1200), D(10)),
}
COUNTS = {"prednisolone": 7, "ivig": 9, "methotrexate": 52, "pamidronate": 4, "cyclophosphamide": 6}
TO_KG = {"kg": D(1), "g": D("0.001"), "lb": D("0.45359237")}
TO_CM = {"cm": D(1), "m": D(100), "in": D("2.54")}


def to_step(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).quantize(D(1), rounding=ROUND_HALF_UP) * step


def amount(dose: Decimal, basis: Decimal, cap: Decimal, step: Decimal) -> Decimal:
    given = to_step(min(dose * basis, cap), step)
    if given > cap:
        given = (cap / step).quantize(D(1), rounding=ROUND_FLOOR) * step
    return given


def expected_amounts(rid: str, weight_kg: Decimal, bsa_m2: Decimal,
                     override: Decimal | None = None) -> list[Decimal]:
    doses, basis, cap, step = REFERENCE[rid]
    if override is not None:
        doses = [override]
    value = weight_kg if basis == "weight" else bsa_m2
    return [amount(d, value, cap, step) for d in doses]


def mosteller(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    return to_step((height_cm * weight_kg / 3600).sqrt(), D("0.01"))


def bsa_float(formula: str, height_cm: Decimal, weight_kg: Decimal) -> float:
    """The reference's BSA formulas in binary floating point (an independent
    check, to within rounding, of the engine's decimal ones)."""
    import math

    h, w = float(height_cm), float(weight_kg)
    return {
        "mosteller": lambda: math.sqrt(h * w / 3600),
        "dubois": lambda: 0.007184 * h**0.725 * w**0.425,
        "haycock": lambda: 0.024265 * h**0.3964 * w**0.5378,
        "gehan_george": lambda: 0.0235 * h**0.42246 * w**0.51456,
        "boyd": lambda: 0.0003207 * h**0.3 * (1000 * w) ** (0.7285 - 0.0188 * math.log10(1000 * w)),
    }[formula]()


TABLES = Path(__file__).resolve().parent.parent / "app" / "dosing" / "growth_tables"
WEIGHT_FILES = {"WHO 2006": "who_2006_weight_for_age.csv", "CDC 2000": "cdc_2000_wtage.csv"}


def _weight_rows() -> dict[tuple[str, str, str], tuple[float, float, float]]:
    rows = {}
    for name, filename in WEIGHT_FILES.items():
        with (TABLES / filename).open() as handle:
            for row in csv.DictReader(handle):
                sex = "male" if row["Sex"] == "1" else "female"
                rows[name, sex, row["Agemos"]] = (float(row["L"]), float(row["M"]), float(row["S"]))
    return rows


WEIGHT_ROWS = _weight_rows()


def weight_for_age_z(years: int, months: int, sex: str, weight_kg: Decimal) -> tuple[str, float] | None:
    """The reference and the plain LMS weight-for-age z-score, straight from
    the table rows (WHO at completed months below 24, CDC at completed months
    + 0.5 from 24 to 239), or None where no check is done."""
    age = 12 * years + months
    if not 1 <= age <= 239:
        return None
    name, agemos = ("WHO 2006", str(age)) if age < 24 else ("CDC 2000", f"{age}.5")
    L, M, S = WEIGHT_ROWS[name, sex, agemos]
    return name, ((float(weight_kg) / M) ** L - 1) / (L * S)
