"""The registry of places of deprivation of liberty."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..authorities.models import Authority
from ..errors import Invalid, NotFound
from ..reference.models import FacilityKind, Region
from .models import Facility


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
    actor: str,
) -> Facility:
    errors: dict[str, list[str]] = {}
    if not (name_uk or "").strip():
        errors["name_uk"] = [_("The Ukrainian name is required.")]
    if db.session.get(FacilityKind, kind) is None:
        errors["kind"] = [_("Unknown kind of place.")]
    if db.session.get(Region, region) is None:
        errors["region"] = [_("Unknown region.")]
    if db.session.get(Authority, authority_id) is None:
        errors["authority_id"] = [_("The responsible authority does not exist.")]
    if errors:
        raise Invalid(_("The facility was not saved."), errors)
    facility = Facility(
        name_uk=name_uk.strip(),
        name_en=(name_en or "").strip(),
        kind_code=kind,
        region_code=region,
        authority_id=authority_id,
        address=address or "",
        in_hostilities_area=in_hostilities_area,
        access_note=access_note or "",
        created_at=clock.now(),
    )
    db.session.add(facility)
    db.session.flush()
    audit.record(
        "facility_created",
        actor=actor,
        subject=f"facility:{facility.id}",
        details={"kind": kind, "region": region, "authority_id": authority_id},
    )
    return facility


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
