"""Reading and editing the legal-term calendar.

Every term the system counts asks `current()`, often from inside a diagram expression whose CPU
time is limited: the calendar is read once and kept per process (per app), as plain sets of dates.
An edit here replaces the cached copy at once and writes a new revision token; other processes see
the token change at their next check, at most `REVALIDATE_SECONDS` later. A term already computed
keeps its date (a deadline counted on receipt is not recounted when a holiday is added later).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from engine import audit
from engine.clock import clock
from engine.db import db
from engine.models import EngineSetting

from ..errors import Invalid, NotFound
from .models import KINDS, CalendarDay
from .seed import SOURCE, seed_rows

MARTIAL_LAW_KEY = "calendar.martial_law"
REVISION_KEY = "calendar.revision"
REVALIDATE_SECONDS = 30.0
# Martial law has been in force in Ukraine since 24.02.2022: until an admin says otherwise, public
# holidays are working days (law 2136-IX).
MARTIAL_LAW_DEFAULT = True


@dataclass(frozen=True)
class Calendar:
    """Which days are working days, as the calendar said when it was read."""

    martial_law: bool
    holidays: frozenset[date]
    days_off: frozenset[date]
    working_days: frozenset[date]
    revision: str | None

    def is_working(self, day: date) -> bool:
        if day in self.days_off:
            return False
        if day in self.working_days:
            return True
        if day.weekday() >= 5:
            return False
        return self.martial_law or day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        for _step in range(370):
            if self.is_working(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within a year: the calendar is wrong")


_cal = CalendarDay.__table__
_settings = EngineSetting.__table__
_READ_DAYS = sa.select(_cal.c.day, _cal.c.kind)
_READ_SETTINGS = sa.select(_settings.c.key, _settings.c.value).where(
    _settings.c.key.in_((MARTIAL_LAW_KEY, REVISION_KEY))
)
_READ_REVISION = sa.select(_settings.c.value).where(_settings.c.key == REVISION_KEY)
_CACHE_KEY = "ombudsflow_calendar"


def _load() -> Calendar:
    conn = db.session.connection()
    by_kind: dict[str, set[date]] = {kind: set() for kind in KINDS}
    for day, kind in conn.execute(_READ_DAYS):
        by_kind.setdefault(kind, set()).add(day)
    settings = dict(conn.execute(_READ_SETTINGS).all())
    martial = settings.get(MARTIAL_LAW_KEY)
    return Calendar(
        martial_law=MARTIAL_LAW_DEFAULT if martial is None else bool(martial),
        holidays=frozenset(by_kind["holiday"]),
        days_off=frozenset(by_kind["day_off"]),
        working_days=frozenset(by_kind["working_day"]),
        revision=settings.get(REVISION_KEY),
    )


def current() -> Calendar:
    """The calendar in force, from this process's copy (checked against the revision token now
    and then)."""
    cache = current_app.extensions
    kept = cache.get(_CACHE_KEY)
    now = time.monotonic()
    if kept is not None:
        calendar, checked = kept
        if now - checked < REVALIDATE_SECONDS:
            return calendar
        revision = db.session.connection().execute(_READ_REVISION).scalar()
        if revision == calendar.revision:
            cache[_CACHE_KEY] = (calendar, now)
            return calendar
    calendar = _load()
    cache[_CACHE_KEY] = (calendar, now)
    return calendar


def invalidate() -> None:
    current_app.extensions.pop(_CACHE_KEY, None)


def _set_setting(key: str, value) -> None:
    row = db.session.get(EngineSetting, key)
    if row is None:
        db.session.add(EngineSetting(key=key, value=value))
    else:
        row.value = value


def _changed() -> None:
    _set_setting(REVISION_KEY, uuid.uuid4().hex)
    db.session.flush()
    invalidate()


# --- reading for people ----------------------------------------------------------------------------


def days(year: int | None = None) -> list[CalendarDay]:
    query = sa.select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        query = query.where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
    return list(db.session.scalars(query))


def years() -> list[int]:
    """The years the calendar holds rows for (an admin sees which years still need their holidays)."""
    found = {d.year for d in db.session.scalars(sa.select(CalendarDay.day))}
    return sorted(found)


def martial_law() -> bool:
    return current().martial_law


# --- editing ---------------------------------------------------------------------------------------


def _parse_day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def set_day(value, *, kind: str, name_uk: str, name_en: str = "", actor: str) -> CalendarDay:
    """Add or change one day; audited. Bad input is refused with the failing fields."""
    day = _parse_day(value)
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["day"] = [_("Enter a valid date (YYYY-MM-DD).")]
    if kind not in KINDS:
        errors["kind"] = [_("Choose one of the offered options.")]
    name_uk, name_en = (name_uk or "").strip(), (name_en or "").strip()
    if not name_uk:
        errors["name_uk"] = [_("Say what day it is (in Ukrainian).")]
    elif len(name_uk) > 300:
        errors["name_uk"] = [
            ngettext("Enter at most %(num)d character.", "Enter at most %(num)d characters.", 300)
        ]
    if len(name_en) > 300:
        errors["name_en"] = [
            ngettext("Enter at most %(num)d character.", "Enter at most %(num)d characters.", 300)
        ]
    if day is not None and kind == "working_day" and day.weekday() < 5:
        errors["kind"] = [_("A working day can only be declared on a Saturday or Sunday.")]
    if errors:
        raise Invalid(_("The calendar was not changed."), errors)
    row = db.session.get(CalendarDay, day)
    before = {"kind": row.kind, "name_uk": row.name_uk} if row is not None else None
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.kind, row.name_uk, row.name_en = kind, name_uk, name_en
    row.source, row.updated_at = actor, clock.now()
    audit.record(
        "calendar_day_set",
        actor=actor,
        subject=day.isoformat(),
        details={"kind": kind, "name_uk": name_uk, "before": before},
    )
    _changed()
    return row


def remove_day(value, *, actor: str) -> None:
    day = _parse_day(value)
    row = db.session.get(CalendarDay, day) if day is not None else None
    if row is None:
        raise NotFound(_("The calendar has no entry for %(day)s.", day=str(value)))
    audit.record(
        "calendar_day_removed",
        actor=actor,
        subject=day.isoformat(),
        details={"kind": row.kind, "name_uk": row.name_uk},
    )
    db.session.delete(row)
    _changed()


def set_martial_law(on: bool, *, actor: str) -> bool:
    """The switch "public holidays are working days" (martial law); audited."""
    before = martial_law()
    _set_setting(MARTIAL_LAW_KEY, bool(on))
    audit.record(
        "calendar_martial_law_set",
        actor=actor,
        subject="martial_law",
        details={"on": bool(on), "was": before},
    )
    _changed()
    return bool(on)


def seed(
    rows: list[tuple[date, str, str]] | None = None, *, actor: str, source: str = SOURCE, audited: bool = True
) -> int:
    """Add the holidays that are missing (an admin's edits stay); returns how many were added.
    The reference-data seed (like the regions') is not audited; an admin's import is."""
    rows = seed_rows() if rows is None else rows
    have = set(db.session.scalars(sa.select(CalendarDay.day)))
    now = clock.now()
    added = 0
    for day, name_uk, name_en in rows:
        if day in have:
            continue
        db.session.add(
            CalendarDay(
                day=day, kind="holiday", name_uk=name_uk, name_en=name_en, source=source, updated_at=now
            )
        )
        added += 1
    if added:
        if audited:
            audit.record("calendar_seeded", actor=actor, details={"added": added, "source": source})
        _changed()
    return added
