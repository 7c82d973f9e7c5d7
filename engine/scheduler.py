"""Background jobs: the timer loop, and interval jobs (outbox delivery, digests, checkpoints).

Every process may run them — its own process (`ombudsflow scheduler`), or inside the web workers
(`OMBUDSFLOW_SCHEDULER=1`) — because every job claims its rows with locks: several schedulers on
several hosts fire each timer once and send each message once.

Timers fire within about a second of their due time: the timer loop sleeps until the soonest
waiting timer (an index read) and no longer than `OMBUDSFLOW_SWEEP_INTERVAL`. On PostgreSQL a
trigger on `timer` sends `NOTIFY ombudsflow_timers` with the earliest fire time written, so a
timer written by any process for sooner than the loop's wake-up wakes it at once (LISTEN). SQLite
has no notifications: there the loop also looks again every `OMBUDSFLOW_SWEEP_POLL` seconds.

A scheduler writes a heartbeat row (`scheduler_heartbeat`) on every turn; `/readyz` reads it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from . import clock as clock_module
from . import correlation
from .clock import clock
from .db import db

log = logging.getLogger(__name__)

CHANNEL = "ombudsflow_timers"
HEARTBEAT_SECONDS = 5.0


@dataclass
class Job:
    name: str
    func: Callable[[], object]
    seconds_setting: str


_jobs: dict[str, Job] = {}


def register_job(name: str, func: Callable[[], object], *, seconds_setting: str) -> None:
    """Run `func` every `app.config[seconds_setting]` seconds (jobs that need a time of day check the
    engine clock themselves, so that they also follow a moved clock)."""
    _jobs[name] = Job(name, func, seconds_setting)


def jobs() -> list[Job]:
    return list(_jobs.values())


def run_job(app: Flask, job: Job) -> None:
    """One run of a job in its own app context and session; a failure is logged, not raised."""
    with app.app_context(), correlation.use(correlation.new_id(f"job-{job.name}")):
        try:
            sync_clock(app)
            job.func()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job.name)
        finally:
            db.session.remove()


def sync_clock(app: Flask) -> None:
    if app.config.get("OMBUDSFLOW_CLOCK_ADJUSTABLE"):
        clock_module.sync(db.session)


# --- the timer loop --------------------------------------------------------------------------------


def _name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class TimerLoop(threading.Thread):
    """Sleeps until the soonest timer (or a NOTIFY of a sooner one), then sweeps."""

    def __init__(self, app: Flask) -> None:
        super().__init__(name="ombudsflow-timers", daemon=True)
        self.app = app
        self.stopping = threading.Event()
        self.name_in_db = _name()
        self.last_heartbeat = 0.0
        self.listener = None
        self.wakeups = 0

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._turn()
            except Exception:
                log.exception("timer loop failed; retrying in a second")
                self._close_listener()
                self.stopping.wait(1.0)

    def _turn(self) -> None:
        from . import timers

        app = self.app
        interval = max(float(app.config.get("OMBUDSFLOW_SWEEP_INTERVAL", 30)), 0.5)
        with app.app_context():
            try:
                self._listen()
                sync_clock(app)
                self._heartbeat()
                with correlation.use(correlation.new_id("sweep")):
                    timers.sweep()
                soonest = timers.next_fire_at()
                db.session.commit()
            finally:
                db.session.remove()
        wait = interval
        if soonest is not None:
            wait = min(wait, max((soonest - clock.now()).total_seconds(), 0.0))
        if self.listener is None:  # SQLite: look again now and then for timers other processes wrote
            wait = min(wait, max(float(app.config.get("OMBUDSFLOW_SWEEP_POLL", 1)), 0.05))
        wait = min(wait, HEARTBEAT_SECONDS)
        self._sleep(wait, soonest)

    def _listen(self) -> None:
        if self.listener is not None or db.engine.dialect.name != "postgresql":
            return
        raw = db.engine.raw_connection()
        conn = raw.driver_connection
        conn.autocommit = True
        conn.execute(f"LISTEN {CHANNEL}")
        self.listener = raw

    def _close_listener(self) -> None:
        if self.listener is not None:
            with contextlib.suppress(Exception):
                self.listener.invalidate()
            self.listener = None

    def _sleep(self, seconds: float, planned: datetime | None) -> None:
        """Wait `seconds`, or less when a NOTIFY names a timer due before `planned`."""
        deadline = time.monotonic() + seconds
        if self.listener is None:
            self.stopping.wait(seconds)
            return
        conn = self.listener.driver_connection
        while not self.stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _w, _x = select.select([conn.fileno()], [], [], min(left, 1.0))
            if not ready:
                continue
            for note in conn.notifies(timeout=0):
                self.wakeups += 1
                try:
                    due = datetime.fromtimestamp(float(note.payload), UTC)
                except ValueError:
                    return
                if planned is None or due < planned:
                    # Due now or before we planned to look: sweep at its due time, not later.
                    delay = (due - clock.now()).total_seconds()
                    if delay > 0:
                        self.stopping.wait(min(delay, left))
                    return

    def _heartbeat(self) -> None:
        now = time.monotonic()
        if now - self.last_heartbeat < HEARTBEAT_SECONDS:
            return
        beat(self.name_in_db)
        self.last_heartbeat = now


def beat(name: str) -> None:
    """Say "this scheduler is alive" (one row per process, rewritten)."""
    from .models import SchedulerHeartbeat

    table = SchedulerHeartbeat.__table__
    real_now = datetime.now(UTC)
    updated = db.session.execute(table.update().where(table.c.name == name).values(seen_at=real_now))
    if updated.rowcount == 0:
        db.session.execute(table.insert().values(name=name, started_at=real_now, seen_at=real_now))
    db.session.commit()


def alive(within_seconds: float) -> list[str]:
    """Schedulers that wrote a heartbeat in the last `within_seconds` (real time, not the engine's)."""
    from .models import SchedulerHeartbeat

    since = datetime.now(UTC).timestamp() - within_seconds
    rows = db.session.execute(sa.select(SchedulerHeartbeat.name, SchedulerHeartbeat.seen_at)).all()
    return [r.name for r in rows if r.seen_at.timestamp() >= since]


# --- starting --------------------------------------------------------------------------------------


@dataclass
class Running:
    interval_jobs: BackgroundScheduler
    timer_loop: TimerLoop

    def stop(self) -> None:
        self.timer_loop.stop()
        self.interval_jobs.shutdown(wait=False)
        self.timer_loop.join(timeout=10)
        self.timer_loop._close_listener()

    def is_alive(self) -> bool:
        return self.timer_loop.is_alive() and self.interval_jobs.running


def start(app: Flask) -> Running:
    """The timer loop and the interval jobs in this process (background threads)."""
    interval_jobs = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for job in _jobs.values():
        trigger = IntervalTrigger(seconds=max(int(app.config[job.seconds_setting]), 1))
        interval_jobs.add_job(run_job, trigger, args=[app, job], id=job.name, name=job.name)
    interval_jobs.start()
    loop = TimerLoop(app)
    loop.start()
    running = Running(interval_jobs, loop)
    app.extensions["ombudsflow_scheduler"] = running
    log.info("scheduler started: timer loop and jobs %s", ", ".join(_jobs))
    return running
