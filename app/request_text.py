"""Text carried by a request: what any string in it may hold, and how a
name taken from it is shown back in an error.

No field of Pedidose takes more than a short identifier, a unit, a date or
a digit string, so any text longer than `MAX_TEXT` characters is refused.
Text that cannot be written as UTF-8 (a lone UTF-16 surrogate, legal in a
JSON string such as "\\ud800") or that holds U+FFFD (what the query-string
decoder puts in place of bytes that are not UTF-8) is refused too: it could
not be echoed in a reply, and no field accepts it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# Registers the "werkzeug.url_quote" decoding error handler `_unescaped` names.
import werkzeug.urls  # noqa: F401

#: The longest text any field of a request may hold, in characters.
MAX_TEXT = 64
#: The longest name shown back in an error, in characters (then "…").
MAX_ECHO = 40
#: The most errors listed in one answer: a 16 KiB body of 1,500 unknown
#: keys would otherwise be answered with 250 KB of errors.
MAX_ERRORS = 20

_NOT_TEXT = re.compile("[\ud800-\udfff\ufffd]")


def text_problem(text: str) -> str | None:
    """Why `text` may not be used in a request, or None."""
    if len(text) > MAX_TEXT:
        return f"is longer than {MAX_TEXT} characters"
    if _NOT_TEXT.search(text):
        return ("holds something that is not UTF-8 text (a lone surrogate such as \\ud800, "
                "or bytes that are not UTF-8)")
    return None


def plain_texts(texts: list[str]) -> bool:
    """True when no text of `texts` has a `text_problem`, found in one look
    at them all (a query holds about twenty); text all ASCII holds nothing
    to search for."""
    if max(map(len, texts), default=0) > MAX_TEXT:
        return False
    joined = "".join(texts)
    return joined.isascii() or not _NOT_TEXT.search(joined)


def query_fields(query: bytes) -> dict[str, list[str]]:
    """The fields of a query string, each name with its values in the order
    sent, names in the order first sent: what werkzeug's `Request.args`
    holds, read the same way (the query must be UTF-8; fields are split at
    "&" and at a field's first "=", "+" is a space, and a percent escape of
    bytes that are not UTF-8 stays as written), without building its
    `MultiDict`."""
    text = query.decode()
    escaped = "%" in text or "+" in text
    fields: dict[str, list[str]] = {}
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            if escaped:
                name, value = _unescaped(name), _unescaped(value)
            if name in fields:
                fields[name].append(value)
            else:
                fields[name] = [value]
    return fields


def _unescaped(text: str) -> str:
    """A name or value of a query string as werkzeug reads it."""
    return unquote(text.replace("+", " "), errors="werkzeug.url_quote")


def echo(name: str) -> str:
    """`name` safe to show back: at most `MAX_ECHO` characters, then "…";
    a character that cannot be printed (a control character, a lone
    surrogate) written as its escape, e.g. \\ud800."""
    cut = name[:MAX_ECHO]
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in cut)
    if len(shown) > MAX_ECHO or len(name) > MAX_ECHO:
        shown = shown[:MAX_ECHO] + "…"
    return shown if shown.strip() else "(empty name)"
