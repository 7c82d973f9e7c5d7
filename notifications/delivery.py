"""The delivery loop: claim due outbox rows, send each once, record what happened.

At most once, with any number of workers:
1. Claim. Due `pending` rows are locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite every
   transaction is `BEGIN IMMEDIATE`, so claims queue), marked `sending` with attempts+1, claimed_at
   and claimed_by, and committed: the attempt is on record before anything leaves the building.
2. Send, with no transaction open (a slow SMTP server never holds a database lock). Just before the
   hand-off (after the message is prepared) one UPDATE renews claimed_at and sets `handed_at`: the
   lease below counts from the start of this very send, and the row is now "in flight".
3. Record `sent`, or `pending` with exponential backoff, or `failed` once the attempts are used up.
   The update names the claim (claimed_by and attempts); a row someone else has since decided on
   is left alone.

A row still `sending` after the lease belongs to a worker that died (or lost its database). If it
was never handed over (`handed_at` empty: it waited in the dead worker's batch), nothing left the
building and it simply goes back to the queue. If it was handed over, nobody can know whether it
arrived, so it is never resent blindly: it becomes `failed` with a last_error that says so and gives
the Message-ID / delivery id to look for, and an admin decides (`retry`). Time is the engine clock's,
so `--now` and tests move it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from flask import current_app

from engine import audit, outbox
from engine.clock import clock
from engine.db import db, is_postgresql
from engine.errors import Conflict, NotFound
from engine.models import OutboxMessage

from .email import EmailChannel, MailSettings, message_id
from .errors import DeliveryUncertain, PayloadError, PermanentFailure
from .webhooks import WebhookChannel

log = logging.getLogger(__name__)

INTERRUPTED = "delivery interrupted"


class Channel(Protocol):
    name: str

    def prepare(self, row: Envelope) -> Any:
        """Everything a send needs, built before the network; may read the database."""

    def send(self, row: Envelope, prepared: Any) -> dict[str, Any]:
        """Deliver, or raise; returns details for the audit log (message id, HTTP status)."""

    def close(self) -> None: ...


CHANNELS: dict[str, Callable[[Any], Channel]] = {"email": EmailChannel, "webhook": WebhookChannel}


@dataclass(frozen=True)
class Envelope:
    """A claimed row as plain data: sending must not touch the ORM (that would open a transaction)."""

    id: int
    channel: str
    topic: str
    recipient: str
    language: str | None
    payload: dict[str, Any]
    instance_id: int | None
    business_key: str | None
    created_at: datetime
    attempts: int
    claimed_by: str

    @classmethod
    def of(cls, row: OutboxMessage) -> Envelope:
        return cls(
            row.id,
            row.channel,
            row.topic,
            row.recipient,
            row.language,
            dict(row.payload or {}),
            row.instance_id,
            row.business_key,
            row.created_at,
            row.attempts,
            row.claimed_by or "",
        )


@dataclass
class Outcome:
    id: int
    channel: str
    topic: str
    recipient: str
    # sent | retry | failed | interrupted | requeued | skipped
    result: str
    attempts: int
    detail: str = ""
    next_attempt_at: datetime | None = None


@dataclass
class DeliveryResult:
    now: datetime
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    def summary(self) -> str:
        return (
            f"delivered at {self.now.isoformat()}: {self.count('sent')} sent, "
            f"{self.count('retry')} to retry, {self.count('failed')} failed, "
            f"{self.count('interrupted')} interrupted, {self.count('requeued')} requeued, "
            f"{self.seconds * 1000:.1f} ms"
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver_due(*, batch: int | None = None, actor: str = "outbox") -> DeliveryResult:
    """Send every row due at the engine clock's now, committing as it goes; returns what happened."""
    started = time.perf_counter()
    config = current_app.config
    batch = batch or int(config["OMBUDSFLOW_OUTBOX_BATCH"])
    now = clock.now()
    result = DeliveryResult(now=now)
    # Built before anything is claimed: a broken mail setting stops the run instead of failing rows.
    channels = {name: factory(config) for name, factory in CHANNELS.items()}
    try:
        result.outcomes += _expire_interrupted(now, actor)
        while True:
            claimed = _claim(now, batch)
            for row in claimed:
                result.outcomes.append(_deliver_one(row, channels, actor))
            if len(claimed) < batch:
                break
    finally:
        for channel in channels.values():
            channel.close()
    result.seconds = time.perf_counter() - started
    return result


