"""The registry of places of deprivation of liberty."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..authorities.models import Authority
from ..deadlines import kyiv_date
from ..errors import Invalid, NotFound
from ..reference.models import FacilityKind, Region
from ..users.models import User
from .models import SIGNAL_KINDS, Facility, FacilitySignal

_CODE = re.compile(r"^[A-Za-z0-9_.-]{2,60}$")


def get(facility_id: int) -> Facility:
    facility = db.session.get(Facility, facility_id)
    if facility is None:
        raise NotFound(_("Facility %(id)s does not exist.", id=facility_id))
    return facility


def create(
    *,
    name_uk: str,
    name_en: str = "",
    kind: str,
    region: str,
    authority_id: int,
    address: str = "",
    in_hostilities_area: bool = False,
    access_note: str = "",
    code: str | None = None,
    district: str = "",
    capacity: int | None = None,
    access_suspended: bool = False,
    actor: str,
) -> Facility:
    values = {
        "name_uk": (name_uk or "").strip(),
        "name_en": (name_en or "").strip(),
        "kind_code": kind,
        "region_code": region,
        "authority_id": authority_id,
        "address": (address or "").strip(),
        "in_hostilities_area": bool(in_hostilities_area),
        "access_note": access_note or "",
        "code": (code or "").strip() or None,
        "district": (district or "").strip(),
        "capacity": capacity,
        "access_suspended": bool(access_suspended),
    }
    _check(values, None)
    facility = Facility(**values, created_at=clock.now())
    db.session.add(facility)
    db.session.flush()
    audit.record(
        "facility_created",
        actor=actor,
        subject=f"facility:{facility.id}",
        details={"kind": kind, "region": region, "authority_id": authority_id},
    )
    return facility


EDITABLE = (
    "name_uk",
    "name_en",
    "kind_code",
    "region_code",
    "authority_id",
    "address",
    "in_hostilities_area",
    "access_note",
    "code",
    "district",
    "capacity",
    "access_suspended",
)


def _check(values: dict[str, Any], facility: Facility | None) -> None:
    """Every rule of a place's registry entry, said per field (create, edit and CSV import)."""
    errors: dict[str, list[str]] = {}
    if not values["name_uk"]:
        errors["name_uk"] = [_("The Ukrainian name is required.")]
    if db.session.get(FacilityKind, values["kind_code"]) is None:
        errors["kind"] = [_("Unknown kind of place.")]
    if db.session.get(Region, values["region_code"]) is None:
        errors["region"] = [_("Unknown region.")]
    if db.session.get(Authority, values["authority_id"]) is None:
        errors["authority_id"] = [_("The responsible authority does not exist.")]
    if values["capacity"] is not None and not 0 <= values["capacity"] <= 100000:
        errors["capacity"] = [_("The capacity must be a whole number from 0 to 100000.")]
    code = values["code"]
    if code is not None:
        if not _CODE.match(code):
            errors["code"] = [_("Use 2–60 Latin letters, digits, dots, dashes or underscores.")]
        else:
            other = db.session.scalar(sa.select(Facility.id).where(Facility.code == code))
            if other is not None and (facility is None or other != facility.id):
                errors["code"] = [_("Another place has this registry code.")]
    if errors:
        raise Invalid(_("The facility was not saved."), errors)


def update(facility: Facility, *, actor: str, **changes: Any) -> Facility:
    """Change a place's registry entry; the fields that changed go to the audit log with their old
    values, and its risk score is recomputed (kind, capacity and hostilities are among its inputs)."""
    from ..risk.services import refresh_places

    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    values = {name: getattr(facility, name) for name in EDITABLE}
    for name, value in changes.items():
        values[name] = value.strip() if isinstance(value, str) and name not in ("access_note",) else value
    values["code"] = values["code"] or None
    _check(values, facility)
    changed = {
        name: (getattr(facility, name), values[name])
        for name in EDITABLE
        if getattr(facility, name) != values[name]
    }
    if not changed:
        return facility
    for name, (_old, new) in changed.items():
        setattr(facility, name, new)
    facility.updated_at = clock.now()
    db.session.flush()
    audit.record(
        "facility_updated",
        actor=actor,
        subject=f"facility:{facility.id}",
        details={"changed": {name: {"from": old, "to": new} for name, (old, new) in changed.items()}},
    )
    refresh_places([facility.id])
    return facility


def record_signal(
    facility: Facility, *, kind: str, received_on: date, summary: str, source: str = "", user: User
) -> FacilitySignal:
    """A complaint or media report about a place (an input of its risk score)."""
    from ..risk.services import refresh_places

    errors: dict[str, list[str]] = {}
    if kind not in SIGNAL_KINDS:
        errors["kind"] = [_("Unknown kind of signal.")]
    if received_on is None:
        errors["received_on"] = [_("This field is required.")]
    elif received_on > kyiv_date(clock.now()):
        errors["received_on"] = [_("The date cannot be in the future.")]
    if len((summary or "").strip()) < 5:
        errors["summary"] = [_("Describe the signal in at least 5 characters.")]
    if errors:
        raise Invalid(_("The signal was not saved."), errors)
    signal = FacilitySignal(
        facility_id=facility.id,
        kind=kind,
        received_on=received_on,
        summary=summary.strip(),
        source=(source or "").strip()[:500],
        recorded_by=user.id,
        created_at=clock.now(),
    )
    db.session.add(signal)
    db.session.flush()
    audit.record(
        "facility_signal_recorded",
        actor=user.actor,
        subject=f"facility:{facility.id}",
        details={"kind": kind, "received_on": received_on.isoformat()},
    )
    refresh_places([facility.id])
    return signal


def signals(facility: Facility, limit: int = 50) -> list[FacilitySignal]:
    return db.session.scalars(
        sa.select(FacilitySignal)
        .where(FacilitySignal.facility_id == facility.id)
        .order_by(FacilitySignal.received_on.desc(), FacilitySignal.id.desc())
        .limit(limit)
    ).all()


def listing(
    *,
    region: str | None = None,
    kind: str | None = None,
    authority_id: int | None = None,
    q: str | None = None,
    limit: int = 200,
    offset: int = 0,
):
    query = sa.select(Facility).where(Facility.active.is_(True))
    if region:
        query = query.where(Facility.region_code == region)
    if kind:
        query = query.where(Facility.kind_code == kind)
    if authority_id:
        query = query.where(Facility.authority_id == authority_id)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(sa.or_(Facility.name_uk.ilike(like), Facility.name_en.ilike(like)))
    return db.session.scalars(query.order_by(Facility.name_uk).limit(limit).offset(offset)).all()
