"""A TOML file's data, the line of each key in it, and its faults as
`file:line: field: message`.

`tomllib` is the authority on what the data is; it gives no positions. A
small linear scanner of TOML's lexical grammar (TOML 1.0: the four kinds of
string, comments, tables, arrays of tables, dotted and quoted keys, inline
tables, arrays) walks the same text once to give each key path its line, and
to name the key at the position where `tomllib` reports a fault.

Why hand-written and not `tree-sitter-toml`: both are linear, but measured
on 2 cores, tree-sitter costs 26 to 60 ms to import and load its grammar,
then 1.5 ms (the shipped 13 KB regimens.toml) and 7 ms (a 138 KB file with a
long `[x ...` line inside a multi-line string) to parse and walk; this
scanner needs no import of its own and takes 3 ms and 4 ms on the same files
(tomllib itself: 3.4 ms and 18 ms). Tree-sitter would add two compiled
packages and its own reading of TOML, which may differ from `tomllib`'s, and
would still need the key-path and duplicate bookkeeping done here.

Every string token is matched by one regular expression whose repetitions
are possessive, and each token is matched once, so the scan is linear in the
file's length whatever it holds.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

from .errors import FileProblem, RegimenFileError

Path = tuple[str, ...]

_WS = re.compile(r"[ \t]*+")
_WS_NEWLINES = re.compile(r"(?:[ \t\r\n]++|#[^\n]*+)*+")
_END_OF_STATEMENT = re.compile(r"[ \t]*+(?:#[^\n]*+)?(?:\r?\n|\Z)")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]++")
_BASIC = re.compile(r'"(?:[^"\\\n]++|\\.)*+"')
_LITERAL = re.compile(r"'[^'\n]*+'")
_MULTILINE_BASIC = re.compile(r'"""(?:[^"\\]++|\\.|"(?!""))*+"{3,5}', re.S)
_MULTILINE_LITERAL = re.compile(r"'''(?:[^']++|'(?!''))*+'{3,5}")
_SCALAR = re.compile(r"[0-9A-Za-z_+.:-]++(?: (?=[0-9]{2}:)[0-9A-Za-z_+.:-]++)?")
_EQUALS = re.compile(r"=")
_CLOSE_TABLE = re.compile(r"\]")
_CLOSE_ARRAY_TABLE = re.compile(r"\]\]")
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9_]+\.[0-9_]+")
_POSITION = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")


class NotPlainNumber(NamedTuple):
    """A TOML float written with an exponent, or inf or nan, as written."""

    text: str


def _parse_float(text: str) -> Decimal | NotPlainNumber:
    """Plain decimals exactly, as Decimal; anything else kept as text so that
    the loader can refuse it on its own line."""
    return Decimal(text) if _PLAIN_DECIMAL.fullmatch(text) else NotPlainNumber(text)


