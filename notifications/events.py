"""What the domain calls when something a webhook subscriber may care about has happened.

`publish` only writes outbox rows, in the caller's transaction (DESIGN.md rule 6): if the step that
published rolls back, no subscriber hears of it; if it commits, each subscriber's row is delivered
and retried on its own.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from engine.db import db
from engine.models import OutboxMessage
from engine.outbox import enqueue

from .models import WebhookSubscription
from .webhooks import EVENTS


def publish(
    event: str,
    payload: dict[str, Any],
    instance_id: int | None = None,
    business_key: str | None = None,
    *,
    dedupe_key: str | None = None,
) -> list[OutboxMessage]:
    """One `webhook` outbox row per active subscription to `event`; returns the rows (maybe none).

    With a `dedupe_key` (e.g. "overdue:R-2026-0007:2026-12-23"), publishing the same fact twice
    enqueues once per subscriber.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}; known: {', '.join(EVENTS)}")
    active = db.session.scalars(
        sa.select(WebhookSubscription)
        .where(WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)
    )
    rows = []
    for subscription in active:
        if event not in (subscription.events or []):
            continue
        row = enqueue(
            channel="webhook",
            topic=event,
            recipient=str(subscription.id),
            payload=payload,
            instance_id=instance_id,
            business_key=business_key,
            dedupe_key=f"{dedupe_key}:webhook:{subscription.id}" if dedupe_key else None,
        )
        if row is not None:
            rows.append(row)
    return rows
