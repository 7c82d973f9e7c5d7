"""Template helpers: Kyiv time, Ukrainian dates (23.11.2026), days left/overdue with real plurals."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, ngettext

from engine.clock import clock
from workflows.deadlines import KYIV


def kyiv_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "dd.MM.yyyy HH:mm")


def kyiv_date(value) -> str:
    """23.11.2026: an instant as the Kyiv day it falls on, a date (or ISO date text) as itself."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10]) if len(value) <= 10 else datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.astimezone(KYIV).date()
    return format_date(value, "dd.MM.yyyy")


def due_badge(value: datetime | None) -> tuple[str, str] | None:
    """("overdue"|"soon"|"later", text) for a due time, counted in whole Kyiv days."""
    if value is None:
        return None
    today = clock.now().astimezone(KYIV).date()
    days = (value.astimezone(KYIV).date() - today).days
    if value < clock.now():
        late = max(-days, 0)
        if late == 0:
            return "overdue", ngettext("Overdue today", "Overdue today", 1)
        return "overdue", ngettext("%(num)d day overdue", "%(num)d days overdue", late)
    if days == 0:
        return "soon", ngettext("Due today", "Due today", 1)
    return ("soon" if days <= 3 else "later"), ngettext("%(num)d day left", "%(num)d days left", days)


def count(value: int, capped: bool = False) -> str:
    """A number of rows as people read it (10 000); a count that reached the list's cap as
    "10 000+" — lists stop counting there (workflows/paging.py)."""
    text = format_decimal(value)
    return f"{text}+" if capped else text


def init_app(app: Flask) -> None:
    app.jinja_env.globals["count"] = count
    app.jinja_env.filters["kyiv_datetime"] = kyiv_datetime
    app.jinja_env.filters["kyiv_date"] = kyiv_date
    app.jinja_env.globals["due_badge"] = due_badge
