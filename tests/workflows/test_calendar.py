"""The terms module over the calendar, and the calendar as an admin edits it (CLI and page)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from engine.models import AuditEvent
from workflows import deadlines
from workflows.calendar import services as calendar
from workflows.calendar.seed import seed_rows


def test_months_end_on_the_same_day_or_the_months_last_and_move_off_non_working_days(app, db):
    assert deadlines.add_period(date(2027, 1, 31), "P1M") == date(2027, 2, 28)  # no 31 February
    assert deadlines.add_period(date(2026, 11, 23), "P15D") == date(2026, 12, 8)
    assert deadlines.add_period(date(2026, 12, 31), "P2W") == date(2027, 1, 14)
    # 28.02.2027 is a Sunday: the term ends on Monday 01.03.
    assert deadlines.term_last_day(date(2027, 1, 31), "P1M") == date(2027, 3, 1)
    assert deadlines.term_deadline(date(2027, 1, 31), "P1M") == datetime(2027, 3, 1, 21, 59, 59, tzinfo=UTC)
    for bad in ("PT5H", "15 days", "P"):
        try:
            deadlines.parse_period(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} accepted")


def test_working_mornings_and_working_days(app, db):
    # Friday 17:00 Kyiv: the next working morning is Monday 09:00.
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    assert deadlines.working_morning(friday) == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert deadlines.working_morning("2026-11-28") == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert deadlines.add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 29)  # martial law: 25.12 works
    calendar.set_martial_law(False, actor="test")
    assert deadlines.add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 30)  # 25.12 is a holiday again


def test_the_seed_holds_2026_and_2027_with_days_off_moved_from_weekends(app, db):
    rows = dict((d, uk) for d, uk, _en in seed_rows())
    assert rows[date(2026, 12, 25)] == "Різдво Христове"
    # 08.03.2026 is a Sunday: the day off moves to Monday 09.03 (Art. 67 of the Labour Code).
    assert rows[date(2026, 3, 9)].startswith("Вихідний день, перенесений з 08.03.2026")
    assert calendar.years() == [2026, 2027]


def test_the_calendar_from_the_command_line(app, db, runner):
    listed = runner.invoke(args=["calendar", "list", "--year", "2026"])
    assert listed.exit_code == 0
    assert "martial law (public holidays are working days): on" in listed.output
    assert "2026-12-25  holiday     working     Різдво Христове" in listed.output
    added = runner.invoke(
        args=["calendar", "set", "2026-12-31", "--kind", "day_off", "--name", "Неробочий день"]
    )
    assert added.exit_code == 0, added.output
    assert not deadlines.is_working_day(date(2026, 12, 31))
    bad = runner.invoke(args=["calendar", "set", "2026-12-30", "--kind", "working_day", "--name", "Робочий"])
    assert bad.exit_code == 1 and "Робочим днем можна оголосити лише суботу чи неділю" in bad.output
    off = runner.invoke(args=["calendar", "martial-law", "off"])
    assert off.exit_code == 0 and not deadlines.is_working_day(date(2026, 12, 25))
    removed = runner.invoke(args=["calendar", "remove", "2026-12-31"])
    assert removed.exit_code == 0 and deadlines.is_working_day(date(2026, 12, 31))
    events = db.session.scalars(
        sa.select(AuditEvent.event).where(AuditEvent.event.like("calendar_%")).order_by(AuditEvent.id)
    ).all()
    assert events == ["calendar_day_set", "calendar_martial_law_set", "calendar_day_removed"]
