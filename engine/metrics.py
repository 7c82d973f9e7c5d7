"""What the engine tells Prometheus: commands and their time, timer lateness (`/metrics`).

Counters and histograms live in the process (prometheus-client); under gunicorn set
`PROMETHEUS_MULTIPROC_DIR` (`make serve` does) and every worker's numbers are added up at scrape
time. Numbers read from the database at scrape time (timers due, outbox backlog, incidents) are in
`state()`, for the web layer's collector.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from prometheus_client import Counter, Histogram

from .db import db

COMMANDS = Counter(
    "ombudsflow_engine_commands_total", "Engine commands run, by command and outcome", ["command", "outcome"]
)
COMMAND_SECONDS = Histogram(
    "ombudsflow_engine_command_seconds",
    "Time of one engine command inside its transaction (commit not included)",
    ["command"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
TIMER_LATENESS = Histogram(
    "ombudsflow_timer_lateness_seconds",
    "How long after its due time a timer fired",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600),
)

F = TypeVar("F", bound=Callable[..., Any])


def command(name: str) -> Callable[[F], F]:
    """Count and time an engine command (errors are counted by their class name)."""

    def decorate(func: F) -> F:
        timer = COMMAND_SECONDS.labels(name)
        ok = COMMANDS.labels(name, "ok")

        @wraps(func)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                COMMANDS.labels(name, type(exc).__name__).inc()
                raise
            timer.observe(time.perf_counter() - started)
            ok.inc()
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


@dataclass(frozen=True)
class State:
    timers_due: int
    timers_overdue: int
    timers_failed: int
    outbox_backlog: int
    outbox_failed: int
    incidents_open: int


def state(now: datetime, overdue_after: timedelta = timedelta(minutes=1)) -> State:
    """Counts from the projection tables, each an index read (one statement)."""
    from .models import Incident, OutboxMessage, Timer

    def count(model, *where):
        return sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery()

    row = db.session.execute(
        sa.select(
            count(Timer, Timer.status == "waiting", Timer.fire_at <= now).label("due"),
            count(Timer, Timer.status == "waiting", Timer.fire_at <= now - overdue_after).label("overdue"),
            count(Timer, Timer.status == "failed").label("failed"),
            count(OutboxMessage, OutboxMessage.status.in_(("pending", "sending"))).label("backlog"),
            count(OutboxMessage, OutboxMessage.status == "failed").label("outbox_failed"),
            count(Incident, Incident.resolved_at.is_(None)).label("incidents"),
        )
    ).one()
    return State(row.due, row.overdue, row.failed, row.backlog, row.outbox_failed, row.incidents)
