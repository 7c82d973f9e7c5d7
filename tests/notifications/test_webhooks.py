"""Webhooks against a real HTTP receiver: who gets which event, the signature, retries, removal."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine.models import AuditEvent, OutboxMessage
from notifications.delivery import deliver_due
from notifications.events import publish
from notifications.webhooks import InvalidSubscription, add_subscription, remove_subscription
from tests.conftest import T0

EVENT = {"recommendation": {"number": "Р-2026-0007"}, "act": {"number": "П-2026-0012"}}


def subscribe(db, url, events, **kwargs):
    subscription = add_subscription(url, events, actor="admin", **kwargs)
    subscription_id = subscription.id
    db.session.commit()
    return subscription_id


def published(db, event="act_sent", payload=EVENT, **kwargs) -> list[int]:
    ids = [row.id for row in publish(event, payload, instance_id=7, business_key="Р-2026-0007", **kwargs)]
    db.session.commit()
    return ids


def test_publish_writes_one_row_per_active_subscription_to_the_event(app, db):
    wanted = subscribe(db, "https://a.test/hook", ["act_sent", "closed"])
    subscribe(db, "https://b.test/hook", ["overdue"])
    inactive = subscribe(db, "https://c.test/hook", ["act_sent"])
    db.session.execute(
        sa.text("UPDATE webhook_subscription SET active = :no WHERE id = :id"), {"no": False, "id": inactive}
    )
    also = subscribe(db, "https://d.test/hook", ["act_sent"])
    db.session.commit()

    ids = published(db)

    rows = [db.session.get(OutboxMessage, i) for i in ids]
    assert sorted(r.recipient for r in rows) == sorted([str(wanted), str(also)])
    assert {(r.channel, r.topic, r.instance_id, r.business_key, r.status) for r in rows} == {
        ("webhook", "act_sent", 7, "Р-2026-0007", "pending")
    }
    assert rows[0].payload == EVENT
    assert published(db, "reply_received") == []


def test_publish_with_a_dedupe_key_enqueues_once_per_subscriber(app, db):
    subscribe(db, "https://a.test/hook", ["overdue"])
    first = published(db, "overdue", dedupe_key="overdue:Р-2026-0007:2026-12-23")
    again = published(db, "overdue", dedupe_key="overdue:Р-2026-0007:2026-12-23")
    assert first == again and len(first) == 1


def test_unknown_events_and_bad_urls_are_refused(app, db):
    with pytest.raises(ValueError, match="unknown webhook event 'act_snet'"):
        publish("act_snet", {})
    with pytest.raises(InvalidSubscription, match="unknown or no events birthday"):
        add_subscription("https://a.test/hook", ["birthday"], actor="admin")
    with pytest.raises(InvalidSubscription, match="is not an http"):
        add_subscription("ftp://a.test/hook", ["closed"], actor="admin")


def test_a_delivery_is_signed_with_the_subscriptions_secret(app, db, receiver):
    subscribe(db, receiver.url, ["act_sent"], secret="s3cret")
    [outbox_id] = published(db)

    [outcome] = deliver_due().outcomes

    assert outcome.result == "sent" and outcome.detail == "HTTP 204"
    [call] = receiver.calls
    assert call.path == "/hooks/ombudsflow"
    assert call.headers["X-Ombudsflow-Event"] == "act_sent"
    assert call.headers["X-Ombudsflow-Delivery"] == str(outbox_id)
    assert call.headers["Content-Type"] == "application/json; charset=utf-8"
    expected = "sha256=" + hmac.new(b"s3cret", call.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(call.headers["X-Ombudsflow-Signature"], expected)
    wrong = "sha256=" + hmac.new(b"other", call.body, hashlib.sha256).hexdigest()
    assert call.headers["X-Ombudsflow-Signature"] != wrong
    body = call.json()
    assert body == {
        "delivery": outbox_id,
        "event": "act_sent",
        "occurred_at": "2026-11-23T07:00:00Z",
        "instance_id": 7,
        "business_key": "Р-2026-0007",
        "data": EVENT,
    }
    db.session.expire_all()
    row = db.session.get(OutboxMessage, outbox_id)
    assert (row.status, row.sent_at) == ("sent", T0)
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "notification_sent"))
    assert audit.details["http_status"] == 204 and audit.business_key == "Р-2026-0007"


def test_a_failing_receiver_is_retried_with_the_same_bytes_and_delivery_id(app, db, clock, receiver):
    subscribe(db, receiver.url, ["closed"], secret="k")
    [outbox_id] = published(db, "closed")
    receiver.statuses = [503, 302]

    assert [o.result for o in deliver_due().outcomes] == ["retry"]
    db.session.expire_all()
    row = db.session.get(OutboxMessage, outbox_id)
    assert row.status == "pending" and row.last_error.startswith(
        "RuntimeError: HTTP 503 from http://127.0.0.1:"
    )
    clock.advance(minutes=1)
    assert [o.result for o in deliver_due().outcomes] == ["retry"]  # a redirect is not a delivery
    clock.advance(minutes=2)
    assert [o.result for o in deliver_due().outcomes] == ["sent"]

    assert len(receiver.calls) == 3
    assert len({c.body for c in receiver.calls}) == 1
    assert {c.headers["X-Ombudsflow-Delivery"] for c in receiver.calls} == {str(outbox_id)}
    assert len({c.headers["X-Ombudsflow-Signature"] for c in receiver.calls}) == 1


def test_a_receiver_that_is_not_there_is_retried(app, db, receiver):
    url = receiver.url
    receiver.shutdown()
    receiver.server_close()
    subscribe(db, url, ["overdue"])
    published(db, "overdue")
    [outcome] = deliver_due().outcomes
    assert outcome.result == "retry" and "ConnectionError" in outcome.detail
    assert outcome.next_attempt_at == T0 + timedelta(minutes=1)


def test_rows_for_a_removed_subscription_fail_instead_of_being_sent(app, db, receiver):
    subscription_id = subscribe(db, receiver.url, ["escalated"])
    [outbox_id] = published(db, "escalated", payload={"escalation": {"kind": "protocol"}})
    remove_subscription(subscription_id, actor="admin")
    db.session.commit()

    [outcome] = deliver_due().outcomes

    assert (outcome.id, outcome.result) == (outbox_id, "failed")
    assert outcome.detail == f"webhook subscription {subscription_id} was removed"
    assert receiver.calls == []
    events = db.session.scalars(sa.select(AuditEvent.event).order_by(AuditEvent.id)).all()
    assert events == ["webhook_added", "webhook_removed", "notification_failed"]


def test_the_webhook_body_is_plain_utf8_json(app, db, receiver):
    subscribe(db, receiver.url, ["reply_received"])
    published(db, "reply_received", payload={"authority": "Київський СІЗО"})
    deliver_due()
    [call] = receiver.calls
    assert "Київський СІЗО".encode() in call.body
    assert json.loads(call.body.decode("utf-8"))["data"] == {"authority": "Київський СІЗО"}