def _claim(now: datetime, batch: int) -> list[Envelope]:
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
    )
    if is_postgresql():
        query = query.with_for_update(skip_locked=True)
    rows = db.session.scalars(query).all()
    stamp, worker = clock.now(), worker_name()
    for row in rows:
        row.status, row.attempts, row.claimed_at, row.claimed_by = "sending", row.attempts + 1, stamp, worker
        row.handed_at = None
    db.session.flush()
    claimed = [Envelope.of(row) for row in rows]
    db.session.commit()
    return claimed


def _skipped(row: Envelope) -> Outcome:
    return Outcome(
        row.id,
        row.channel,
        row.topic,
        row.recipient,
        "skipped",
        row.attempts,
        "the claim was taken over while waiting in the batch",
    )


def _deliver_one(row: Envelope, channels: dict[str, Channel], actor: str) -> Outcome:
    channel = channels.get(row.channel)
    try:
        if channel is None:
            raise PermanentFailure(f"no deliverer for channel {row.channel!r} (known: {', '.join(channels)})")
        try:
            prepared = channel.prepare(row)
        finally:
            db.session.rollback()  # prepare only reads; end its transaction before the network
    except Exception as exc:
        return _record_failure(row, exc, actor)
    # In flight from here: the one statement that renews the lease marks the hand-off.
    if not _renew_claim(row):
        return _skipped(row)
    try:
        details = channel.send(row, prepared)
    except Exception as exc:
        return _record_failure(row, exc, actor)
    return _record_sent(row, details, actor)


def _mine(row: Envelope, *statuses: str):
    table = OutboxMessage.__table__
    return table.update().where(
        table.c.id == row.id,
        table.c.claimed_by == row.claimed_by,
        table.c.attempts == row.attempts,
        table.c.status.in_(statuses),
    )


def _renew_claim(row: Envelope) -> bool:
    now = clock.now()
    renewed = db.session.execute(_mine(row, "sending").values(claimed_at=now, handed_at=now)).rowcount
    db.session.commit()
    return renewed == 1


def _record_sent(row: Envelope, details: dict[str, Any], actor: str) -> Outcome:
    now = clock.now()
    # "failed" too: a worker that outlived its lease knows better than the guess made meanwhile.
    updated = db.session.execute(
        _mine(row, "sending", "failed").values(status="sent", sent_at=now, last_error=None)
    ).rowcount
    if updated:
        audit.record(
            "notification_sent",
            actor=actor,
            instance_id=row.instance_id,
            business_key=row.business_key,
            subject=f"outbox:{row.id}",
            details=_details(row, **details),
        )
        # Whoever needs to know that a message arrived (an act's receipt starts a legal term) hears
        # it in the same transaction.
        outbox.delivered(
            outbox.Delivered(
                row.id,
                row.channel,
                row.topic,
                row.recipient,
                row.payload,
                row.instance_id,
                row.business_key,
                now,
            )
        )
    db.session.commit()
    detail = details.get("message_id") or (
        f"HTTP {details['http_status']}" if "http_status" in details else ""
    )
    if not updated:
        log.warning("outbox %s was sent but someone else has decided on it meanwhile", row.id)
    return Outcome(row.id, row.channel, row.topic, row.recipient, "sent", row.attempts, detail)


def _record_failure(row: Envelope, exc: BaseException, actor: str) -> Outcome:
    db.session.rollback()
    now = clock.now()
    config = current_app.config
    error = _error_text(exc)
    retries = int(config.get("OMBUDSFLOW_DELIVERY_RETRIES", 6))
    if isinstance(exc, DeliveryUncertain):
        result, values = "interrupted", {"status": "failed", "last_error": _interrupted_text(row, error)}
    elif isinstance(exc, PermanentFailure | PayloadError) or row.attempts >= retries:
        suffix = (
            ""
            if isinstance(exc, PermanentFailure | PayloadError)
            else f" (attempt {row.attempts} of {retries})"
        )
        result, values = "failed", {"status": "failed", "last_error": error + suffix}
    else:
        base = timedelta(seconds=int(config["OMBUDSFLOW_DELIVERY_BACKOFF_SECONDS"]))
        values = {
            "status": "pending",
            "last_error": error,
            "next_attempt_at": now + base * 2 ** (row.attempts - 1),
        }
        result = "retry"
    updated = db.session.execute(_mine(row, "sending").values(**values)).rowcount
    if updated and values["status"] == "failed":
        audit.record(
            "notification_failed",
            actor=actor,
            instance_id=row.instance_id,
            business_key=row.business_key,
            subject=f"outbox:{row.id}",
            details=_details(row, error=values["last_error"][:1000], interrupted=result == "interrupted"),
        )
    db.session.commit()
    log.warning(
        "outbox %s (%s %s to %s): %s -> %s", row.id, row.channel, row.topic, row.recipient, error, result
    )
    return Outcome(
        row.id,
        row.channel,
        row.topic,
        row.recipient,
        result,
        row.attempts,
        values["last_error"],
        values.get("next_attempt_at"),
    )


