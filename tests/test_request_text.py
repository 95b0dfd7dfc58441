"""What text a request may hold: the one-look check of a whole query
agrees with checking each text on its own."""

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.wrappers import Request

from app.request_text import MAX_TEXT, plain_texts, query_fields, text_problem

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


#: Pieces of query strings: separators, escapes (of UTF-8, of bytes that are
#: not UTF-8, of a surrogate, cut short), raw bytes, and field names.
QUERY_PIECES = st.one_of(
    st.sampled_from([b"&", b"=", b"+", b";", b"%", b"%2", b"%20", b"%2B", b"%26", b"%3D", b"%FF", b"%ff",
                     b"%C3%A9", b"%C3", b"%ED%A0%80", b"%EF%BF%BD", b"%00", b"\xff", b"\xc3\xa9",
                     b"\xed\xa0\x80", b" ", b"a", b"weight", b"regimen", b"dose.ivig", b"start_day"]),
    st.binary(max_size=4),
)


def werkzeug_fields(query: bytes) -> dict[str, list[str]] | type[Exception]:
    """The fields werkzeug's own `Request.args` holds for `query`, or the
    type of what it raises."""
    try:
        return Request({"QUERY_STRING": query.decode("latin-1")}).args.to_dict(flat=False)
    except Exception as err:  # noqa: BLE001 - the type is compared
        return type(err)


def fields_or_error(query: bytes) -> dict[str, list[str]] | type[Exception]:
    try:
        return query_fields(query)
    except Exception as err:  # noqa: BLE001 - the type is compared
        return type(err)


@settings(max_examples=1000)
@given(st.one_of(st.lists(QUERY_PIECES, max_size=24).map(b"".join), st.binary(max_size=60)))
def test_query_fields_are_what_werkzeug_reads(query):
    fields = fields_or_error(query)
    assert fields == werkzeug_fields(query)
    if isinstance(fields, dict):
        assert [type(k) for k in fields] == [str] * len(fields)


def test_query_fields_examples():
    assert query_fields(b"") == {}
    assert query_fields(b"weight=14&regimen=a&&regimen=b&x&y=&sex=a=b") == {
        "weight": ["14"], "regimen": ["a", "b"], "x": [""], "y": [""], "sex": ["a=b"]}
    assert query_fields(b"a+b=c%20d+e&s=1;t=2") == {"a b": ["c d e"], "s": ["1;t=2"]}
    assert query_fields(b"w=%FF%C3%A9%2") == {"w": ["%FF\u00e9%2"]}
