"""Background jobs (timer sweep, outbox delivery, digests) on APScheduler, one scheduler per process.

Every worker may run every job: the jobs claim their rows with locks, so running them on several
processes at once is safe and only spreads the load. Packages register jobs at start-up; `start`
runs them when `OMBUDSFLOW_SCHEDULER` is on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from . import clock as clock_module
from .db import db

log = logging.getLogger(__name__)


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
    with app.app_context():
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


def start(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for job in _jobs.values():
        trigger = IntervalTrigger(seconds=max(int(app.config[job.seconds_setting]), 1))
        scheduler.add_job(run_job, trigger, args=[app, job], id=job.name, name=job.name)
    scheduler.start()
    app.extensions["ombudsflow_scheduler"] = scheduler
    log.info("scheduler started with jobs: %s", ", ".join(_jobs))
    return scheduler
