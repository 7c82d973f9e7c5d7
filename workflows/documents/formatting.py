"""Dates and terms as a document states them, in the document's language.

Dates are 23.11.2026 in Kyiv (the same helpers the e-mails use); a statutory term written in the
deadline tables as an ISO 8601 duration ("P1M", "P15D") is said in words with the plural the number
needs (1 місяць, 15 днів, 21 день).
"""

from __future__ import annotations

import re

from flask_babel import ngettext

from ..notices.formatting import format_date, format_datetime

__all__ = ["PeriodError", "format_date", "format_datetime", "parse_period", "term_words"]

_PERIOD = re.compile(r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$")


class PeriodError(ValueError):
    pass


def parse_period(period: str) -> dict[str, int]:
    """{"months": 1} for "P1M": the calendar parts of an ISO 8601 duration (no times of day)."""
    match = _PERIOD.match((period or "").strip().strip('"').upper())
    if match is None or not any(match.groupdict().values()):
        raise PeriodError(f"{period!r} is not a duration such as P1M, P15D or P2W")
    return {unit: int(value) for unit, value in match.groupdict().items() if value}


def term_words(period: str) -> str:
    """ "1 місяць", "15 днів", "2 weeks": in the current (forced) locale."""
    parts = parse_period(period)
    words = {
        "years": lambda n: ngettext("%(num)d year", "%(num)d years", n),
        "months": lambda n: ngettext("%(num)d month", "%(num)d months", n),
        "weeks": lambda n: ngettext("%(num)d week", "%(num)d weeks", n),
        "days": lambda n: ngettext("%(num)d day", "%(num)d days", n),
    }
    return " ".join(words[unit](count) for unit, count in parts.items())
