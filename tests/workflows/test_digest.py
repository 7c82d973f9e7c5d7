"""The lawyers' daily digest: from 08:00 Kyiv, once a day per lawyer, skipped when there is nothing."""

from __future__ import annotations

import sqlalchemy as sa

from engine.models import OutboxMessage
from workflows import digest

from .test_api_cycle import create


def digests(db):
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.topic == "digest").order_by(OutboxMessage.id)
    ).all()


def test_digest_once_a_day_from_the_morning_and_only_when_there_is_work(api, world, db, clock):
    # T0 is Monday 09:00 in Kyiv; move to 07:00 Kyiv the next day.
    clock.advance(hours=22)
    assert digest.run() == 0  # before 08:00 Kyiv nothing goes out
    clock.advance(hours=2)
    assert digest.run() == 0 and digests(db) == []  # nobody has tasks: no empty digests

    create(api, world, severity="critical")  # a draft task for the lawyers, due in 2 days
    assert digest.run() == 2  # both lawyers share the group task
    assert digest.run() == 0  # once a day, however often the job runs
    rows = digests(db)
    assert {r.recipient for r in rows} == {"lawyer@ombudsman.example", "lawyer2@ombudsman.example"}
    payload = rows[0].payload
    assert [item["task"] for item in payload["due_soon"]] == ["Підготувати акт реагування"]
    assert payload["overdue"] == [] and payload["inbox_url"].endswith("/inbox")

    clock.advance(days=3)  # the next days: the task is overdue now
    assert digest.run() == 2
    latest = digests(db)[-1].payload
    assert latest["due_soon"] == [] and len(latest["overdue"]) == 1
    assert digests(db)[-1].dedupe_key.endswith(":2026-11-27")  # keyed by the Kyiv date: once a day
