"""`ombudsflow outbox …` and `ombudsflow webhooks …` as an admin uses them, and the scheduled job."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engine import scheduler
from engine.errors import Conflict, NotFound
from engine.models import OutboxMessage
from engine.outbox import enqueue
from notifications.models import WebhookSubscription
from tests.conftest import T0

from .payloads import payload


def add(db, **kwargs) -> int:
    row = enqueue(
        channel="email",
        topic="reminder",
        recipient="sizo@kyiv.test",
        language="uk",
        payload=payload("reminder"),
        **kwargs,
    )
    outbox_id = row.id
    db.session.commit()
    return outbox_id


def test_deliver_with_now_sends_what_is_due_then_and_prints_a_summary(app, db, runner, tmp_path):
    now_id = add(db)
    later_id = add(db, not_before=T0 + timedelta(days=2))

    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"e-mail goes to .eml files in {tmp_path / 'mail'} (OMBUDSFLOW_SMTP_HOST is not set)"
    assert (
        lines[1]
        == f"sent #{now_id} email/reminder to sizo@kyiv.test (<outbox-{now_id}@ombudsflow.localhost>)"
    )
    assert lines[2].startswith(
        "delivered at 2026-11-23T07:00:00+00:00: 1 sent, 0 to retry, 0 failed, 0 interrupted"
    )

    result = runner.invoke(args=["outbox", "deliver", "--now", "2026-11-25T09:00:00+02:00"])
    assert f"sent #{later_id} " in result.output
    assert "delivered at 2026-11-25T07:00:00+00:00: 1 sent" in result.output
    db.session.expire_all()
    assert db.session.get(OutboxMessage, later_id).sent_at.isoformat() == "2026-11-25T07:00:00+00:00"


def test_list_filters_by_status_and_retry_brings_a_failed_row_back(app, db, runner):
    ok = add(db)
    bad = enqueue(
        channel="email", topic="reminder", recipient="nobody", language="uk", payload=payload("reminder")
    ).id
    db.session.commit()
    runner.invoke(args=["outbox", "deliver"])

    result = runner.invoke(args=["outbox", "list", "--status", "failed"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"#{bad}  failed   email/reminder  to nobody  attempts 1",
        "      recipient 'nobody' is not an e-mail address",
    ]
    assert f"#{ok}  sent " in runner.invoke(args=["outbox", "list"]).output
    assert (
        runner.invoke(args=["outbox", "list", "--status", "sending"]).output
        == "no messages with status sending\n"
    )

    result = runner.invoke(args=["outbox", "retry", str(bad)])
    assert result.output == f"outbox {bad}: pending again; the next delivery sends it\n"
    db.session.expire_all()
    assert db.session.get(OutboxMessage, bad).status == "pending"


def test_retry_of_a_row_that_did_not_fail_is_an_error(app, db, runner):
    pending = add(db)
    result = runner.invoke(args=["outbox", "retry", str(pending)])
    assert result.exit_code != 0 and isinstance(result.exception, Conflict)
    assert (
        str(result.exception) == f"outbox message {pending} is pending; only failed messages can be retried"
    )
    result = runner.invoke(args=["outbox", "retry", "999"])
    assert isinstance(result.exception, NotFound)
    assert runner.invoke(args=["outbox", "list", "--status", "lost"]).exit_code == 2


def test_webhooks_add_list_remove(app, db, runner):
    result = runner.invoke(
        args=["webhooks", "add", "https://hooks.ngo.test/npm", "--events", "act_sent, closed"]
    )
    assert result.exit_code == 0, result.output
    added, secret_line = result.output.splitlines()
    assert added == "webhook 1 added: https://hooks.ngo.test/npm for act_sent, closed"
    secret = secret_line.rsplit(" ", 1)[1]
    assert db.session.get(WebhookSubscription, 1).secret == secret and len(secret) == 64

    result = runner.invoke(
        args=["webhooks", "add", "https://b.test/h", "--events", "overdue", "--secret", "mine"]
    )
    assert result.output == "webhook 2 added: https://b.test/h for overdue\n"

    listing = runner.invoke(args=["webhooks", "list"]).output
    assert listing.splitlines() == [
        "#1  active  https://hooks.ngo.test/npm  events: act_sent, closed  since 2026-11-23",
        "#2  active  https://b.test/h  events: overdue  since 2026-11-23",
    ]
    assert secret not in listing and "mine" not in listing

    assert runner.invoke(args=["webhooks", "remove", "1"]).output == "webhook 1 removed\n"
    db.session.expire_all()
    assert db.session.scalars(sa.select(WebhookSubscription.id)).all() == [2]

    result = runner.invoke(args=["webhooks", "add", "https://c.test/h", "--events", "birthday"])
    assert result.exit_code != 0 and "unknown or no events birthday" in str(result.exception)


def test_the_delivery_job_is_registered_with_the_outbox_interval(app):
    [job] = [j for j in scheduler.jobs() if j.name == "outbox-delivery"]
    assert job.seconds_setting == "OMBUDSFLOW_OUTBOX_INTERVAL"
    assert app.config["OMBUDSFLOW_OUTBOX_INTERVAL"] == 15


def test_the_scheduled_job_delivers(app, db, tmp_path):
    outbox_id = add(db)
    [job] = [j for j in scheduler.jobs() if j.name == "outbox-delivery"]
    scheduler.run_job(app, job)
    db.session.expire_all()
    row = db.session.get(OutboxMessage, outbox_id)
    assert row.status == "sent"
    assert (tmp_path / "mail" / f"outbox-{outbox_id}.eml").exists()


def test_an_unknown_channel_fails_its_row_at_once(app, db, runner):
    row = enqueue(channel="sms", topic="reminder", recipient="+380441234567", payload={})
    outbox_id = row.id
    db.session.commit()
    result = runner.invoke(args=["outbox", "deliver"])
    assert (
        f"failed #{outbox_id} sms/reminder to +380441234567: no deliverer for channel 'sms'" in result.output
    )