def _expire_interrupted(now: datetime, actor: str) -> list[Outcome]:
    lease = timedelta(seconds=int(current_app.config["OMBUDSFLOW_DELIVERY_LEASE_SECONDS"]))
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at <= now - lease)
        .order_by(OutboxMessage.id)
    )
    if is_postgresql():
        query = query.with_for_update(skip_locked=True)
    outcomes = []
    for row in db.session.scalars(query).all():
        envelope = Envelope.of(row)
        if row.handed_at is None:
            outcomes.append(_requeue(row, envelope, now, actor))
            continue
        since = row.handed_at.isoformat()
        row.status = "failed"
        row.last_error = _interrupted_text(
            envelope, f"{row.claimed_by or 'a worker'} started sending at {since} and never reported back"
        )
        audit.record(
            "notification_failed",
            actor=actor,
            instance_id=row.instance_id,
            business_key=row.business_key,
            subject=f"outbox:{row.id}",
            details=_details(envelope, error=row.last_error, interrupted=True),
        )
        outcomes.append(
            Outcome(
                row.id, row.channel, row.topic, row.recipient, "interrupted", row.attempts, row.last_error
            )
        )
    db.session.commit()
    return outcomes


def _requeue(row: OutboxMessage, envelope: Envelope, now: datetime, actor: str) -> Outcome:
    """A claimed row its dead deliverer never handed over: nothing was sent, so it goes back to the
    queue as it was (the attempt it was charged is given back: none was made)."""
    detail = f"{row.claimed_by or 'a worker'} claimed it and stopped before sending it; back in the queue"
    row.status, row.next_attempt_at = "pending", now
    row.attempts = max(0, row.attempts - 1)
    row.claimed_at = row.claimed_by = None
    audit.record(
        "notification_requeued",
        actor=actor,
        instance_id=row.instance_id,
        business_key=row.business_key,
        subject=f"outbox:{row.id}",
        details=_details(envelope, reason=detail),
    )
    return Outcome(row.id, row.channel, row.topic, row.recipient, "requeued", row.attempts, detail)


def _interrupted_text(row: Envelope, cause: str) -> str:
    if row.channel == "email":
        domain = MailSettings.from_config(current_app.config).domain
        trace = (
            f"look for Message-ID {message_id(row.id, domain)} at the recipient or in the mail server's log"
        )
    elif row.channel == "webhook":
        trace = f"ask the receiver about X-Ombudsflow-Delivery {row.id}"
    else:
        trace = f"check with the recipient about outbox message {row.id}"
    return (
        f"{INTERRUPTED}: {cause}; the message may or may not have been delivered. "
        f"To find out, {trace}; then `ombudsflow outbox retry {row.id}` sends it again if it did not arrive."
    )


def _error_text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, PermanentFailure | PayloadError | DeliveryUncertain) and text:
        return text
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _details(row: Envelope, **extra: Any) -> dict[str, Any]:
    return {
        "outbox_id": row.id,
        "channel": row.channel,
        "topic": row.topic,
        "recipient": row.recipient,
        "attempts": row.attempts,
        **extra,
    }


# --- what an admin does --------------------------------------------------------------------------


def failed(limit: int = 100) -> list[OutboxMessage]:
    """Rows that gave up or were interrupted, newest first: what the outbox page shows an admin."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == "failed")
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def retry(message_id: int, *, actor: str) -> OutboxMessage:
    """A failed row goes back to pending with fresh attempts; the caller commits (like every command)."""
    row = db.session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound(f"outbox message {message_id} does not exist")
    if row.status != "failed":
        raise Conflict(f"outbox message {message_id} is {row.status}; only failed messages can be retried")
    previous = {"error": (row.last_error or "")[:1000], "attempts": row.attempts}
    table = OutboxMessage.__table__
    updated = db.session.execute(
        table.update()
        .where(table.c.id == message_id, table.c.status == "failed")
        .values(
            status="pending",
            attempts=0,
            next_attempt_at=clock.now(),
            claimed_at=None,
            claimed_by=None,
            last_error=None,
        )
    ).rowcount
    if not updated:
        raise Conflict(f"outbox message {message_id} changed while being retried; look again")
    audit.record(
        "notification_retried",
        actor=actor,
        instance_id=row.instance_id,
        business_key=row.business_key,
        subject=f"outbox:{row.id}",
        details={
            "outbox_id": row.id,
            "channel": row.channel,
            "topic": row.topic,
            "recipient": row.recipient,
            "previous": previous,
        },
    )
    db.session.flush()
    db.session.refresh(row)
    return row
