"""toml_source: tomllib's data, the line of every key, and every fault as
`file:line: field: message` (issue 12, item 6 and the number form of item 4)."""

import time
from decimal import Decimal as D
from pathlib import Path

import pytest

from app.dosing import RegimenFileError, load_regimens
from app.dosing.toml_source import NotPlainNumber, read_toml

SHIPPED = (Path(__file__).resolve().parent.parent / "regimens.toml").read_text(encoding="utf-8")


def refusal(content: bytes):
    with pytest.raises(RegimenFileError) as caught:
        read_toml(content, "regimens.toml")
    (problem,) = caught.value.problems
    return problem


def load_problems(tmp_path, content: bytes):
    path = tmp_path / "regimens.toml"
    path.write_bytes(content)
    with pytest.raises(RegimenFileError) as caught:
        load_regimens(path)
    return caught.value.problems


def line_number(text, fragment, start=1):
    return next(n for n, line in enumerate(text.splitlines(), 1) if n >= start and fragment in line)


def edited(old, new):
    assert SHIPPED.count(old) == 1
    return SHIPPED.replace(old, new)


IVIG_CAP = 'cap = { value = 70, unit = "g"'
IVIG_DRUG = '[regimens.ivig]\ndrug = "immunoglobulin"'


def test_duplicate_key_is_named_at_its_second_line_with_the_first(tmp_path):
    cap_line = next(line for line in SHIPPED.splitlines() if line.startswith(IVIG_CAP))
    text = edited(cap_line + "\n", cap_line + "\n" + cap_line + "\n")
    first = line_number(text, IVIG_CAP)
    (problem,) = load_problems(tmp_path, text.encode())
    assert (problem.line, problem.field) == (first + 1, "regimens.ivig.cap")
    assert problem.message == f"is set twice (first on line {first})"


def test_duplicate_keys_of_every_kind():
    assert str(refusal(b"a = 1\nb = 2\na = 3\n")) == "regimens.toml:3: a: is set twice (first on line 1)"
    assert str(refusal(b"[t]\nx = { v = 1, v = 2 }\n")) == (
        "regimens.toml:2: t.x.v: is set twice (first on line 2)")
    assert str(refusal(b"x = { v = 1 }\nx.w = 2\n")) == (
        "regimens.toml:2: x: is already set on line 1 and cannot be changed here")
    assert str(refusal(b"[a]\nb = 1\n\n[a]\n")) == (
        "regimens.toml:4: a: this table is declared twice (first on line 1)")


def test_non_utf8_byte_is_named_by_line_and_column(tmp_path):
    content = edited(IVIG_DRUG, IVIG_DRUG[:-1] + ' caf\u00e9"').encode("latin-1")
    (problem,) = load_problems(tmp_path, content)
    assert (problem.line, problem.field) == (line_number(SHIPPED, "[regimens.ivig]") + 1, "(encoding)")
    assert problem.message.startswith("byte 0xe9 at column 27 ")
    assert "offset" not in problem.message


def test_non_utf8_after_multibyte_characters_counts_characters():
    problem = refusal('a = 1\nb = "\u00e9\u00e9'.encode() + b'\xff"\n')
    assert (problem.line, problem.field) == (2, "(encoding)")
    assert problem.message.startswith("byte 0xff at column 8 ")


def test_syntax_error_names_line_and_key():
    problem = refusal(b'[regimens.ivig]\ndrug = "x"\ncap = { value = 70,, unit = "g" }\n')
    assert (problem.line, problem.field) == (3, "regimens.ivig.cap.value")
    assert "column 20" in problem.message and "Invalid" not in problem.message


def test_unterminated_string_is_named_where_it_starts():
    problem = refusal(b'a = 1\nnotes = """\nnever closed\n')
    assert (problem.line, problem.field) == (2, "notes")


def test_a_key_inside_a_multiline_string_is_not_a_key(tmp_path):
    text = edited(IVIG_DRUG, '[regimens.ivig]\ndrug = """\ncap = {\nimmunoglobulin"""')
    text = text.replace(IVIG_CAP, 'cap = { value = 70')
    problems = load_problems(tmp_path, text.encode())
    assert [(p.field, p.line) for p in problems] == [
        ("regimens.ivig.cap.unit", line_number(text, "cap = { value = 70, source"))]
    document = read_toml(b'n = """\ncap = 3\n"""\ncap = 4\n', "f.toml")
    assert document.data == {"n": "cap = 3\n", "cap": 4}
    assert dict(document.lines) == {("n",): 1, ("cap",): 4}


