"""Keeping the monitoring pool: people, their expertise, training, absences and conflicts of interest.
Every change is audited; the rules a group proposal relies on (trained, available, no conflict)
are answered by `queries`."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..errors import Invalid, NotFound
from ..facilities.models import Facility
from ..reference.models import Region
from ..users.models import User
from .models import (
    EXPERTISE,
    MONITOR_KINDS,
    ConflictOfInterest,
    Monitor,
    MonitorAbsence,
    MonitorExpertise,
    TrainingModule,
    TrainingRecord,
)


def get(monitor_id: int) -> Monitor:
    monitor = db.session.get(Monitor, monitor_id)
    if monitor is None:
        raise NotFound(_("Monitor %(id)s does not exist.", id=monitor_id))
    return monitor


def _check(
    *, name: str, kind: str, region: str, user_id: int | None, expertise: list[str], monitor: Monitor | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len((name or "").strip()) < 2:
        errors["name"] = [_("Enter the person's name.")]
    if kind not in MONITOR_KINDS:
        errors["kind"] = [_("Choose staff or civil-society monitor.")]
    if db.session.get(Region, region or "") is None:
        errors["region"] = [_("Unknown region.")]
    unknown = [e for e in expertise if e not in EXPERTISE]
    if unknown:
        errors["expertise"] = [_("Unknown expertise: %(value)s", value=", ".join(unknown))]
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None:
            errors["user_id"] = [_("No such user.")]
        else:
            other = db.session.scalar(sa.select(Monitor.id).where(Monitor.user_id == user_id))
            if other is not None and (monitor is None or other != monitor.id):
                errors["user_id"] = [_("This account already belongs to another person of the pool.")]
            elif kind == "staff" and user.role not in ("lawyer", "manager", "admin"):
                errors["user_id"] = [_("A staff member's account must be the Office's (lawyer or manager).")]
    elif kind == "staff":
        errors["user_id"] = [_("Link a staff member to their account: a group leader approves the group.")]
    return errors


def create(
    *,
    name: str,
    kind: str,
    region: str,
    user_id: int | None = None,
    email: str = "",
    phone: str = "",
    expertise: list[str] | None = None,
    note: str = "",
    actor: str,
) -> Monitor:
    expertise = sorted(set(expertise or []))
    errors = _check(name=name, kind=kind, region=region, user_id=user_id, expertise=expertise, monitor=None)
    if errors:
        raise Invalid(_("The person was not saved."), errors)
    monitor = Monitor(
        name=name.strip(),
        kind=kind,
        region_code=region,
        user_id=user_id,
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        note=note or "",
        created_at=clock.now(),
    )
    monitor.expertise = [MonitorExpertise(expertise=e) for e in expertise]
    db.session.add(monitor)
    db.session.flush()
    audit.record(
        "monitor_added",
        actor=actor,
        subject=f"monitor:{monitor.id}",
        details={"kind": kind, "region": region, "expertise": expertise},
    )
    return monitor


def update(
    monitor: Monitor,
    *,
    name: str,
    kind: str,
    region: str,
    user_id: int | None,
    email: str = "",
    phone: str = "",
    expertise: list[str] | None = None,
    note: str = "",
    active: bool = True,
    actor: str,
) -> Monitor:
    expertise = sorted(set(expertise or []))
    errors = _check(
        name=name, kind=kind, region=region, user_id=user_id, expertise=expertise, monitor=monitor
    )
    if errors:
        raise Invalid(_("The person was not saved."), errors)
    before = _profile(monitor)
    monitor.name, monitor.kind, monitor.region_code, monitor.user_id = name.strip(), kind, region, user_id
    monitor.email, monitor.phone, monitor.note, monitor.active = (
        (email or "").strip(),
        (phone or "").strip(),
        note or "",
        active,
    )
    if monitor.expertise_codes != expertise:
        monitor.expertise = [MonitorExpertise(expertise=e) for e in expertise]
    db.session.flush()
    after = _profile(monitor)
    if after != before:
        changed = {k: {"from": before[k], "to": after[k]} for k in after if after[k] != before[k]}
        audit.record(
            "monitor_updated", actor=actor, subject=f"monitor:{monitor.id}", details={"changed": changed}
        )
    return monitor


def _profile(monitor: Monitor) -> dict:
    return {
        "name": monitor.name,
        "kind": monitor.kind,
        "region": monitor.region_code,
        "user_id": monitor.user_id,
        "email": monitor.email,
        "phone": monitor.phone,
        "expertise": list(monitor.expertise_codes),
        "active": monitor.active,
    }


def record_training(
    monitor: Monitor, *, module_code: str, completed_on: date | None, note: str = "", actor: str
) -> TrainingRecord:
    errors: dict[str, list[str]] = {}
    if db.session.get(TrainingModule, module_code or "") is None:
        errors["module_code"] = [_("Unknown training module.")]
    if completed_on is None:
        errors["completed_on"] = [_("This field is required.")]
    elif completed_on > clock.now().date():
        errors["completed_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise Invalid(_("The training was not recorded."), errors)
    record = TrainingRecord(
        monitor_id=monitor.id,
        module_code=module_code,
        completed_on=completed_on,
        note=note or "",
        recorded_by=actor,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "monitor_training_recorded",
        actor=actor,
        subject=f"monitor:{monitor.id}",
        details={"module": module_code, "completed_on": completed_on.isoformat()},
    )
    return record


def add_absence(
    monitor: Monitor, *, starts_on: date | None, ends_on: date | None, note: str = "", actor: str
) -> MonitorAbsence:
    errors: dict[str, list[str]] = {}
    if starts_on is None:
        errors["starts_on"] = [_("This field is required.")]
    if ends_on is None:
        errors["ends_on"] = [_("This field is required.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The period cannot end before it starts.")]
    if errors:
        raise Invalid(_("The absence was not saved."), errors)
    absence = MonitorAbsence(monitor_id=monitor.id, starts_on=starts_on, ends_on=ends_on, note=note or "")
    db.session.add(absence)
    db.session.flush()
    audit.record(
        "monitor_absence_added",
        actor=actor,
        subject=f"monitor:{monitor.id}",
        details={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    return absence


def remove_absence(monitor: Monitor, absence_id: int, *, actor: str) -> None:
    absence = db.session.get(MonitorAbsence, absence_id)
    if absence is None or absence.monitor_id != monitor.id:
        raise NotFound(_("No such absence."))
    audit.record(
        "monitor_absence_removed",
        actor=actor,
        subject=f"monitor:{monitor.id}",
        details={"starts_on": absence.starts_on.isoformat(), "ends_on": absence.ends_on.isoformat()},
    )
    db.session.delete(absence)


def declare_conflict(
    monitor: Monitor, *, facility_id: int, declared_on: date | None = None, note: str = "", actor: str
) -> ConflictOfInterest:
    """Конфлікт інтересів: the monitor is never proposed for visits to this place."""
    errors: dict[str, list[str]] = {}
    if db.session.get(Facility, facility_id or 0) is None:
        errors["facility_id"] = [_("The facility does not exist.")]
    elif db.session.scalar(
        sa.select(ConflictOfInterest.id).where(
            ConflictOfInterest.monitor_id == monitor.id, ConflictOfInterest.facility_id == facility_id
        )
    ):
        errors["facility_id"] = [_("A conflict of interest with this place is already declared.")]
    if errors:
        raise Invalid(_("The conflict of interest was not saved."), errors)
    conflict = ConflictOfInterest(
        monitor_id=monitor.id,
        facility_id=facility_id,
        declared_on=declared_on or clock.now().date(),
        note=(note or "").strip()[:1000],
    )
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        "conflict_of_interest_declared",
        actor=actor,
        subject=f"monitor:{monitor.id}",
        details={"facility_id": facility_id},
    )
    return conflict


def withdraw_conflict(monitor: Monitor, conflict_id: int, *, actor: str) -> None:
    conflict = db.session.get(ConflictOfInterest, conflict_id)
    if conflict is None or conflict.monitor_id != monitor.id:
        raise NotFound(_("No such conflict of interest."))
    audit.record(
        "conflict_of_interest_withdrawn",
        actor=actor,
        subject=f"monitor:{monitor.id}",
        details={"facility_id": conflict.facility_id},
    )
    db.session.delete(conflict)
