"""Dosing weight: ideal body weight by the BMI method and adjusted body weight.

`shared/clinical-reference.md`, second edition, section E:

- ideal body weight (IBW), BMI method (Callaghan and Walker, Anaesthesia
  2015;70:176; W1): the median M (kg/m²) of CDC 2000 BMI-for-age for the
  child's sex at the row the growth check reads (completed months + 0.5),
  exactly as published, × (height in m)², rounded half-up to 0.01 kg. Not
  validated under 2 years (W1, W4), and the CDC medians end at 20 years:
  outside 24 to 239 completed months, and whenever age or sex is unknown,
  there is no IBW;
- adjusted body weight = IBW + 0.4 × (actual − IBW), rounded half-up to
  0.01 kg (W5 BloodSTAR dose-determining weight, W6 Ontario Ig dose
  calculator), used by a regimen that doses on adjusted weight only when
  the actual weight is above 120% of IBW (example local policy), otherwise
  the actual weight. The factor and the threshold are parameters (the
  regimen file holds them with their sources).

Example (section E): girl, 14 years 0 months, 95 kg, 160 cm: M 19.35257209
kg/m² (CDC row 168.5); IBW 19.35257209 × 1.6² = 49.5425… = 49.54 kg; 95 kg
> 1.2 × 49.54 = 59.448 kg, so adjusted 49.54 + 0.4 × 45.46 = 67.724 =
67.72 kg.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from . import formatting
from .growth_references import CDC_FROM, LAST_MONTH, GrowthReferences
from .rounding import half_up

WEIGHT_STEP = Decimal("0.01")
#: Section E defaults (the regimen file gives the values used, with sources).
ADJUSTMENT_FACTOR = Decimal("0.4")
THRESHOLD_PERCENT = Decimal(120)
HUNDRED = Decimal(100)


class IdealWeight(NamedTuple):
    """The ideal body weight, or why there is none.

    `kg` (to 0.01) or None; `median_bmi` the exact CDC M used (kg/m²) or
    None; `height_m` the height used; `text` the arithmetic ("ideal
    19.35257209 kg/m² × (1.6 m)² = 49.54 kg") or, when there is no IBW, the
    reason; `missing_age_or_sex` True when there is none only because the
    age or sex was not given (a regimen that needs the IBW is then refused).
    """

    kg: Decimal | None
    median_bmi: Decimal | None
    height_m: Decimal
    text: str
    missing_age_or_sex: bool


class DosingWeight(NamedTuple):
    """The weight a regimen doses on.

    `kind` "actual" or "adjusted"; `kg` the weight used (kg, to 0.01);
    `ideal` and `adjusted` (kg, to 0.01) or None when not computed; `text`
    the arithmetic, e.g. "ideal 19.35257209 kg/m² × (1.6 m)² = 49.54 kg;
    adjusted 49.54 + 0.4 × (95 − 49.54) = 67.72 kg".
    """

    kind: str
    kg: Decimal
    ideal: Decimal | None
    adjusted: Decimal | None
    text: str


def ideal_weight(references: GrowthReferences, sex: str | None, age_years: int | None,
                 age_months: int | None, height_cm: Decimal) -> IdealWeight:
    """The ideal body weight (kg, BMI method) of a child of `sex` ("female"
    or "male"), `age_years` and `age_months` completed, `height_cm` tall:
    the CDC 2000 BMI-for-age median at completed months + 0.5 × (height in
    m)², rounded half-up to 0.01 kg; none under 24 or from 240 completed
    months, or without age or sex (see `IdealWeight`)."""
    height_m = height_cm / 100
    if sex is None or age_years is None or age_months is None:
        return IdealWeight(None, None, height_m, "no ideal body weight: the BMI method needs the age "
                           "(years and months) and sex", True)
    months = 12 * age_years + age_months
    if months < CDC_FROM:
        return IdealWeight(None, None, height_m, f"no ideal body weight under {CDC_FROM // 12} years: "
                           "the BMI method is not validated there", False)
    if months > LAST_MONTH:
        return IdealWeight(None, None, height_m, f"no ideal body weight from {(LAST_MONTH + 1) // 12} "
                           "years: the CDC 2000 BMI-for-age medians end there", False)
    median = references.bmi_medians[sex, months]
    kg = half_up(median * height_m * height_m, WEIGHT_STEP)
    # The exact M is printed: to 0.01 kg/m² it would not recompute the weight about half the time.
    text = (f"ideal {formatting.amount(median, 'kg/m2')} × "
            f"({formatting.amount(height_m, 'm')})² = {formatting.amount(kg, 'kg')}")
    return IdealWeight(kg, median, height_m, text, False)


def adjusted_weight(actual_kg: Decimal, ideal_kg: Decimal,
                    factor: Decimal = ADJUSTMENT_FACTOR) -> Decimal:
    """IBW + `factor` × (actual − IBW), in kg rounded half-up to 0.01."""
    return half_up(ideal_kg + factor * (actual_kg - ideal_kg), WEIGHT_STEP)


def dosing_weight(actual_kg: Decimal, ideal: IdealWeight, factor: Decimal = ADJUSTMENT_FACTOR,
                  threshold_percent: Decimal = THRESHOLD_PERCENT) -> DosingWeight:
    """The weight for a regimen that doses on adjusted weight: the adjusted
    weight when `actual_kg` is above `threshold_percent` % of the ideal
    weight (exactly at it is not above), otherwise the actual weight, also
    when there is no ideal weight for the age (under 2 or from 20 years).

    Raises `ValueError` saying why when there is no ideal weight because
    the age or sex was not given: the regimen cannot be dosed as written.
    """
    if ideal.kg is None:
        if ideal.missing_age_or_sex:
            raise ValueError(f"{ideal.text}, to dose on adjusted body weight")
        return DosingWeight("actual", actual_kg, None, None, f"{ideal.text}; actual weight used")
    threshold = ideal.kg * threshold_percent / HUNDRED
    if actual_kg <= threshold:
        return DosingWeight("actual", actual_kg, ideal.kg, None,
                            f"{ideal.text}; {formatting.amount(actual_kg, 'kg')} is not above "
                            f"{formatting.number(threshold_percent)}% of ideal "
                            f"({formatting.amount(threshold, 'kg')}): actual weight used")
    adjusted = adjusted_weight(actual_kg, ideal.kg, factor)
    n = formatting.number
    return DosingWeight("adjusted", adjusted, ideal.kg, adjusted,
                        f"{ideal.text}; adjusted {n(ideal.kg)} + {n(factor)} × "
                        f"({n(actual_kg)} − {n(ideal.kg)}) = {formatting.amount(adjusted, 'kg')}")
