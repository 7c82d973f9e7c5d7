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


def test_a_long_gap_over_an_urgency_request_still_sends_one_reminder_of_the_deadline(api, world, clock, db):
    """The alarm that fires late is the urgency reminder, whose date has passed too: it has nothing
    to say, but the deadline's reminders fell due in the gap — one of them goes out, not none."""
    from .cycle_helpers import send_act

    rec = send_act(api, world, severity="critical")  # urgency 03.12, deadline 23.12
    clock.advance(days=29, minutes=1)  # Tuesday 22.12, 09:01 Kyiv: both reminders of 23.12 passed
    sweep(api)
    sweep(api)
    assert [t for t, _ in topics(rec["id"])] == ["act_sent", "reminder"]
