"""The append-only audit log: who did what, when, to which instance and task.

Every command and every timer firing appends events here in its own transaction. The table refuses
UPDATE, DELETE and TRUNCATE at the database level (triggers created by the migrations), so the
history a lawyer shows in court cannot be edited from the application; each event is chained to the
previous one by hash (engine/audit_chain.py), so an edit by the owner shows in `ombudsflow audit
verify`.
"""

from __future__ import annotations

from typing import Any

from . import audit_chain, correlation, writes
from .clock import clock
from .db import db, is_postgresql
from .models import AuditEvent

# inline: no RETURNING of the new id (nobody reads it), so the row can travel in a pipeline.
_INSERT = AuditEvent.__table__.insert().inline()


def record(
    event: str,
    *,
    actor: str,
    instance_id: int | None = None,
    business_key: str | None = None,
    task_id: str | None = None,
    element_id: str | None = None,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
    deferred: bool = False,
) -> None:
    """Append one event in the caller's transaction, written at once (a Core INSERT: every command
    records one, and the ORM's unit of work costs more than the row); `deferred`: with the engine
    command's other writes, in one round trip (engine/writes.py)."""
    row = {
        "at": clock.now(),
        "actor": actor,
        "event": event,
        "instance_id": instance_id,
        "business_key": business_key,
        "task_id": task_id,
        "element_id": element_id,
        "subject": subject,
        "details": details or {},
        # the web request or scheduler job doing this (engine/correlation.py), as in the logs
        "request_id": correlation.get(),
    }
    # A column of the same INSERT: no statement of its own on PostgreSQL, where the sealer chains
    # the event a few seconds later (engine/audit_chain.py).
    row["digest"] = audit_chain.digest(row)
    if is_postgresql():
        row["chain_seq"] = row["chain_hash"] = None
    else:
        # SQLite: the transaction holds the write lock (BEGIN IMMEDIATE), so moving the head now
        # keeps the chain in commit order even when the insert itself is deferred.
        row["chain_seq"], row["chain_hash"] = audit_chain.advance_sqlite(
            db.session.connection(), row["digest"]
        )
    if deferred:
        writes.defer(_INSERT, row)
    else:
        db.session.connection().execute(_INSERT, row)


def data_diff(before: dict[str, Any], after: dict[str, Any], limit: int = 40) -> dict[str, Any]:
    """A summary of what a step changed in the data: names added, changed and removed.

    Values are kept short: the audit log is for finding out what happened, not a second copy of
    every document.
    """
    added = {k: _short(after[k]) for k in after.keys() - before.keys()}
    changed = {k: _short(after[k]) for k in after.keys() & before.keys() if after[k] != before[k]}
    removed = sorted(before.keys() - after.keys())
    summary: dict[str, Any] = {}
    if added:
        summary["added"] = dict(sorted(added.items())[:limit])
    if changed:
        summary["changed"] = dict(sorted(changed.items())[:limit])
    if removed:
        summary["removed"] = removed[:limit]
    return summary


def _short(value: Any, width: int = 200) -> Any:
    if isinstance(value, str) and len(value) > width:
        return value[: width - 1] + "…"
    if isinstance(value, dict | list):
        text = repr(value)
        return value if len(text) <= width else text[: width - 1] + "…"
    return value