@dataclass(frozen=True)
class TomlDocument:
    """What `tomllib` read (floats as Decimal or NotPlainNumber), and the
    1-based line of each key path (array elements have their index as a
    part: ("regimens", "prednisolone", "taper", "0", "dose"))."""

    data: dict[str, Any]
    lines: Mapping[Path, int]

    def line_of(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest written ancestor."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


@dataclass
class _Write:
    """A key path written at `pos`: a key of a key/value pair ("key"), a
    table header ("table"), an array element ("element") or a table made
    on the way by a dotted key or header ("implicit"); `end` is where its
    value or header ends (None while unfinished)."""

    path: Path
    kind: str
    pos: int
    end: int | None = None


class _Stop(Exception):
    """The scanner cannot go on; `tomllib` says why."""


class _Scanner:
    """One pass over TOML text, recording every key path it writes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.writes: list[_Write] = []
        self.arrays: dict[Path, int] = {}
        self.stopped: int | None = None

    def line(self, pos: int) -> int:
        return bisect_left(self.newlines, pos) + 1

    def column(self, pos: int) -> int:
        line = self.line(pos)
        return pos - (self.newlines[line - 2] + 1 if line > 1 else 0) + 1

    def scan(self) -> None:
        try:
            self._document()
        except (_Stop, RecursionError):
            self.stopped = self.pos

    def _skip(self, pattern: re.Pattern[str]) -> None:
        self.pos = pattern.match(self.text, self.pos).end()

    def _take(self, pattern: re.Pattern[str]) -> str:
        match = pattern.match(self.text, self.pos)
        if match is None:
            raise _Stop
        self.pos = match.end()
        return match.group()

    def _write(self, path: Path, kind: str, pos: int) -> _Write:
        write = _Write(path, kind, pos)
        self.writes.append(write)
        return write

    def _document(self) -> None:
        table: Path = ()
        while True:
            self._skip(_WS_NEWLINES)
            if self.pos >= len(self.text):
                return
            if self.text.startswith("[", self.pos):
                table = self._header()
            else:
                self._key_value(table)
            self._take(_END_OF_STATEMENT)

    def _header(self) -> Path:
        start = self.pos
        array = self.text.startswith("[[", start)
        self.pos += 2 if array else 1
        parts = self._key()
        self._take(_CLOSE_ARRAY_TABLE if array else _CLOSE_TABLE)
        path: Path = ()
        for number, part in enumerate(parts, start=1):
            path = (*path, part)
            if number == len(parts) and array:
                index = self.arrays.get(path, 0)
                self.arrays[path] = index + 1
                self._write(path, "implicit", start).end = self.pos
                path = (*path, str(index))
            elif path in self.arrays:
                path = (*path, str(self.arrays[path] - 1))
            kind = "table" if number == len(parts) else "implicit"
            self._write(path, kind, start).end = self.pos
        return path

    def _key(self) -> list[str]:
        parts = []
        while True:
            self._skip(_WS)
            char = self.text[self.pos:self.pos + 1]
            if char == '"':
                raw = self._take(_BASIC)
                parts.append(tomllib.loads(f"k = {raw}")["k"] if "\\" in raw else raw[1:-1])
            elif char == "'":
                parts.append(self._take(_LITERAL)[1:-1])
            else:
                parts.append(self._take(_BARE_KEY))
            self._skip(_WS)
            if not self.text.startswith(".", self.pos):
                return parts
            self.pos += 1

    def _key_value(self, table: Path) -> None:
        start = self.pos
        parts = self._key()
        for end in range(1, len(parts)):
            self._write((*table, *parts[:end]), "implicit", start)
        write = self._write((*table, *parts), "key", start)
        self._take(_EQUALS)
        self._skip(_WS)
        self._value(write.path)
        write.end = self.pos

    def _value(self, path: Path) -> None:
        text, pos = self.text, self.pos
        if text.startswith('"""', pos):
            self._take(_MULTILINE_BASIC)
        elif text.startswith("'''", pos):
            self._take(_MULTILINE_LITERAL)
        elif text.startswith('"', pos):
            self._take(_BASIC)
        elif text.startswith("'", pos):
            self._take(_LITERAL)
        elif text.startswith("{", pos):
            self._inline_table(path)
        elif text.startswith("[", pos):
            self._array(path)
        else:
            self._take(_SCALAR)

    def _inline_table(self, path: Path) -> None:
        self.pos += 1
        self._skip(_WS)
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return
        while True:
            self._skip(_WS)
            self._key_value(path)
            self._skip(_WS)
            char = self.text[self.pos:self.pos + 1]
            self.pos += 1
            if char == "}":
                return
            if char != ",":
                raise _Stop

    def _array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip(_WS_NEWLINES)
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return
            element = self._write((*path, str(index)), "element", self.pos)
            self._value(element.path)
            element.end = self.pos
            index += 1
            self._skip(_WS_NEWLINES)
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("]", self.pos):
                raise _Stop


def _decode(content: bytes, file: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = content.rfind(b"\n", 0, err.start) + 1
        line = content.count(b"\n", 0, err.start) + 1
        column = len(content[line_start:err.start].decode("utf-8")) + 1
        message = (f"byte 0x{content[err.start]:02x} at column {column} is not UTF-8; "
                   "save the file as UTF-8")
        raise RegimenFileError([FileProblem(file, line, "(encoding)", message)]) from err


def _field(path: Path) -> str:
    return ".".join(path)


def _syntax_problem(scanner: _Scanner, err: Exception, file: str) -> FileProblem:
    """The fault `tomllib` found, at its line, named by the key written there."""
    message = str(err)
    position = _POSITION.search(message)
    if position is not None:
        message = message[:position.start()]
    if position is not None and position.group(1):
        line, column = int(position.group(1)), int(position.group(2))
        at = (scanner.newlines[line - 2] + 1 if line > 1 else 0) + column - 1
    else:
        at = scanner.stopped if scanner.stopped is not None else len(scanner.text)
        line, column = scanner.line(at), scanner.column(at)
    if message.startswith(("Cannot ", "Duplicate ")):
        duplicate = _duplicate(scanner, line, file)
        if duplicate is not None:
            return duplicate
    if isinstance(err, RecursionError):
        return FileProblem(file, line, "(syntax)",
                           f"values are nested too deeply at column {column} of this line")
    problem = f"is not valid TOML at column {column} of this line: {message[:1].lower()}{message[1:]}"
    for write in reversed(scanner.writes):
        if write.pos <= at and write.kind in ("key", "element", "table") and (
                scanner.line(write.pos) == line or write.end is None or at <= write.end):
            return FileProblem(file, line, _field(write.path), problem)
    return FileProblem(file, line, "(syntax)", problem)


def _duplicate(scanner: _Scanner, line: int, file: str) -> FileProblem | None:
    """A key or table on `line` that was already set."""
    earlier: dict[Path, _Write] = {}
    for write in scanner.writes:
        here = scanner.line(write.pos) == line
        first = earlier.get(write.path)
        if here and first is not None and not (first.kind == "table" and write.kind == "implicit"):
            first_line = scanner.line(first.pos)
            if write.kind == first.kind == "table":
                return FileProblem(file, line, _field(write.path),
                                   f"this table is declared twice (first on line {first_line})")
            if write.kind == first.kind == "key":
                return FileProblem(file, line, _field(write.path),
                                   f"is set twice (first on line {first_line})")
            return FileProblem(file, line, _field(write.path),
                               f"is already set on line {first_line} and cannot be changed here")
        if write.kind in ("key", "table"):
            earlier.setdefault(write.path, write)
        if scanner.line(write.pos) > line:
            return None
    return None


def read_toml(content: bytes, file: str) -> TomlDocument:
    """Read TOML bytes; raise `RegimenFileError` naming file, line and field
    for bytes that are not UTF-8 and for any TOML fault."""
    text = _decode(content, file)
    scanner = _Scanner(text)
    scanner.scan()
    try:
        data = tomllib.loads(text, parse_float=_parse_float)
    except (tomllib.TOMLDecodeError, RecursionError) as err:
        raise RegimenFileError([_syntax_problem(scanner, err, file)]) from err
    lines: dict[Path, int] = {}
    for write in scanner.writes:
        lines.setdefault(write.path, scanner.line(write.pos))
    return TomlDocument(data, MappingProxyType(lines))
