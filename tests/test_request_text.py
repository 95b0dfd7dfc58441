"""What text a request may hold: the one-look check of a whole query
agrees with checking each text on its own."""

from hypothesis import given
from hypothesis import strategies as st

from app.request_text import MAX_TEXT, plain_texts, text_problem

#: Characters either side of what is refused: surrogates, U+FFFD, and text.
CHARS = st.sampled_from(["a", "7", ".", " ", "\ud7ff", "\ud800", "\udfff", "\ue000", "\ufffd", "\ufffe", "é"])


@given(st.lists(st.lists(CHARS, max_size=MAX_TEXT + 2).map("".join), max_size=6))
def test_one_look_agrees_with_each_text(texts):
    assert plain_texts(texts) == all(text_problem(text) is None for text in texts)


def test_a_long_or_undecodable_text_is_found_among_plain_ones():
    plain = ["14", "kg", "92", "cm", "2027-01-31"]
    assert plain_texts(plain)
    assert not plain_texts([*plain, "x" * (MAX_TEXT + 1)])
    assert plain_texts([*plain, "x" * MAX_TEXT])
    assert not plain_texts([*plain, "14\ufffd"])
    assert plain_texts([])
