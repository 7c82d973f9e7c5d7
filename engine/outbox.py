"""Writing side effects as rows in the caller's transaction (rule 6 of DESIGN.md).

The engine and the domain only ever *enqueue*; `notifications/` claims, delivers and marks rows.
A row commits or rolls back with the state change that caused it, so a reminder is never sent for
a step that did not happen, and never lost for one that did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .clock import clock
from .db import db
from .models import OutboxMessage

log = logging.getLogger(__name__)


def add(
    *,
    channel: str,
    topic: str,
    recipient: str,
    payload: dict[str, Any] | None = None,
    language: str | None = None,
    instance_id: int | None = None,
    business_key: str | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> int | None:
    """Add one message and return its id; with a `dedupe_key` already used, add nothing and return
    None. What the hot paths call (the domain's notices, digests, service tasks).

    One statement either way (`INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`, on
    PostgreSQL and SQLite alike): two workers racing to enqueue the same reminder or digest both
    go on, and the unique key decides which row exists. No savepoint, no read before the write.
    """
    now = clock.now()
    values = {
        "created_at": now,
        "channel": channel,
        "topic": topic,
        "recipient": recipient,
        "payload": payload or {},
        "language": language,
        "instance_id": instance_id,
        "business_key": business_key,
        "dedupe_key": dedupe_key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": not_before or now,
    }
    conn = db.session.connection()
    statement = _INSERT_DEDUPED[conn.dialect.name] if dedupe_key is not None else _INSERT
    return conn.execute(statement, values).scalar()


def enqueue(**kwargs: Any) -> OutboxMessage | None:
    """`add`, returning the row (the earlier one when the `dedupe_key` was used): for callers that
    show or change it."""
    new_id = add(**kwargs)
    if new_id is not None:
        return db.session.get(OutboxMessage, new_id)
    if kwargs.get("dedupe_key") is None:
        return None
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key == kwargs["dedupe_key"]))


_table = OutboxMessage.__table__
_INSERT = _table.insert().returning(_table.c.id)
_INSERT_DEDUPED = {
    "postgresql": postgresql.insert(_table)
    .on_conflict_do_nothing(index_elements=["dedupe_key"])
    .returning(_table.c.id),
    "sqlite": sqlite.insert(_table)
    .on_conflict_do_nothing(index_elements=["dedupe_key"])
    .returning(_table.c.id),
}


class InstanceOutbox:
    """The outbox as a service handler sees it: rows are tagged with the instance they belong to."""

    def __init__(self, instance_id: int, business_key: str | None) -> None:
        self.instance_id = instance_id
        self.business_key = business_key

    def enqueue(self, **kwargs: Any) -> OutboxMessage | None:
        return enqueue(**self._tagged(kwargs))

    def add(self, **kwargs: Any) -> int | None:
        return add(**self._tagged(kwargs))

    def _tagged(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        kwargs.setdefault("instance_id", self.instance_id)
        kwargs.setdefault("business_key", self.business_key)
        return kwargs


# --- hearing that a row was delivered --------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    """A row the deliverer has just handed over (an SMTP server accepted the e-mail, a webhook
    receiver answered 2xx): what a listener may need to know, nothing of the transport."""

    id: int
    channel: str
    topic: str
    recipient: str
    payload: dict[str, Any]
    instance_id: int | None
    business_key: str | None
    sent_at: datetime


DeliveredListener = Callable[[Delivered], None]
_delivered_listeners: list[DeliveredListener] = []


def on_delivered(listener: DeliveredListener) -> DeliveredListener:
    """Register a function the deliverer calls, in the transaction that records the row as sent.
    A listener that fails is logged and rolled back on its own: the row stays sent."""
    if listener not in _delivered_listeners:
        _delivered_listeners.append(listener)
    return listener


def delivered(event: Delivered) -> None:
    for listener in _delivered_listeners:
        savepoint = db.session.begin_nested()
        try:
            listener(event)
            savepoint.commit()
        except Exception:
            savepoint.rollback()
            log.exception("a delivery listener failed for outbox row %s (%s)", event.id, event.topic)
