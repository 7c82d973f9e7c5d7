"""Dates typed as the Office writes them (23.11.2026) and kept as ISO dates (2026-11-23).

Date fields are text inputs rather than the browser's date picker, whose format follows the
browser's own language (a Ukrainian lawyer with an English browser would be asked for 11/23/2026).
ISO dates are accepted too, so pasted or older values still work.
"""

from __future__ import annotations

import re
from datetime import date

_DOTTED = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse(text: str | None) -> date | None:
    """23.11.2026, 3.1.2027, 23/11/2026 or 2026-11-23 as a date; None for anything else."""
    if not text:
        return None
    dotted, iso = _DOTTED.match(text), _ISO.match(text)
    try:
        if dotted:
            day, month, year = (int(g) for g in dotted.groups())
            return date(year, month, day)
        if iso:
            year, month, day = (int(g) for g in iso.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def shown(value) -> str:
    """What a date field shows: 23.11.2026 for a date or an ISO date, anything else as it is."""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = "" if value is None else str(value)
    parsed = parse(text) if _ISO.match(text) else None
    return parsed.strftime("%d.%m.%Y") if parsed else text
