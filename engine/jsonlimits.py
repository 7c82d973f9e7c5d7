"""JSON that cannot blow up: nesting, numbers and text checked before and while it is parsed.

Python's parser recurses once per nesting level (a document nested 100,000 deep raises
RecursionError wherever it is parsed, or later wherever it is walked), turns a 5,000-digit integer
into a ValueError of its own, accepts `NaN` and `Infinity` (which no database's JSON type stores)
and lone surrogates (`"\\ud800"`, which no UTF-8 encoder writes). `loads` refuses each of these
with a `JsonRefused` that names the place, so that a form file, a request body or a stored draft
fail as bad input, never as a server error. The depth is measured before parsing, in linear C-speed
passes (escapes dropped, strings split off at their quotes, brackets counted by
`itertools.accumulate`); a RecursionError of the parser itself is caught as a second line.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64  # arrays and objects inside one another
MAX_NUMBER_CHARS = 100  # characters of one number literal (a float's too)

_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonRefused(ValueError):
    """The text is not JSON this system accepts; `reason` says why, `path` where (if known)."""

    def __init__(self, reason: str, path: str = "") -> None:
        super().__init__(f"{reason} (at {path})" if path else reason)
        self.reason = reason
        self.path = path


def depth_of(text: str) -> int:
    """The deepest nesting of arrays and objects in `text` (strings do not count)."""
    # Escaped backslashes, then escaped quotes, go first; what is left splits into outside, inside,
    # outside… at the quotes. Invalid JSON may be miscounted here; the parser refuses it anyway.
    clean = text.replace("\\\\", "").replace('\\"', "")
    brackets = _BRACKETS.sub("", "".join(clean.split('"')[::2]))
    if not brackets:
        return 0
    return max(accumulate(map(_STEP.__getitem__, brackets)))


def _number(limit: int, kind):
    def parse(literal: str):
        if len(literal) > limit:
            raise JsonRefused(f"a number of {len(literal):,} characters (at most {limit})")
        return kind(literal)

    return parse


def _constant(name: str):
    raise JsonRefused(f"{name} is not a JSON number")


def check_text(value: Any, path: str = "$") -> None:
    """Refuse lone surrogates anywhere in parsed (or otherwise built) JSON data, keys included."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise JsonRefused("text with a lone surrogate (not valid Unicode)", where)
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise JsonRefused("a key with a lone surrogate (not valid Unicode)", where)
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
        elif isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            raise JsonRefused("NaN and Infinity are not JSON numbers", where)


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, max_number_chars: int = MAX_NUMBER_CHARS) -> Any:
    """`json.loads` with the limits above; raises JsonRefused (a ValueError) or JSONDecodeError."""
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonRefused(f"not UTF-8 text (byte {exc.start})") from None
    depth = depth_of(text)
    if depth > max_depth:
        raise JsonRefused(f"nested {depth:,} deep (at most {max_depth})")
    try:
        value = json.loads(
            text,
            parse_int=_number(max_number_chars, int),
            parse_float=_number(max_number_chars, float),
            parse_constant=_constant,
        )
    except RecursionError:
        raise JsonRefused("nested too deep") from None
    check_text(value)
    return value
