"""Numbers written the ISMP way (`app/dosing/formatting.py`): hand-written
cases, and the rules checked on any decimal."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dosing.formatting import number

ISMP = re.compile(r"-?(0|[1-9]\d{0,2}(,\d{3})*)(\.\d*[1-9])?")


@pytest.mark.parametrize("value,text", [
    ("0.5", "0.5"), (".5", "0.5"), ("5.0", "5"), ("5.000", "5"), ("1200", "1,200"), ("1200.50", "1,200.5"),
    ("7E+1", "70"), ("1E+3", "1,000"), ("999.990", "999.99"), ("1000.0", "1,000"), ("0.000001", "0.000001"),
    ("0.0000001", "0.0000001"), ("1E-7", "0.0000001"), ("0.00", "0"), ("-0.22", "-0.22"),
    ("-1234.5", "-1,234.5"), ("1234567.125", "1,234,567.125"), ("28", "28"), ("111.100", "111.1"),
])
def test_number_by_hand(value, text):
    assert number(Decimal(value)) == text


#: Up to 18 significant digits (the engine's values have fewer than 28, the
#: precision at which `normalize` would round), at any scale it meets.
@given(st.builds(lambda digits, exponent: Decimal(digits).scaleb(exponent),
                 st.integers(-10**18, 10**18), st.integers(-12, 6)))
def test_number_is_the_value_with_leading_zero_no_trailing_zero_and_separators(value):
    text = number(value)
    assert ISMP.fullmatch(text), text
    assert Decimal(text.replace(",", "")) == value
