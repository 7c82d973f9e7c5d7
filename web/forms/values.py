"""Reading posted text into the values the services take: whole numbers, money, yes/no, lists.
Each returns None for text it cannot read, so the service says what is wrong beside the field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def integer(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def money(text: str | None) -> Decimal | None:
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def flag(form, name: str) -> bool:
    return form.get(name) in ("1", "on", "true", "yes")


def ids(form, name: str) -> list[int]:
    return [int(v) for v in form.getlist(name) if v.isdigit() and len(v) <= 9]


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]
