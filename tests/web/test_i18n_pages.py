"""Counted days in Ukrainian need all three plural forms (1 день, 2 дні, 5 днів, 11 днів, 21 день);
dates are 23.11.2026 and times 24-hour in Kyiv, whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from web.filters import due_badge, kyiv_date, kyiv_datetime

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # the frozen clock: 09:00 in Kyiv


@pytest.mark.parametrize(
    ("days", "overdue", "left"),
    [
        (1, "Прострочено на 1 день", "Залишився 1 день"),
        (2, "Прострочено на 2 дні", "Залишилось 2 дні"),
        (5, "Прострочено на 5 днів", "Залишилось 5 днів"),
        (11, "Прострочено на 11 днів", "Залишилось 11 днів"),
        (21, "Прострочено на 21 день", "Залишився 21 день"),
        (22, "Прострочено на 22 дні", "Залишилось 22 дні"),
        (25, "Прострочено на 25 днів", "Залишилось 25 днів"),
    ],
)
def test_ukrainian_plural_forms(app, days, overdue, left):
    with app.test_request_context(), force_locale("uk"):
        assert due_badge(NOW - timedelta(days=days)) == ("overdue", overdue)
        assert due_badge(NOW + timedelta(days=days))[1] == left


def test_english_plurals_and_the_day_itself(app):
    with app.test_request_context(), force_locale("en"):
        assert due_badge(NOW - timedelta(days=1)) == ("overdue", "1 day overdue")
        assert due_badge(NOW - timedelta(days=21)) == ("overdue", "21 days overdue")
        assert due_badge(NOW + timedelta(days=2)) == ("soon", "2 days left")
        assert due_badge(NOW + timedelta(days=9)) == ("later", "9 days left")
        assert due_badge(NOW + timedelta(hours=3)) == ("soon", "Due today")
        assert due_badge(NOW - timedelta(hours=3)) == ("overdue", "Overdue today")
    with app.test_request_context(), force_locale("uk"):
        assert due_badge(NOW + timedelta(hours=3)) == ("soon", "Строк сьогодні")


def test_kyiv_dates_and_times(app):
    with app.test_request_context():
        # 22:30 UTC on the 23rd is already the 24th in Kyiv (UTC+2 in winter).
        late = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
        assert kyiv_date(late) == "24.11.2026"
        assert kyiv_datetime(late) == "24.11.2026 00:30"
        assert kyiv_datetime(datetime(2026, 7, 1, 12, 5, tzinfo=UTC)) == "01.07.2026 15:05"  # summer, UTC+3
        assert kyiv_date("2027-02-20") == "20.02.2027"
        assert kyiv_date(None) == ""
