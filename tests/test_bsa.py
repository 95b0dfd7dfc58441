"""BSA formulas against values computed independently (a pocket calculator
with each published formula; the float values below are to 4 decimals)."""

from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dosing.bsa import (
    BSA_STEP,
    FORMULAS,
    FULL_DIGITS,
    QUICK_DIGITS,
    QUICK_MARGIN,
    body_surface_area,
    quick_ln,
)
from app.dosing.rounding import half_up

D = Decimal

# (formula, height cm, weight kg, BSA m² to 4 decimals, rounded to 0.01)
CASES = [
    ("mosteller", 180, 80, "2.0000", "2.00"),
    ("dubois", 180, 80, "1.9964", "2.00"),
    ("haycock", 180, 80, "2.0066", "2.01"),
    ("gehan_george", 180, 80, "2.0095", "2.01"),
    ("boyd", 180, 80, "2.0074", "2.01"),
    ("mosteller", 96, 14, "0.6110", "0.61"),
    ("dubois", 96, 14, "0.6034", "0.60"),
    ("haycock", 96, 14, "0.6125", "0.61"),
    ("gehan_george", 96, 14, "0.6284", "0.63"),
    ("boyd", 96, 14, "0.6281", "0.63"),
    ("mosteller", 50, "3.5", "0.2205", "0.22"),
    ("dubois", 50, "3.5", "0.2086", "0.21"),
    ("haycock", 50, "3.5", "0.2244", "0.22"),
    ("gehan_george", 50, "3.5", "0.2338", "0.23"),
    ("boyd", 50, "3.5", "0.2299", "0.23"),
    ("dubois", 150, 40, "1.3029", "1.30"),
    ("boyd", 150, 40, "1.2983", "1.30"),
]


@pytest.mark.parametrize("formula,height,weight,unrounded,rounded", CASES)
def test_formula_matches_independent_value(formula, height, weight, unrounded, rounded):
    value = FORMULAS[formula](D(height), D(weight))
    assert abs(value - D(unrounded)) < D("0.00005")
    assert body_surface_area(formula, D(height), D(weight)) == D(rounded)


def test_mosteller_is_exact_for_a_perfect_square():
    # 180 cm x 80 kg / 3600 = 4, whose square root is exactly 2.
    assert FORMULAS["mosteller"](D(180), D(80)) == 2


def test_bsa_rounds_half_up_to_hundredths():
    # 0.625 m² exactly: 3600 x 0.625² = 1406.25 = 112.5 cm x 12.5 kg.
    assert body_surface_area("mosteller", D("112.5"), D("12.5")) == D("0.63")


# Within 1E-7 m² of a rounding boundary, where the quick 12-digit value
# cannot decide and the 28-digit value is used. The BSA by a double-precision
# calculator (each formula as published) and the rounded value:
NEAR_A_BOUNDARY = [
    ("dubois", "150", "71.23", "1.664999999918417", "1.66"),
    ("dubois", "130.9", "101.71", "1.7549999987449398", "1.75"),
    ("haycock", "67.2", "72.21", "1.2849999998836379", "1.28"),
    ("haycock", "190.3", "84.68", "2.1150000019296558", "2.12"),
    ("gehan_george", "185.3", "87.08", "2.124999999588838", "2.12"),
    ("gehan_george", "65", "35.88", "0.8650000001687941", "0.87"),
]


@pytest.mark.parametrize("formula,height,weight,calculator,rounded", NEAR_A_BOUNDARY)
def test_a_value_next_to_a_rounding_boundary_rounds_as_its_full_value(formula, height, weight, calculator,
                                                                      rounded):
    quick = FORMULAS[formula](D(height), D(weight), QUICK_DIGITS)
    assert abs(quick % BSA_STEP - BSA_STEP / 2) <= QUICK_MARGIN  # the quick value does not decide
    assert abs(FORMULAS[formula](D(height), D(weight), FULL_DIGITS) - D(calculator)) < D("1E-15")
    assert body_surface_area(formula, D(height), D(weight)) == D(rounded)


@given(formula=st.sampled_from(sorted(FORMULAS)),
       height=st.integers(min_value=300, max_value=2500).map(lambda h: D(h) / 10),
       weight=st.integers(min_value=30, max_value=25000).map(lambda w: D(w) / 100))
def test_the_rounded_bsa_is_that_of_the_28_digit_value(formula, height, weight):
    assert body_surface_area(formula, height, weight) == half_up(FORMULAS[formula](height, weight, 28),
                                                                 BSA_STEP)


def test_the_quick_logarithm_is_within_2e_10_for_every_accepted_height_and_weight():
    # Every height (0.1 cm, 20 to 250 cm) and weight (0.01 kg, 0.3 to 250 kg,
    # and in grams for Boyd) the engine can dose on: the bound QUICK_MARGIN
    # rests on.
    heights = [D(tenths) / 10 for tenths in range(200, 2501)]
    weights = [D(hundredths) / 100 for hundredths in range(30, 25001)]
    with localcontext(prec=FULL_DIGITS):
        ln_1000 = D(1000).ln()
        exact = [(x, x.ln()) for x in heights + weights]
        exact += [(w * 1000, ln + ln_1000) for w, ln in exact[len(heights):]]
    with localcontext(prec=QUICK_DIGITS):
        worst = max(abs(quick_ln(x) - ln) for x, ln in exact)
    assert worst < D("2E-10")
