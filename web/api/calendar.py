"""The legal-term calendar over HTTP: public holidays, days off, working weekend days, and the
martial-law switch (editing: admins; every change audited)."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine.db import db
from workflows import access, deadlines
from workflows.calendar import services as calendar

from ..auth import allowed
from .schemas import CalendarDayIn, CalendarDayOut, CalendarOut, CalendarQuery, CalendarSettingsIn

blp = Blueprint("calendar", __name__, url_prefix="/api/v1", description="Legal-term calendar")


def day_out(row) -> dict:
    return {
        "day": row.day,
        "kind": row.kind,
        "name_uk": row.name_uk,
        "name_en": row.name_en,
        "source": row.source,
        "non_working": not deadlines.is_working_day(row.day),
    }


def _calendar(year: int | None) -> dict:
    return {
        "martial_law": calendar.martial_law(),
        "years": calendar.years(),
        "days": [day_out(row) for row in calendar.days(year)],
    }


@blp.route("/calendar", methods=["GET"])
@blp.arguments(CalendarQuery, location="query")
@blp.response(200, CalendarOut)
def get_calendar(query):
    """The days that differ from the plain week (of `year`, or all), and the martial-law switch."""
    return _calendar(query.get("year"))


@blp.route("/calendar/days/<day>", methods=["PUT"])
@allowed(access.EDIT_CALENDAR)
@blp.arguments(CalendarDayIn)
@blp.response(200, CalendarDayOut)
def put_day(body, day):
    """Add or change a day: `holiday` (non-working unless martial law), `day_off`, `working_day`."""
    row = calendar.set_day(
        day, kind=body["kind"], name_uk=body["name_uk"], name_en=body["name_en"], actor=g.user.actor
    )
    db.session.commit()
    return day_out(row)


@blp.route("/calendar/days/<day>", methods=["DELETE"])
@allowed(access.EDIT_CALENDAR)
@blp.response(204)
def delete_day(day):
    calendar.remove_day(day, actor=g.user.actor)
    db.session.commit()
    return ""


@blp.route("/calendar/settings", methods=["PUT"])
@allowed(access.EDIT_CALENDAR)
@blp.arguments(CalendarSettingsIn)
@blp.response(200, CalendarOut)
def put_settings(body):
    """The martial-law switch: public holidays are working days (on) or days off (off)."""
    calendar.set_martial_law(body["martial_law"], actor=g.user.actor)
    db.session.commit()
    return _calendar(None)
