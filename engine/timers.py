"""The timer sweep: fire what is due at the engine clock, by index, once, on any number of workers.

Due rows are claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL) in batches ordered by due time, so
parallel sweepers split the work and a timer fires once; on SQLite the writer lock and the instance
version check give the same guarantee. Each instance fires inside a savepoint: one broken diagram
becomes an incident with retries and backoff and does not hold back the rest of the batch. The cost
of a sweep grows with the number of due timers, never with the number of instances.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from . import audit, instances, metrics
from .clock import clock
from .db import db, is_postgresql
from .errors import Conflict, EngineError, NotFound
from .models import Incident, ProcessInstance, Timer

RETRY_BASE = timedelta(minutes=1)


@dataclass
class Fired:
    instance_id: int
    business_key: str | None
    element_id: str
    name: str | None
    due_at: datetime


@dataclass
class SweepResult:
    now: datetime
    claimed: int = 0
    fired: list[Fired] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"swept at {self.now.isoformat()}: {len(self.fired)} timer(s) fired, "
            f"{len(self.incidents)} incident(s), {self.skipped} skipped, {self.seconds * 1000:.1f} ms"
        )


def _claim(now: datetime, batch: int) -> list:
    query = (
        sa.select(Timer.id, Timer.instance_id, Timer.attempts, Timer.element_id)
        .where(Timer.status == "waiting", Timer.fire_at < now)
        .order_by(Timer.fire_at, Timer.id)
        .limit(batch)
    )
    if is_postgresql():
        query = query.with_for_update(skip_locked=True)
    return db.session.execute(query).all()


def sweep(*, batch: int | None = None, max_batches: int | None = None, actor: str = "timer") -> SweepResult:
    """Fire every due timer, committing after each batch; returns what fired and what failed."""
    started = time.perf_counter()
    batch = batch or current_app.config.get("OMBUDSFLOW_SWEEP_BATCH", 100)
    now = clock.now()
    result = SweepResult(now=now)
    seen: set[str] = set()
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        rows = [r for r in _claim(now, batch) if r.id not in seen]
        if not rows:
            db.session.commit()
            break
        result.claimed += len(rows)
        seen.update(r.id for r in rows)
        by_instance: dict[int, list] = {}
        for row in rows:
            by_instance.setdefault(row.instance_id, []).append(row)
        for instance_id, timer_rows in by_instance.items():
            _fire_one(instance_id, timer_rows, actor, now, result)
        db.session.commit()
        if len(rows) < batch:
            break
    result.seconds = time.perf_counter() - started
    return result


def next_fire_at() -> datetime | None:
    """When the soonest waiting timer is due (one index read of `timer (status, fire_at)`)."""
    return db.session.scalar(sa.select(sa.func.min(Timer.fire_at)).where(Timer.status == "waiting"))


def _fire_one(instance_id: int, timer_rows: list, actor: str, now: datetime, result: SweepResult) -> None:
    savepoint = db.session.begin_nested()
    try:
        fired = instances.fire_timers(instance_id, actor=actor)
        savepoint.commit()
    except (Conflict, NotFound):
        savepoint.rollback()
        result.skipped += len(timer_rows)
        return
    except Exception as exc:
        savepoint.rollback()
        result.incidents.append(_record_failure(instance_id, timer_rows, exc, now))
        return
    for timer in fired.fired:
        metrics.TIMER_LATENESS.observe(max((now - timer.due_at).total_seconds(), 0.0))
        result.fired.append(
            Fired(instance_id, fired.business_key, timer.element_id, timer.name, timer.due_at)
        )


def _record_failure(instance_id: int, timer_rows: list, exc: BaseException, now: datetime) -> int:
    retries = current_app.config.get("OMBUDSFLOW_TIMER_RETRIES", 3)
    attempts = max(r.attempts for r in timer_rows) + 1
    retries_left = max(retries - attempts, 0)
    message = exc.message if isinstance(exc, EngineError) else f"{exc.__class__.__name__}: {exc}"
    stack = getattr(exc, "details", {}).get("stack") or "".join(traceback.format_exception(exc))
    tt = Timer.__table__
    ids = [r.id for r in timer_rows]
    if retries_left > 0:
        values = {
            "attempts": attempts,
            "last_error": message,
            "fire_at": now + RETRY_BASE * (4 ** (attempts - 1)),
        }
    else:
        values = {"attempts": attempts, "last_error": message, "status": "failed"}
    db.session.execute(tt.update().where(tt.c.id.in_(ids)).values(**values))
    incident = db.session.scalar(
        sa.select(Incident).where(
            Incident.instance_id == instance_id, Incident.resolved_at.is_(None), Incident.timer_id == ids[0]
        )
    )
    if incident is None:
        incident = Incident(
            instance_id=instance_id,
            timer_id=ids[0],
            element_id=timer_rows[0].element_id,
            kind="timer",
            message=message,
            stack=stack,
            retries_left=retries_left,
            created_at=now,
        )
        db.session.add(incident)
        pi = ProcessInstance.__table__
        db.session.execute(
            pi.update().where(pi.c.id == instance_id).values(open_incidents=pi.c.open_incidents + 1)
        )
    else:
        incident.message, incident.stack, incident.retries_left = message, stack, retries_left
    db.session.flush()
    business_key = db.session.scalar(
        sa.select(ProcessInstance.business_key).where(ProcessInstance.id == instance_id)
    )
    audit.record(
        "incident",
        actor="timer",
        instance_id=instance_id,
        business_key=business_key,
        element_id=timer_rows[0].element_id,
        details={"incident_id": incident.id, "message": message[:500], "retries_left": retries_left},
    )
    return incident.id


# --- incidents -------------------------------------------------------------------------------------


def open_incidents(limit: int = 100) -> list[Incident]:
    return list(
        db.session.scalars(
            sa.select(Incident)
            .where(Incident.resolved_at.is_(None))
            .order_by(Incident.id.desc())
            .limit(limit)
        )
    )


def retry_incident(incident_id: int, *, actor: str) -> Incident:
    """Give a failed timer another go at the next sweep, and close the incident."""
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"incident {incident_id} does not exist")
    if incident.resolved_at is not None:
        raise Conflict(f"incident {incident_id} is already resolved")
    now = clock.now()
    tt = Timer.__table__
    if incident.timer_id:
        db.session.execute(
            tt.update()
            .where(tt.c.id == incident.timer_id)
            .values(status="waiting", attempts=0, fire_at=now - timedelta(seconds=1))
        )
    _resolve(incident, actor, now, "retried")
    return incident


def resolve_incident(incident_id: int, *, actor: str, note: str = "") -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"incident {incident_id} does not exist")
    if incident.resolved_at is not None:
        raise Conflict(f"incident {incident_id} is already resolved")
    _resolve(incident, actor, clock.now(), note or "resolved")
    return incident


def _resolve(incident: Incident, actor: str, now: datetime, how: str) -> None:
    incident.resolved_at, incident.resolved_by = now, actor
    pi = ProcessInstance.__table__
    db.session.execute(
        pi.update()
        .where(pi.c.id == incident.instance_id, pi.c.open_incidents > 0)
        .values(open_incidents=pi.c.open_incidents - 1)
    )
    audit.record(
        "incident_resolved",
        actor=actor,
        instance_id=incident.instance_id,
        element_id=incident.element_id,
        details={"incident_id": incident.id, "how": how},
    )
    db.session.flush()
