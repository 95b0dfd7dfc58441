"""Body-surface-area formulas, in exact `Decimal` arithmetic.

Every function takes height in centimetres and weight in kilograms (both
`Decimal`, as rounded from the user's entry) and returns the unrounded body
surface area in square metres. `body_surface_area` rounds half-up to 0.01 m²,
the value printed and used for dosing (`shared/clinical-reference.md`).
Powers and logarithms are `Decimal` arithmetic, so no binary float is
involved. The value that is rounded is the one computed at 28 significant
digits with `decimal`'s correctly rounded `ln`/`exp`: `body_surface_area`
first evaluates a power formula at 12 digits with `quick_ln` (a sixth of
the time), which decides the rounding unless the value lies within
`QUICK_MARGIN` of a rounding boundary, and only then evaluates it again at
28 digits (Ziv's strategy; Muller JM et al., Handbook of Floating-Point
Arithmetic, 2nd ed., 2018, section 10.5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, localcontext

from .rounding import half_up

BSA_STEP = Decimal("0.01")
#: Significant digits of a full evaluation.
FULL_DIGITS = 28
#: Significant digits of the quick first evaluation of a power formula.
QUICK_DIGITS = 12
#: How far (m²) the quick value must lie from a rounding boundary (an odd
#: multiple of 0.005 m²) to decide the rounding. Its error is below 3E-9 m²:
#: `quick_ln` is within 2E-10 of the logarithm for every height and weight
#: (and weight in grams) the engine accepts (`tests/test_bsa.py` checks them
#: all), so the exponent's sum (Boyd's ln of the weight in grams times its
#: exponent is about 12.4 x 0.7) is within 5E-10, the correctly rounded `exp`
#: adds half a unit in the 12th digit, and the BSA (below 5 m²) carries both
#: as a relative error.
QUICK_MARGIN = Decimal("1E-7")
_HALF_STEP = BSA_STEP / 2

#: Digits of the constants of `quick_ln`, beyond any quick evaluation's.
_TABLE_DIGITS = 40
with localcontext(prec=_TABLE_DIGITS):
    _LN10 = Decimal(10).ln()
    #: ln 1.0, ln 1.1, ..., ln 10.0: index 10 x the argument - 10.
    _LN_TENTHS = tuple((Decimal(tenths) / 10).ln() for tenths in range(10, 101))
    _THIRD, _FIFTH, _SEVENTH = (+(Decimal(1) / n) for n in (3, 5, 7))
_TENTH = Decimal("0.1")

#: Each formula's constants as published (a `Decimal` made from text is
#: exact, whatever the context): coefficient, height power, weight power;
#: Boyd's weight power is 0.7285 − 0.0188 × log10 of the weight in grams.
_MOSTELLER_DIVISOR = Decimal(3600)
_DUBOIS = (Decimal("0.007184"), Decimal("0.725"), Decimal("0.425"))
_HAYCOCK = (Decimal("0.024265"), Decimal("0.3964"), Decimal("0.5378"))
_GEHAN_GEORGE = (Decimal("0.0235"), Decimal("0.42246"), Decimal("0.51456"))
_BOYD = (Decimal("0.0003207"), Decimal("0.3"))
_BOYD_EXPONENT = (Decimal("0.7285"), Decimal("0.0188"))


def quick_ln(x: Decimal) -> Decimal:
    """ln `x` (> 0) at the context's precision, not correctly rounded: a
    seventh of the cost of `Decimal.ln`. With x = m × 10^e (1 <= m < 10) and
    c the nearest tenth to m (1.0 to 10.0), ln x = e ln 10 + ln c +
    2 atanh t, t = (m − c) / (m + c), |t| <= 0.05 / 2.05; the series
    2 (t + t³/3 + t⁵/5 + t⁷/7) leaves out less than 1E-15. At 12 digits the
    error is a few units in the 12th digit of the result (below 2E-10 for
    every height and weight the engine accepts)."""
    exponent = x.adjusted()
    mantissa = x.scaleb(-exponent)
    nearest = mantissa.quantize(_TENTH)
    t = (mantissa - nearest) / (mantissa + nearest)
    t2 = t * t
    series = 2 * t * (1 + t2 * (_THIRD + t2 * (_FIFTH + t2 * _SEVENTH)))
    return exponent * _LN10 + _LN_TENTHS[int(nearest * 10) - 10] + series


def _ln(digits: int) -> Callable[[Decimal], Decimal]:
    """The logarithm of an evaluation at `digits`: `Decimal.ln`, correctly
    rounded, at `FULL_DIGITS`; `quick_ln` at fewer (a quick evaluation)."""
    return Decimal.ln if digits >= FULL_DIGITS else quick_ln


def _product_of_powers(coefficient: Decimal, height: Decimal, height_power: Decimal,
                       weight: Decimal, weight_power: Decimal, digits: int) -> Decimal:
    """coefficient × height^height_power × weight^weight_power, as
    coefficient × exp(height_power ln height + weight_power ln weight): one
    `exp` instead of two (the sheet's BSA costs a third less), with the
    logarithm of `digits` (`_ln`)."""
    ln = _ln(digits)
    return coefficient * (ln(height) * height_power + ln(weight) * weight_power).exp()


def mosteller(height_cm: Decimal, weight_kg: Decimal, digits: int = FULL_DIGITS) -> Decimal:
    """Mosteller: sqrt(H × W / 3600), H in cm, W in kg, result in m²,
    to `digits` significant digits (as are the other formulas; below
    `FULL_DIGITS` a power formula's logarithms are `quick_ln`'s).

    Mosteller RD. Simplified calculation of body-surface area.
    N Engl J Med 1987;317(17):1098.
    """
    with localcontext(prec=digits):
        return (height_cm * weight_kg / _MOSTELLER_DIVISOR).sqrt()


def dubois(height_cm: Decimal, weight_kg: Decimal, digits: int = FULL_DIGITS) -> Decimal:
    """Du Bois & Du Bois: 0.007184 × H^0.725 × W^0.425, H in cm, W in kg, m².

    Du Bois D, Du Bois EF. A formula to estimate the approximate surface area
    if height and weight be known. Arch Intern Med 1916;17:863-871.
    """
    with localcontext(prec=digits):
        return _product_of_powers(_DUBOIS[0], height_cm, _DUBOIS[1], weight_kg, _DUBOIS[2], digits)


def haycock(height_cm: Decimal, weight_kg: Decimal, digits: int = FULL_DIGITS) -> Decimal:
    """Haycock: 0.024265 × H^0.3964 × W^0.5378, H in cm, W in kg, m².

    Haycock GB, Schwartz GJ, Wisotsky DH. Geometric method for measuring body
    surface area: a height-weight formula validated in infants, children, and
    adults. J Pediatr 1978;93(1):62-66.
    """
    with localcontext(prec=digits):
        return _product_of_powers(_HAYCOCK[0], height_cm, _HAYCOCK[1], weight_kg, _HAYCOCK[2], digits)


def gehan_george(height_cm: Decimal, weight_kg: Decimal, digits: int = FULL_DIGITS) -> Decimal:
    """Gehan & George: 0.0235 × H^0.42246 × W^0.51456, H in cm, W in kg, m².

    Gehan EA, George SL. Estimation of human body surface area from height
    and weight. Cancer Chemother Rep 1970;54(4):225-235.
    """
    with localcontext(prec=digits):
        return _product_of_powers(_GEHAN_GEORGE[0], height_cm, _GEHAN_GEORGE[1], weight_kg,
                                  _GEHAN_GEORGE[2], digits)


def boyd(height_cm: Decimal, weight_kg: Decimal, digits: int = FULL_DIGITS) -> Decimal:
    """Boyd: 0.0003207 × H^0.3 × (1000 W)^(0.7285 − 0.0188 × log10(1000 W)),
    H in cm, W in kg (1000 W is the weight in grams), result in m².

    Boyd E. The Growth of the Surface Area of the Human Body.
    University of Minnesota Press, 1935.
    """
    with localcontext(prec=digits):
        grams = weight_kg * 1000
        if digits >= FULL_DIGITS:
            log10_grams = grams.log10()
        else:
            log10_grams = quick_ln(grams) / _LN10
        exponent = _BOYD_EXPONENT[0] - _BOYD_EXPONENT[1] * log10_grams
        return _product_of_powers(_BOYD[0], height_cm, _BOYD[1], grams, exponent, digits)


#: The formulas a user may choose, by the key used in the API and the form.
FORMULAS: Mapping[str, Callable[[Decimal, Decimal, int], Decimal]] = {
    "mosteller": mosteller,
    "dubois": dubois,
    "haycock": haycock,
    "gehan_george": gehan_george,
    "boyd": boyd,
}

#: Names as printed on the sheet.
FORMULA_NAMES: Mapping[str, str] = {
    "mosteller": "Mosteller",
    "dubois": "Du Bois",
    "haycock": "Haycock",
    "gehan_george": "Gehan and George",
    "boyd": "Boyd",
}

DEFAULT_FORMULA = "mosteller"


#: The formulas with powers that are not square roots: quick first.
POWER_FORMULAS = frozenset(FORMULAS) - {"mosteller"}


def body_surface_area(formula: str, height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    """BSA in m² by the named formula, rounded half-up to 0.01 m²: the
    rounding of its value at 28 significant digits (see the module)."""
    bsa = FORMULAS[formula]
    if formula in POWER_FORMULAS:
        quick = bsa(height_cm, weight_kg, QUICK_DIGITS)
        if abs(quick % BSA_STEP - _HALF_STEP) > QUICK_MARGIN:
            return half_up(quick, BSA_STEP)
    return half_up(bsa(height_cm, weight_kg, FULL_DIGITS), BSA_STEP)