def test_a_quoted_key_with_a_dot_is_one_key():
    document = read_toml(b'[regimens.ivig]\ndose = 1\n"dose.x" = 2\n', "f.toml")
    assert document.line_of(("regimens", "ivig", "dose.x")) == 3
    assert document.line_of(("regimens", "ivig", "dose")) == 2
    assert ("regimens", "ivig", "dose", "x") not in document.lines


def test_text_that_looks_like_a_key_makes_no_key():
    document = read_toml(b'source = "a, b = c"\ncap = { value = 1, source = "{d = e, f = g}" }\n', "f.toml")
    assert dict(document.lines) == {
        ("source",): 1, ("cap",): 2, ("cap", "value"): 2, ("cap", "source"): 2}


def test_paths_of_tables_arrays_of_tables_and_inline_tables():
    document = read_toml(b"""[regimens.prednisolone]
cap = { value = 60, unit = "mg/day" }

[[regimens.prednisolone.taper]]
dose = 2

[[regimens.prednisolone.taper]]
# open-ended
dose = 0.2

[plans.x]
steps = [
  { dose = 1 },
  { dose = 2 },
]
""", "f.toml")
    assert document.lines[("regimens", "prednisolone", "cap", "value")] == 2
    assert document.lines[("regimens", "prednisolone", "taper", "0", "dose")] == 5
    assert document.lines[("regimens", "prednisolone", "taper", "1")] == 7
    assert document.lines[("regimens", "prednisolone", "taper", "1", "dose")] == 9
    assert document.lines[("plans", "x", "steps", "1", "dose")] == 14
    assert document.line_of(("regimens", "prednisolone", "taper", "1", "weeks")) == 7
    assert document.line_of(("absent",)) is None


def test_every_value_of_the_shipped_file_has_the_line_that_writes_it():
    document = read_toml(SHIPPED.encode(), "regimens.toml")
    lines = SHIPPED.splitlines()

    def leaves(value, path=()):
        items = value.items() if isinstance(value, dict) else (
            enumerate(value) if isinstance(value, list) else None)
        if items is None:
            yield path, value
            return
        for key, inner in items:
            yield from leaves(inner, (*path, str(key)))

    for path, value in leaves(document.data):
        written = (f'"{value}"' if isinstance(value, str) else str(value)) if path[-1].isdigit() \
            else f"{path[-1]} = "
        assert written in lines[document.lines[path] - 1], path


def test_a_long_bracket_line_in_a_string_is_checked_in_linear_time(tmp_path):
    # 130 KB; the former header pattern took 11 s (30 s on a slower run) on it.
    long_line = "[x" + " " * 125_000
    text = edited(IVIG_DRUG, f'[regimens.ivig]\nremarks = """\n{long_line}\n"""\ndrug = "immunoglobulin"')
    started = time.perf_counter()
    problems = load_problems(tmp_path, text.encode())
    assert time.perf_counter() - started < 1
    assert [(p.field, p.line) for p in problems] == [
        ("regimens.ivig.remarks", line_number(text, "remarks = "))]


@pytest.mark.parametrize("written", ["1e28", "1e308", "1e999999", "1E-30", "inf", "+inf", "-inf", "nan",
                                     "-nan", "3.5e2"])
def test_a_float_not_written_as_a_plain_decimal_is_kept_as_written(written):
    document = read_toml(f"[c]\nvalue = {written}\n".encode(), "f.toml")
    assert document.data == {"c": {"value": NotPlainNumber(written)}}
    assert document.lines[("c", "value")] == 2


def test_plain_decimals_are_exact_and_integers_stay_integers():
    document = read_toml(b"a = 0.35\nb = 1_000.5\nc = -0.2\nd = 60\n", "f.toml")
    assert document.data == {"a": D("0.35"), "b": D("1000.5"), "c": D("-0.2"), "d": 60}
    assert [type(v) for v in document.data.values()] == [D, D, D, int]


def test_values_nested_too_deeply_are_a_syntax_fault():
    problem = refusal(b"a = " + b"[" * 5000)
    assert (problem.line, problem.field) == (1, "(syntax)")
