"""Every term the Office counts, in one place: statutory deadlines, urgency dates, reminders,
follow-ups, grace terms and the internal due times of tasks — in Kyiv time, over the legal-term
calendar (`workflows.calendar`).

How the law counts (Civil Code, Art. 253–254, which courts apply to the Ombudsman's terms):
- a term starts the day after the event (receipt of the act), so a term of `P15D` received on
  23.11 ends on 08.12, and a term in months ends on the same-numbered day of the last month (or on
  that month's last day when it has no such day: received 31.01, one month, ends 28.02);
- a term whose last day is a non-working day ends on the next working day;
- a term ends at the end of its last day (23:59:59 in Kyiv); only then is it breached.

Reminders, follow-ups and the internal due times of tasks go out at 09:00 Kyiv on a working day.
Diagrams call these functions through the script helpers at the bottom; Python code calls them
directly. The periods themselves live in the DMN tables of `bpmn/`, never here.
"""

from __future__ import annotations

import calendar as _months
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine.clock import clock, parse_instant
from engine.scripting import script_helper

from .calendar.services import Calendar, current

KYIV = ZoneInfo("Europe/Kyiv")
MORNING = time(9, 0)
END_OF_DAY = time(23, 59, 59)


# --- days and instants -----------------------------------------------------------------------------


def kyiv_date(value: datetime) -> date:
    """The Kyiv calendar day of an instant."""
    return value.astimezone(KYIV).date()


