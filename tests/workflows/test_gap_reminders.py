"""After a long gap (the scheduler was down), timers catching up send one reminder, not two."""

from __future__ import annotations

from .cycle_helpers import sweep, topics
from .test_legal_terms import received_on


def test_a_long_gap_sends_one_reminder_not_every_missed_one(api, world, clock, db):
    rec = received_on(api, world, clock, 3)  # due Monday 28.12; reminders 21.12 and 28.12, 09:00
    clock.advance(days=32, minutes=1)  # Monday 28.12, 09:01: the scheduler was down since 26.11
    sweep(api)
    sweep(api)
    assert [t for t, _ in topics(rec["id"])] == ["act_sent", "reminder"]
