"""The registry of authorities: adding regional bodies and facility administrations under the seeded
central bodies, so that an escalation knows where to go (the parent)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..errors import Invalid, NotFound
from .models import LEVELS, Authority

_CODE = re.compile(r"^[A-Za-z0-9_.-]{2,60}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def get(authority_id: int) -> Authority:
    authority = db.session.get(Authority, authority_id)
    if authority is None:
        raise NotFound(_("Authority %(id)s does not exist.", id=authority_id))
    return authority


def create(
    *,
    code: str,
    name_uk: str,
    name_en: str = "",
    level: str,
    parent_id: int | None = None,
    emails: list[str] | None = None,
    language: str = "uk",
    actor: str,
) -> Authority:
    errors: dict[str, list[str]] = {}
    if not _CODE.match(code or ""):
        errors["code"] = [_("Use 2–60 Latin letters, digits, dots, dashes or underscores.")]
    elif db.session.scalar(sa.select(Authority.id).where(Authority.code == code)):
        errors["code"] = [_("An authority with this code already exists.")]
    if not (name_uk or "").strip():
        errors["name_uk"] = [_("The Ukrainian name is required.")]
    if level not in LEVELS:
        errors["level"] = [_("Unknown level.")]
    if parent_id is not None and db.session.get(Authority, parent_id) is None:
        errors["parent_id"] = [_("The superior authority does not exist.")]
    bad = [e for e in (emails or []) if not _EMAIL.match(e)]
    if bad:
        errors["emails"] = [_("Not an e-mail address: %(value)s", value=", ".join(bad))]
    if errors:
        raise Invalid(_("The authority was not saved."), errors)
    authority = Authority(
        code=code,
        name_uk=name_uk.strip(),
        name_en=(name_en or "").strip(),
        level=level,
        parent_id=parent_id,
        emails=list(emails or []),
        language=language,
        created_at=clock.now(),
    )
    db.session.add(authority)
    db.session.flush()
    audit.record(
        "authority_created",
        actor=actor,
        subject=f"authority:{authority.id}",
        details={"code": code, "level": level, "parent_id": parent_id},
    )
    return authority


def listing(*, level: str | None = None, parent_id: int | None = None, q: str | None = None):
    query = sa.select(Authority).where(Authority.active.is_(True))
    if level:
        query = query.where(Authority.level == level)
    if parent_id:
        query = query.where(Authority.parent_id == parent_id)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            sa.or_(Authority.name_uk.ilike(like), Authority.name_en.ilike(like), Authority.code.ilike(like))
        )
    return db.session.scalars(query.order_by(Authority.level, Authority.name_uk)).all()
