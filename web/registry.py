"""Choices the pages offer from the registries: regions, kinds of places, authorities, people."""

from __future__ import annotations

import sqlalchemy as sa

from engine.db import db
from workflows.authorities.models import Authority
from workflows.facilities.models import Facility
from workflows.reference import catalog
from workflows.users.models import User

from .labels import language, named


def regions() -> list[tuple[str, str]]:
    # The per-worker catalog: every filter form shows them, and they change once in a long while.
    return [(r.code, r.name(language())) for r in catalog.regions()]


def facility_kinds() -> list[tuple[str, str]]:
    return [(k.code, k.name(language())) for k in catalog.facility_kinds()]


def filter_authorities(selected: int | None = None) -> list[tuple[int, str]]:
    """Central and regional bodies for a filter; a facility's administration is filtered by clicking
    its name in a list (there are thousands of them)."""
    query = sa.select(Authority).where(
        Authority.active.is_(True), Authority.level.in_(("central_body", "regional_body"))
    )
    if selected:
        query = sa.select(Authority).where(
            sa.or_(
                sa.and_(Authority.active.is_(True), Authority.level.in_(("central_body", "regional_body"))),
                Authority.id == selected,
            )
        )
    rows = db.session.scalars(query).all()
    return sorted(((a.id, named(a)) for a in rows), key=lambda item: item[1].casefold())


def authority_chain(authority: Authority | None) -> list[Authority]:
    """An authority and its superiors up to the ministry: whom a recommendation may be addressed to."""
    chain: list[Authority] = []
    while authority is not None and authority not in chain and len(chain) < 10:
        chain.append(authority)
        authority = authority.parent
    return chain


def facilities(region: str | None = None, limit: int = 500) -> list[tuple[int, str]]:
    query = sa.select(Facility).where(Facility.active.is_(True))
    if region:
        query = query.where(Facility.region_code == region)
    name = Facility.name_en if language() == "en" else Facility.name_uk
    rows = db.session.scalars(query.order_by(name, Facility.id).limit(limit))
    return [(f.id, named(f)) for f in rows]


def group_members() -> list[tuple[int, str]]:
    """People who may be linked to a monitoring group: the Office's staff and the monitors."""
    rows = db.session.scalars(
        sa.select(User)
        .where(User.active.is_(True), User.role.in_(("lawyer", "manager", "monitor", "admin")))
        .order_by(User.name)
    )
    return [(u.id, f"{u.name} ({u.email})") for u in rows]


def user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def lawyers() -> list[tuple[int, str]]:
    """The lawyers a list can be filtered by (responsible lawyer)."""
    rows = db.session.execute(
        sa.select(User.id, User.name).where(User.role == "lawyer", User.active.is_(True)).order_by(User.name)
    ).all()
    return [(r.id, r.name) for r in rows]


def facility_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {f.id: named(f) for f in db.session.scalars(sa.select(Facility).where(Facility.id.in_(ids)))}
