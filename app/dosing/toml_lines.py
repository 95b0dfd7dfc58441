"""Line numbers for keys of a TOML document.

`tomllib` returns values without positions; this scanner maps each dotted key
path of the simple TOML a pharmacist writes (tables, arrays of tables, inline
tables, `key = value` lines) to the line where it is written, so that errors
in `regimens.toml` can name the line at fault.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")
_INLINE_KEY = re.compile(r"[{,]\s*([A-Za-z0-9_\-]+)\s*=")


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in dotted.split(".")]


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map each key path (e.g. ("regimens", "ivig", "cap", "value")) to its
    1-based line number. Arrays of tables get their index as a path part."""
    lines: dict[tuple[str, ...], int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            path = tuple(_parts(header.group(2)))
            if header.group(1) == "[[":
                index = counts.get(path, 0)
                counts[path] = index + 1
                lines.setdefault(path, number)
                path = (*path, str(index))
            table = path
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = (*table, *_parts(key.group(1)))
            lines.setdefault(path, number)
            for inner in _INLINE_KEY.findall(line):
                lines.setdefault((*path, inner), number)
    return lines


def line_of(lines: dict[tuple[str, ...], int], path: tuple[str, ...]) -> int | None:
    """The line of `path`, or of its nearest written ancestor."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None