def as_day(value: Any) -> date:
    """A date from a date, an aware datetime (its Kyiv day) or ISO text (a date or an instant)."""
    if isinstance(value, datetime):
        return kyiv_date(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    return kyiv_date(parse_instant(text))


def as_instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_instant(str(value))


def end_of_day(day: date) -> datetime:
    """23:59:59 in Kyiv on `day`, as an aware UTC datetime: when a term that ends that day is breached."""
    return datetime.combine(day, END_OF_DAY, KYIV).astimezone(UTC)


def morning(day: date) -> datetime:
    return datetime.combine(day, MORNING, KYIV).astimezone(UTC)


def days_between(start: datetime | date, end: datetime | date) -> int:
    """Whole Kyiv calendar days from `start` to `end` (negative when `end` is earlier)."""
    return (as_day(end) - as_day(start)).days


# --- periods -----------------------------------------------------------------------------------------


def parse_period(period: str) -> tuple[int, int]:
    """(months, days) of an ISO 8601 period of years, months, weeks and days ("P1M", "P15D",
    "P2W"). Terms are counted in whole days: a time part is refused."""
    text = str(period).strip().strip('"').upper()
    if not text.startswith("P") or "T" in text or len(text) < 3:
        raise ValueError(f"{period!r} is not a term in years, months, weeks or days (e.g. P1M, P15D)")
    months = days = 0
    number = ""
    for char in text[1:]:
        if char.isdigit():
            number += char
            continue
        if not number:
            raise ValueError(f"{period!r} is not a valid ISO 8601 period")
        value, number = int(number), ""
        if char == "Y":
            months += 12 * value
        elif char == "M":
            months += value
        elif char == "W":
            days += 7 * value
        elif char == "D":
            days += value
        else:
            raise ValueError(f"{period!r} is not a valid ISO 8601 period")
    if number:
        raise ValueError(f"{period!r} is not a valid ISO 8601 period")
    return months, days


def add_period(start: date, period: str) -> date:
    """`start` plus the period, month by month as Art. 254 of the Civil Code counts: the same day
    number of the last month, or that month's last day when it is shorter."""
    months, days = parse_period(period)
    if months:
        index = start.month - 1 + months
        year, month = start.year + index // 12, index % 12 + 1
        start = date(year, month, min(start.day, _months.monthrange(year, month)[1]))
    return start + timedelta(days=days)


# --- over the calendar -------------------------------------------------------------------------------


def _calendar(calendar: Calendar | None) -> Calendar:
    return calendar if calendar is not None else current()


def is_working_day(day: date, calendar: Calendar | None = None) -> bool:
    return _calendar(calendar).is_working(day)


def next_working_day(day: date, calendar: Calendar | None = None) -> date:
    """`day` when it is a working day, else the first working day after it."""
    return _calendar(calendar).next_working_day(day)


def term_last_day(start: Any, period: str, calendar: Calendar | None = None) -> date:
    """The last day of a term of `period` counted from the day of `start` (the receipt), moved
    off a non-working day to the next working day."""
    return next_working_day(add_period(as_day(start), period), calendar)


def term_deadline(start: Any, period: str, calendar: Calendar | None = None) -> datetime:
    """The moment a term of `period` from `start` is breached: the end of its last day in Kyiv."""
    return end_of_day(term_last_day(start, period, calendar))


def add_working_days(start: Any, count: int, calendar: Calendar | None = None) -> date:
    """The `count`-th working day after the day of `start` (0: the next working day on or after it)."""
    cal = _calendar(calendar)
    day = as_day(start)
    if count <= 0:
        return cal.next_working_day(day)
    for _ in range(count):
        day = cal.next_working_day(day + timedelta(days=1))
    return day


def working_morning(value: Any, calendar: Calendar | None = None) -> datetime:
    """09:00 Kyiv on the first working day on or after the day of `value`; for an instant past that
    day's 09:00, the next working day's morning. When reminders and follow-ups go out."""
    cal = _calendar(calendar)
    if (isinstance(value, date) and not isinstance(value, datetime)) or (
        isinstance(value, str) and len(value.strip()) == 10
    ):
        return morning(cal.next_working_day(as_day(value)))
    instant = as_instant(value)
    day = cal.next_working_day(kyiv_date(instant))
    if morning(day) < instant:
        day = cal.next_working_day(day + timedelta(days=1))
    return morning(day)


def work_due(start: Any, days: int, calendar: Calendar | None = None) -> datetime:
    """An internal task's due time: 09:00 Kyiv on the first working day on or after `days` days
    from the day of `start`."""
    return morning(next_working_day(as_day(start) + timedelta(days=int(days)), calendar))


def reminder_at(
    due: Any, days_before: Any, calendar: Calendar | None = None, *, include_past: bool = False
) -> datetime | None:
    """The working morning `days_before` days before `due`; None when there is no such reminder:
    no offset, or a moment that is not before `due` or (unless `include_past`) has already passed."""
    if due is None or days_before is None or days_before == "":
        return None
    due_at = as_instant(due)
    moment = working_morning(as_day(due_at) - timedelta(days=int(days_before)), calendar)
    if moment >= due_at or (moment <= clock.now() and not include_past):
        return None
    return moment


def grace_deadline(decided: Any, working_days: int, calendar: Calendar | None = None) -> datetime:
    """The end of the `working_days`-th working day after a decision: the grace term an authority
    keeps when its extension is refused after its deadline has passed."""
    return end_of_day(add_working_days(decided, int(working_days), calendar))


# Alarms of the deadline watch: what is due next, and when.
ALARM_KINDS = ("urgency_reminder", "reminder_1", "reminder_2", "deadline")


def alarms(
    reply_due_at: Any,
    urgency_due_at: Any,
    reminder_1_days: Any,
    reminder_2_days: Any,
    urgency_reminder_days: Any,
    calendar: Calendar | None = None,
    *,
    include_past: bool = False,
) -> list[tuple[datetime, str]]:
    """Every alarm of a deadline: reminders before it, a reminder before the urgency date, and the
    deadline itself — soonest first, only those still to come unless `include_past` (the deadline
    always, once set)."""
    found: list[tuple[datetime, str]] = []
    if reply_due_at:
        for offset, kind in ((reminder_1_days, "reminder_1"), (reminder_2_days, "reminder_2")):
            moment = reminder_at(reply_due_at, offset, calendar, include_past=include_past)
            if moment is not None:
                found.append((moment, kind))
        found.append((as_instant(reply_due_at), "deadline"))
    if urgency_due_at and (not reply_due_at or as_instant(urgency_due_at) < as_instant(reply_due_at)):
        moment = reminder_at(urgency_due_at, urgency_reminder_days, calendar)
        if moment is not None:
            found.append((moment, "urgency_reminder"))
    return sorted(found)


# --- script helpers: what diagrams call ------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


@script_helper("term_deadline")
def _term_deadline_helper(start, period) -> str | None:
    """`term_deadline(received_at, statutory_period)`: the statutory deadline (ISO UTC), None
    without a period."""
    if not period:
        return None
    return _iso(term_deadline(start, period))


@script_helper("end_of_day")
def _end_of_day_helper(value) -> str | None:
    """23:59:59 Kyiv of a date the lawyer chose (a repeat request's deadline), ISO UTC."""
    return _iso(end_of_day(as_day(value))) if value else None


@script_helper("working_morning")
def _working_morning_helper(value) -> str | None:
    """09:00 Kyiv on the first working day on or after a date (follow-ups, hearings), ISO UTC."""
    return _iso(working_morning(value)) if value else None


@script_helper("work_due")
def _work_due_helper(start, days) -> str:
    """An internal task's due time (`dueAt`): the working morning `days` days on."""
    return _iso(work_due(start, int(days)))


@script_helper("grace_deadline")
def _grace_deadline_helper(decided, working_days) -> str:
    return _iso(grace_deadline(decided, int(working_days)))


@script_helper("next_alarm")
def _next_alarm_helper(
    reply_due_at, urgency_due_at, reminder_1_days, reminder_2_days, urgency_reminder_days, done
) -> dict | None:
    """The next alarm not yet handled for this deadline: {"at": ISO UTC, "kind": …} or None.

    `done` lists the alarms already handled as "<kind>@<deadline>", so that a reminder is never
    sent twice for the same deadline and a new deadline (an extension) gets its own reminders.
    """
    handled = set(done or [])
    for moment, kind in alarms(
        reply_due_at, urgency_due_at, reminder_1_days, reminder_2_days, urgency_reminder_days
    ):
        key = alarm_key(kind, reply_due_at, urgency_due_at)
        if key not in handled:
            return {"at": _iso(moment), "kind": kind, "key": key}
    return None


def alarm_key(kind: str, reply_due_at: Any, urgency_due_at: Any) -> str:
    anchor = urgency_due_at if kind == "urgency_reminder" else reply_due_at
    return f"{kind}@{anchor}"


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
