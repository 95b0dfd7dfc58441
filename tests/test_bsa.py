"""BSA formulas against values computed independently (a pocket calculator
with each published formula; the float values below are to 4 decimals)."""

from decimal import Decimal

import pytest

from app.dosing.bsa import FORMULAS, body_surface_area

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
