"""Dates, times and counted nouns as a Ukrainian official letter writes them.

Dates are 23.11.2026 and times 24-hour in Europe/Kyiv whatever the server's zone (the payload
carries UTC). Counted nouns come from the gettext catalog's plural forms (words.py), because
Ukrainian has three forms in letters (1 день, 2 дні, 5 днів, 11 днів, 21 день) and "день(ів)" is not
acceptable in a letter of the Commissioner.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

KYIV = ZoneInfo("Europe/Kyiv")


def plural(count: int, noun: str, language: str) -> str:
    """`5 днів`, `21 день`, `1 day` — from the catalog's plural forms (words.py)."""
    from .words import plural as said

    return said(count, noun, language)


def to_kyiv(value: str | datetime) -> datetime:
    """An ISO UTC string (as payloads carry it) or an aware datetime, in Kyiv time."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(KYIV)


def format_date(value: str | date | datetime | None) -> str:
    """23.11.2026. An instant is shown as the Kyiv calendar day it falls on; a bare date as itself."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and len(value) == 10:
        value = date.fromisoformat(value)
    if isinstance(value, str | datetime):
        value = to_kyiv(value).date()
    return value.strftime("%d.%m.%Y")


def format_datetime(value: str | datetime | None) -> str:
    """23.11.2026 09:00, Kyiv time."""
    if value is None or value == "":
        return ""
    return to_kyiv(value).strftime("%d.%m.%Y %H:%M")


def period_words(period: str | None, language: str) -> str:
    """An ISO period as a letter says it: "P1M" -> "1 місяць", "P15D" -> "15 днів", "P2W" -> "14 днів"."""
    if not period:
        return ""
    text = str(period).strip().upper().removeprefix("P")
    months = days = 0
    number = ""
    for char in text:
        if char.isdigit():
            number += char
            continue
        value, number = int(number or 0), ""
        months += {"Y": 12 * value, "M": value}.get(char, 0)
        days += {"W": 7 * value, "D": value}.get(char, 0)
    parts = []
    if months:
        parts.append(plural(months, "month", language))
    if days:
        parts.append(plural(days, "day", language))
    from .words import joined

    return joined(parts, language)


def days_from(start: str | datetime, end: str | datetime) -> int:
    """Whole Kyiv calendar days from `start` to `end`."""
    return (to_kyiv(end).date() - to_kyiv(start).date()).days
