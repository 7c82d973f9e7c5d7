"""The audit log's hash chain: what makes a gap or an edit in it visible.

Each event's `digest` is the sha256 of its canonical content (below), computed by the writer and
sent in the same INSERT; its `chain_hash` is sha256(previous chain_hash + digest) and `chain_seq`
counts 1, 2, 3, … The head of the chain is one row of `audit_chain`.

- SQLite: the writer holds the database's write lock anyway, so each event is chained in its own
  transaction (`advance_sqlite`).
- PostgreSQL: events are inserted with their digest only and *sealed* into the chain, in id order,
  by `audit_seal()` (migration 0051: one function running as the owner; the application's role
  may only EXECUTE it) — every few seconds by the scheduler's `audit-seal` job and before each
  `verify`. Chaining at insert time would hold the head's row lock from a command's first audit
  event to its commit: every writer would wait for every other, and a timer sweep's batch (which
  writes audit events, then locks the next instance) would deadlock against a completion (which
  locks its instance, then writes its events). Sealing costs a command nothing; the price is a
  window of a few seconds in which an event is not yet chained — and only the owner or a superuser
  could remove it then (the application's role can neither UPDATE, DELETE nor TRUNCATE).

An operator with the application's rights cannot UPDATE, DELETE or TRUNCATE the log (triggers) nor
switch the triggers off (the application role owns nothing: docs/OPERATIONS.md). The owner can, and
that is what `verify` is for: an edited event no longer matches its digest, a deleted one leaves a
gap in chain_seq and breaks the next hash, a cut tail disagrees with the head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

GENESIS = "0" * 64

_CONTENT = (
    "actor",
    "event",
    "instance_id",
    "business_key",
    "task_id",
    "element_id",
    "subject",
    "request_id",
)


def digest(row: dict[str, Any]) -> str:
    """sha256 of an event's content: its fields in a fixed JSON form (sorted keys, UTC time to the
    microsecond), so the value is the same written from Python and read back from either database."""
    at: datetime = row["at"]
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    content = {name: row.get(name) for name in _CONTENT}
    content["at"] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    details = row.get("details")
    content["details"] = details if details is not None else {}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def link(previous: str, digest_hex: str) -> str:
    return hashlib.sha256((previous + digest_hex).encode()).hexdigest()


_ADVANCE = sa.text(
    "UPDATE audit_chain SET seq = seq + 1, hash = ombudsflow_sha256(hash || :digest)"
    " WHERE id = 1 RETURNING seq, hash"
)


def advance_sqlite(conn: sa.Connection, digest_hex: str) -> tuple[int, str]:
    """SQLite: move the head in this transaction (one statement; `ombudsflow_sha256` is registered
    on every SQLite connection by engine/db.py) and return the new (seq, hash) for the row."""
    seq, value = conn.execute(_ADVANCE, {"digest": digest_hex}).one()
    return int(seq), value


_SEAL = sa.text("SELECT audit_seal(:n)")


def seal(conn: sa.Connection, *, batch: int = 5000) -> int:
    """PostgreSQL: chain every event not yet chained (in batches, each its own transaction);
    returns how many. SQLite chains at insert: nothing to do."""
    if conn.dialect.name != "postgresql":
        return 0
    total = 0
    while True:
        sealed = int(conn.execute(_SEAL, {"n": batch}).scalar() or 0)
        conn.commit()
        total += sealed
        if sealed < batch:
            return total


def seal_job() -> None:
    """The scheduler's `audit-seal` job (engine/__init__.py)."""
    from .db import db

    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect() as conn:
        seal(conn)


@dataclass
class Break:
    chain_seq: int | None
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event id {self.event_id}" if self.event_id is not None else "the chain's head"
        return f"chain_seq {self.chain_seq}, {where}: {self.problem}"


@dataclass
class Report:
    checked: int
    head_seq: int
    broken: Break | None


def _events(conn: sa.Connection, batch: int) -> Iterator[Any]:
    from .models import AuditEvent

    table = AuditEvent.__table__
    last = 0
    while True:
        rows = conn.execute(
            sa.select(table).where(table.c.chain_seq > last).order_by(table.c.chain_seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].chain_seq


def verify(conn: sa.Connection, *, batch: int = 5000) -> Report:
    """Walk the chain from the first event; stop at the first event that does not hold."""
    from .models import AuditEvent

    checked, previous, expected_seq = 0, GENESIS, 1
    unchained = conn.execute(
        sa.select(sa.func.min(AuditEvent.id)).where(AuditEvent.chain_seq.is_(None))
    ).scalar()
    if unchained is not None:
        return Report(0, 0, Break(None, unchained, "an event outside the chain (no chain_seq)"))
    for row in _events(conn, batch):
        if row.chain_seq != expected_seq:
            return Report(
                checked,
                expected_seq - 1,
                Break(
                    row.chain_seq,
                    row.id,
                    f"gap: events {expected_seq}..{row.chain_seq - 1} are missing (deleted)",
                ),
            )
        mapping = row._mapping
        actual = digest(dict(mapping))
        if actual != row.digest:
            return Report(
                checked,
                expected_seq - 1,
                Break(row.chain_seq, row.id, "content edited: it does not match its digest"),
            )
        if link(previous, row.digest) != row.chain_hash:
            return Report(
                checked,
                expected_seq - 1,
                Break(row.chain_seq, row.id, "chain hash does not follow from the previous event"),
            )
        previous, expected_seq, checked = row.chain_hash, expected_seq + 1, checked + 1
    head = conn.execute(sa.text("SELECT seq, hash FROM audit_chain WHERE id = 1")).one_or_none()
    if head is None:
        return Report(checked, 0, Break(None, None, "the chain's head row is missing"))
    if int(head.seq) != expected_seq - 1 or head.hash != previous:
        return Report(
            checked,
            int(head.seq),
            Break(
                int(head.seq),
                None,
                f"the head says {head.seq} events, the log ends at {expected_seq - 1}"
                " (the newest events were deleted)",
            ),
        )
    return Report(checked, int(head.seq), None)
