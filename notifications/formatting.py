"""Dates, times and counted nouns as a Ukrainian official letter writes them.

Dates are 23.11.2026 and times 24-hour in Europe/Kyiv whatever the server's zone (the payload
carries UTC). Counted nouns follow CLDR's plural rules through Babel, because Ukrainian has three
forms in letters (1 день, 2 дні, 5 днів, 11 днів, 21 день) and "день(ів)" is not acceptable in a
letter of the Commissioner.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale

KYIV = ZoneInfo("Europe/Kyiv")

# CLDR plural category -> word. Ukrainian "other" is for fractions (1,5 дня), kept for completeness.
NOUNS: dict[str, dict[str, dict[str, str]]] = {
    "uk": {
        "day": {"one": "день", "few": "дні", "many": "днів", "other": "дня"},
        "task": {"one": "завдання", "few": "завдання", "many": "завдань", "other": "завдання"},
    },
    "en": {
        "day": {"one": "day", "other": "days"},
        "task": {"one": "task", "other": "tasks"},
    },
}


def plural(count: int, noun: str, language: str) -> str:
    """`5 днів`, `21 день`, `1 day`: the number with the form of the noun that agrees with it."""
    forms = NOUNS[language][noun]
    category = Locale.parse(language).plural_form(count)
    return f"{count} {forms.get(category, forms['other'])}"


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
