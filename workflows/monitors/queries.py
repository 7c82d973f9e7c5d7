"""Questions about the pool that group proposals and pages ask: who completed the basic training,
who is away, who declared a conflict with a place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from engine.db import db

from .models import (
    BASIC_PROGRAMME,
    ConflictOfInterest,
    Monitor,
    MonitorAbsence,
    MonitorExpertise,
    TrainingModule,
    TrainingRecord,
)


def required_modules() -> list[TrainingModule]:
    return db.session.scalars(
        sa.select(TrainingModule)
        .where(TrainingModule.programme == BASIC_PROGRAMME, TrainingModule.required.is_(True))
        .order_by(TrainingModule.sort, TrainingModule.code)
    ).all()


def all_modules() -> list[TrainingModule]:
    return db.session.scalars(
        sa.select(TrainingModule).order_by(TrainingModule.sort, TrainingModule.code)
    ).all()


def trained_ids(monitor_ids: list[int] | None = None) -> set[int]:
    """Monitors who completed every required module of the basic programme."""
    required = [m.code for m in required_modules()]
    query = sa.select(TrainingRecord.monitor_id).where(TrainingRecord.module_code.in_(required))
    if monitor_ids is not None:
        query = query.where(TrainingRecord.monitor_id.in_(monitor_ids))
    query = query.group_by(TrainingRecord.monitor_id).having(
        sa.func.count(sa.distinct(TrainingRecord.module_code)) == len(required)
    )
    if not required:
        ids = (
            sa.select(Monitor.id)
            if monitor_ids is None
            else sa.select(Monitor.id).where(Monitor.id.in_(monitor_ids))
        )
        return set(db.session.scalars(ids))
    return set(db.session.scalars(query))


def training_status(monitor: Monitor) -> dict[str, date | None]:
    """Each required module's completion date (None: not completed)."""
    done: dict[str, date] = {}
    for record in monitor.training:
        if record.module_code not in done or record.completed_on > done[record.module_code]:
            done[record.module_code] = record.completed_on
    return {m.code: done.get(m.code) for m in required_modules()}


def conflicted_ids(facility_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ConflictOfInterest.monitor_id).where(ConflictOfInterest.facility_id == facility_id)
        )
    )


def absent_ids(starts_on: date, ends_on: date, *, whole_period: bool = False) -> set[int]:
    """Monitors away during the period: for any day of it, or (`whole_period`) for all of it."""
    query = sa.select(MonitorAbsence.monitor_id)
    if whole_period:
        query = query.where(MonitorAbsence.starts_on <= starts_on, MonitorAbsence.ends_on >= ends_on)
    else:
        query = query.where(MonitorAbsence.starts_on <= ends_on, MonitorAbsence.ends_on >= starts_on)
    return set(db.session.scalars(query))


@dataclass
class PoolRow:
    monitor: Monitor
    trained: bool


def pool(
    *, kind: str | None = None, region: str | None = None, expertise: str | None = None, q: str | None = None
) -> list[PoolRow]:
    query = sa.select(Monitor).where(Monitor.active.is_(True))
    if kind:
        query = query.where(Monitor.kind == kind)
    if region:
        query = query.where(Monitor.region_code == region)
    if expertise:
        query = query.where(
            Monitor.id.in_(
                sa.select(MonitorExpertise.monitor_id).where(MonitorExpertise.expertise == expertise)
            )
        )
    monitors = db.session.scalars(query.order_by(Monitor.name)).all()
    if q and q.strip():
        needle = q.strip().casefold()
        monitors = [m for m in monitors if needle in m.name.casefold() or needle in m.email.casefold()]
    trained = trained_ids([m.id for m in monitors])
    return [PoolRow(m, m.id in trained) for m in monitors]
