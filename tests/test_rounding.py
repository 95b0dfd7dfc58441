"""Half-up rounding in decimal, including cases binary floats get wrong."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dosing.rounding import floor_to, half_up, plain, round_dose

D = Decimal


@pytest.mark.parametrize("value,step,expected", [
    (D("0.35") * 10, "1", "4"),      # float: 0.35 * 10 = 3.4999999999999996 -> 3
    (D("2.675"), "0.01", "2.68"),    # float: round(2.675, 2) = 2.67
    (D("1.005"), "0.01", "1.01"),    # float: round(1.005, 2) = 1.0
    (D("0.125"), "0.01", "0.13"),    # float: round(0.125, 2) = 0.12 (half-even)
    (D("9.15"), "0.5", "9"),
    (D("9.25"), "0.5", "9.5"),
    (D("305"), "10", "310"),
    (D("10.5"), "1", "11"),
    (D("4.9"), "1", "5"),
])
def test_half_up(value, step, expected):
    assert half_up(value, D(step)) == D(expected)


def test_never_above_a_cap_that_is_not_a_multiple_of_the_increment():
    # cap 39.9 mg, increment 0.5 mg: 39.9 rounds half-up to 40, above the cap,
    # so the increment below is given: 39.5 mg.
    assert round_dose(D(50), D("39.9"), D("0.5")) == D("39.5")
    assert floor_to(D("39.9"), D("0.5")) == D("39.5")


def test_cap_applies_before_rounding():
    assert round_dose(D(80), D(70), D(1)) == D(70)


def test_plain_has_no_exponent_or_trailing_zero():
    assert str(plain(D("7E+1"))) == "70"
    assert str(plain(D("9.150"))) == "9.15"
    assert str(plain(D("5.0"))) == "5"


decimals = st.decimals(min_value=D("0.001"), max_value=D(5000), places=4)
increments = st.sampled_from([D("0.1"), D("0.5"), D(1), D(10), D("0.25")])


@given(exact=decimals, cap=decimals, step=increments)
def test_amount_never_exceeds_cap_and_is_within_half_an_increment(exact, cap, step):
    amount = round_dose(exact, cap, step)
    assert amount <= cap
    target = min(exact, cap)
    if half_up(target, step) <= cap:
        assert abs(amount - target) <= step / 2
    else:
        assert 0 <= target - amount < step
    assert amount % step == 0


any_increment = st.sampled_from([D("0.000001"), D("0.001"), D("0.01"), D("0.1"), D("0.10"), D("1"), D("1.0"),
                                 D("10"), D("1E+1"), D("1000"), D("0.5"), D("0.25"), D("2.5"), D("0.2")])


@given(value=st.decimals(min_value=D(0), max_value=D(10_000_000), places=6), step=any_increment)
def test_rounding_matches_whole_steps_counted_with_fractions(value, step):
    # The reference counts whole increments with exact rational arithmetic:
    # half-up is floor(value / step + 1/2) steps, floor is floor(value / step).
    steps = Fraction(value) / Fraction(step)
    up = math.floor(steps + Fraction(1, 2)) * Fraction(step)
    down = math.floor(steps) * Fraction(step)
    for rounded, expected in ((half_up(value, step), up), (floor_to(value, step), down)):
        assert Fraction(rounded) == expected
        assert "E" not in str(rounded) and str(rounded) == str(plain(rounded))
