"""Deadlines as the law and the Office count them: whole days, in Kyiv time.

A term "within one month" ends at the end of the last day in Kyiv, not at the minute the act was
sent; reminders go out in the morning. These helpers are offered to diagrams (script tasks, timer
expressions, `dueAt` properties) through the engine's helper registry.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.clock import clock, parse_instant
from engine.scripting import script_helper

KYIV = ZoneInfo("Europe/Kyiv")
MORNING = time(9, 0)


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(KYIV).date()
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text)
    return parse_instant(text).astimezone(KYIV).date()


@script_helper()
def kyiv_end_of_day(value) -> str:
    """23:59:59 in Kyiv on the day of `value` (an ISO date or instant), as ISO UTC."""
    end = datetime.combine(_day(value), time(23, 59, 59), KYIV)
    return end.astimezone(UTC).isoformat()


@script_helper()
def kyiv_morning(value) -> str:
    """09:00 in Kyiv on the day of `value`, as ISO UTC: when follow-ups and reminders fire."""
    return datetime.combine(_day(value), MORNING, KYIV).astimezone(UTC).isoformat()


@script_helper()
def reminder_time(due, days_before) -> str:
    """The morning `days_before` days before `due`; if that moment has passed, a time after the due
    date, so that the reminder never fires (the interrupting deadline timer cancels it first)."""
    due_at = parse_instant(str(due))
    moment = datetime.combine(_day(due_at) - timedelta(days=int(days_before)), MORNING, KYIV).astimezone(UTC)
    if moment <= clock.now():
        return (due_at + timedelta(days=1)).isoformat()
    return moment.isoformat()


def kyiv_date(value: datetime) -> date:
    return value.astimezone(KYIV).date()


@script_helper()
def superior_of(authority_id) -> int | None:
    """The superior authority (parent in the registry) of an authority: where an escalation goes."""
    from engine.db import db

    from .authorities.models import Authority

    authority = db.session.get(Authority, int(authority_id))
    return authority.parent_id if authority is not None else None


def kyiv_day_start(day: date) -> datetime:
    """Midnight in Kyiv at the start of `day`, as a UTC instant: where a Kyiv date range begins."""
    return datetime.combine(day, time(0, 0), KYIV).astimezone(UTC)
