"""The sheet's wording rules, character by character."""

from hypothesis import given
from hypothesis import strategies as st

from app.sheet import NBSP, TIMES, printed


def by_hand(text: str) -> str:
    """A space between a digit and a lower-case letter, µ or % becomes a
    non-breaking space; then " x " becomes the multiplication sign."""
    chars = list(text)
    for i in range(1, len(chars) - 1):
        unit_follows = chars[i + 1] in "µ%" or "a" <= chars[i + 1] <= "z"
        if chars[i] == " " and chars[i - 1].isdigit() and unit_follows:
            chars[i] = NBSP
    return "".join(chars).replace(" x ", f" {TIMES} ")


def test_numbers_keep_their_units():
    assert printed("2 mg/kg/day x 14 kg = 28 mg; 50 % of 3 µg, 2 tablets, 4 Doses") == (
        f"2{NBSP}mg/kg/day {TIMES} 14{NBSP}kg = 28{NBSP}mg; 50{NBSP}% of 3{NBSP}µg, 2{NBSP}tablets, 4 Doses")


@given(st.text(alphabet="0123456789 axmgkµ%X.", max_size=60))
def test_printed_matches_the_rule_read_character_by_character(text):
    assert printed(text) == by_hand(text)
