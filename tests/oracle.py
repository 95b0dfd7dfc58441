"""An independent oracle for the fuzz tests: every plan's arithmetic written
straight from shared/clinical-reference.md (the case plan, and section H of
the second edition), sharing no code with the engine. Given the weight and
BSA a response reports (after the test has checked them), it says what
every amount must be."""

from __future__ import annotations

import csv
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

D = Decimal

COUNTS = {"prednisolone": 7, "ivig": 9, "methotrexate": 52, "pamidronate": 4, "cyclophosphamide": 6}
PRINTO = [D(2), D("1.5"), D(1), D("0.75"), D("0.5"), D("0.35"), D("0.2")]
# plan: {id: ([(dose per basis unit per dose, cap per dose, increment), ...] one per phase,
#             basis, number of dated items, days from the plan's start to the first dose)};
# basis "adjusted" is per kg of the dosing weight of section E.
PLANS = {
    "jdm_calcinosis": {
        "prednisolone": ([(d, D(60), D(1)) for d in PRINTO], "weight", 7, 0),
        "ivig": ([(D(2), D(70), D(1))], "adjusted", 9, 0),
        "methotrexate": ([(D(15), D(40), D("0.5"))], "bsa", 52, 0),
        "pamidronate": ([(D(1), D(90), D(1))], "weight", 4, 0),
        "cyclophosphamide": ([(D(500), D(1200), D(10))], "bsa", 6, 0),
    },
    "jdm_carra_ivmp": {
        "methylprednisolone": ([(D(30), D(1000), D(10))], "weight", 3, 0),
        "prednisolone": ([(d, D(60), D(1)) for d in PRINTO], "weight", 7, 3),
        "methotrexate": ([(D(15), D(40), D("0.5"))], "bsa", 52, 0),
    },
    "kawasaki_aha2017": {
        "ivig": ([(D(2), D(100), D(1))], "adjusted", 1, 0),
        # 80 mg/kg/day in 4 doses: 20 mg/kg a dose; 4,000 mg/day: 1,000 mg a dose.
        "aspirin": ([(D(20), D(1000), D(5)), (D(5), D(81), D(1))], "weight", 2, 0),
    },
    "lupus_nephritis_nih": {
        "methylprednisolone": ([(D(30), D(1000), D(10))], "weight", 3, 0),
        "cyclophosphamide": ([(D(500), D(1500), D(10)), (D(750), D(1500), D(10))], "bsa", 6, 0),
    },
    "lupus_nephritis_mmf": {
        "methylprednisolone": ([(D(30), D(1000), D(10))], "weight", 3, 0),
        "mycophenolate": ([(D(600), D(1500), D(50))], "bsa", 1, 0),
    },
    "lupus_nephritis_eurolupus": {
        "cyclophosphamide": ([(D(500), D(500), D(10))], "fixed", 6, 0),
    },
}
TO_KG = {"kg": D(1), "g": D("0.001"), "lb": D("0.45359237")}
TO_CM = {"cm": D(1), "m": D(100), "in": D("2.54")}


def to_step(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).quantize(D(1), rounding=ROUND_HALF_UP) * step


def amount(dose: Decimal, basis: Decimal, cap: Decimal, step: Decimal) -> Decimal:
    given = to_step(min(dose * basis, cap), step)
    if given > cap:
        given = (cap / step).quantize(D(1), rounding=ROUND_FLOOR) * step
    return given


def _bmi_medians() -> dict[tuple[str, str], Decimal]:
    with (TABLES / "cdc_2000_bmiagerev.csv").open() as handle:
        return {("male" if row["Sex"] == "1" else "female", row["Agemos"]): D(row["M"])
                for row in csv.DictReader(handle)}


def dosing_weight(weight_kg: Decimal, height_cm: Decimal, years: int | None, months: int | None,
                  sex: str | None) -> Decimal:
    """Section E: ideal = CDC BMI-for-age median (completed months + 0.5) x height², to 0.01 kg,
    from 24 to 239 months; above 120% of it, ideal + 0.4 x (actual - ideal), to 0.01 kg."""
    if years is None or months is None or sex is None or not 24 <= 12 * years + months <= 239:
        return weight_kg
    ideal = to_step(BMI_MEDIANS[sex, f"{12 * years + months}.5"] * (height_cm / 100) ** 2, D("0.01"))
    if weight_kg > ideal * D("1.2"):
        return to_step(ideal + D("0.4") * (weight_kg - ideal), D("0.01"))
    return weight_kg


def expected_amounts(rid: str, weight_kg: Decimal, bsa_m2: Decimal,
                     override: Decimal | None = None, plan: str = "jdm_calcinosis",
                     dosing_kg: Decimal | None = None, share: Decimal | None = None) -> list[Decimal]:
    """The amount of each phase of regimen `rid` of `plan`, in order;
    `dosing_kg` is the dosing weight of a regimen dosed on adjusted weight,
    `share` a kidney rule's part of the exact dose."""
    phases, basis, _, _ = PLANS[plan][rid]
    value = {"weight": weight_kg, "adjusted": dosing_kg or weight_kg, "bsa": bsa_m2, "fixed": D(1)}[basis]
    return [amount((override if override is not None else dose) * (share or 1), value, cap, step)
            for dose, cap, step in phases]


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
BMI_MEDIANS = _bmi_medians()


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


def egfr(creatinine: Decimal, unit: str, height_cm: Decimal, years: int | None, months: int | None,
         sex: str | None) -> Decimal | None:
    """CKiD U25 (section G): creatinine in mg/dL (µmol/L ÷ 88.4) to 0.01, K to 0.001, eGFR to 0.1;
    None where the formula does not apply (no age or sex, or outside 1 to 25 years)."""
    scr = to_step(creatinine / D("88.4") if unit == "umol/L" else creatinine, D("0.01"))
    if years is None or months is None or sex is None or scr <= 0:
        return None
    age = years + months / 12
    if not 1 <= age <= 25:
        return None
    young, teen, adult = {"male": (39.0, 1.045, 50.8), "female": (36.1, 1.023, 41.4)}[sex]
    k = young * 1.008 ** (age - 12) if age < 12 else young * teen ** (age - 12) if age < 18 else adult
    k = to_step(D(repr(k)), D("0.001"))
    return to_step(k * height_cm / 100 / scr, D("0.1"))


#: Methotrexate's kidney rules (R5): below 10 withheld; 10 to below 20, half the exact dose.
def methotrexate_share(value: Decimal | None) -> Decimal | None:
    """The share of the exact methotrexate dose at eGFR `value`; None when withheld."""
    if value is not None and value < 10:
        return None
    return D("0.5") if value is not None and value < 20 else D(1)


def corrected_months(months: int, gestation: dict | None) -> int:
    """Section I: before 37 weeks, chronological age - (40 weeks - gestation), until 12 months
    (born at 32 to 36 weeks) or 24 months (before 32), in completed 30.4375-day months."""
    if not gestation or gestation["weeks"] >= 37 or months >= (24 if gestation["weeks"] < 32 else 12):
        return months
    month = D("365.25") / 12
    days = months * month - (280 - 7 * gestation["weeks"] - gestation["days"])
    return int((days / month).to_integral_value(rounding=ROUND_FLOOR))
