"""The registry of authorities: adding regional bodies and facility administrations under the seeded
central bodies, so that an escalation knows where to go (the parent)."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def update(
    authority: Authority,
    *,
    name_uk: str,
    name_en: str = "",
    emails: list[str] | None = None,
    language: str | None = None,
    actor: str,
) -> Authority:
    """Rename an authority (ministries change names) or change its addresses; audited with the old
    values, so a letter sent under the old name is still explained."""
    errors: dict[str, list[str]] = {}
    if not (name_uk or "").strip():
        errors["name_uk"] = [_("The Ukrainian name is required.")]
    bad = [e for e in (emails or []) if not _EMAIL.match(e)]
    if bad:
        errors["emails"] = [_("Not an e-mail address: %(value)s", value=", ".join(bad))]
    if language is not None and language not in ("uk", "en"):
        errors["language"] = [_("Language must be uk or en.")]
    if errors:
        raise Invalid(_("The authority was not saved."), errors)
    before = {"name_uk": authority.name_uk, "name_en": authority.name_en, "emails": list(authority.emails)}
    authority.name_uk = name_uk.strip()
    authority.name_en = (name_en or "").strip()
    if emails is not None:
        authority.emails = list(emails)
    if language is not None:
        authority.language = language
    after = {"name_uk": authority.name_uk, "name_en": authority.name_en, "emails": list(authority.emails)}
    if after != before:
        audit.record(
            "authority_updated",
            actor=actor,
            subject=f"authority:{authority.id}",
            details={"before": before, "after": after},
        )
    return authority


def descendants(authority_id: int) -> set[int]:
    """Ids of every authority below this one (its subordinates, theirs, and so on)."""
    rows = db.session.execute(sa.select(Authority.id, Authority.parent_id)).all()
    children: dict[int, list[int]] = {}
    for child, parent in rows:
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = [authority_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def move(authority: Authority, *, parent_id: int | None, actor: str) -> Authority:
    """Put an authority under another superior (or none) — where its escalations will go. A ministry's
    missing superior is set this way too. An authority cannot be put under itself or a subordinate."""
    errors: dict[str, list[str]] = {}
    if parent_id is not None:
        parent = db.session.get(Authority, parent_id)
        if parent is None:
            errors["parent_id"] = [_("The superior authority does not exist.")]
        elif parent_id == authority.id or parent_id in descendants(authority.id):
            errors["parent_id"] = [
                _("An authority cannot be subordinate to itself or to its own subordinate.")
            ]
    if errors:
        raise Invalid(_("The authority was not moved."), errors)
    if authority.parent_id != parent_id:
        audit.record(
            "authority_moved",
            actor=actor,
            subject=f"authority:{authority.id}",
            details={"from": authority.parent_id, "to": parent_id},
        )
        authority.parent_id = parent_id
    return authority


@dataclass
class TreeNode:
    authority: Authority
    children: list[TreeNode]
    places: int = 0


def tree(*, q: str | None = None) -> list[TreeNode]:
    """Active authorities as a tree of superiors and subordinates, each with the number of places it
    runs; with `q`, the authorities whose name or code contains it and their superiors."""
    rows = db.session.scalars(sa.select(Authority).where(Authority.active.is_(True))).all()
    from ..facilities.models import Facility

    places = dict(
        db.session.execute(
            sa.select(Facility.authority_id, sa.func.count())
            .where(Facility.active.is_(True))
            .group_by(Facility.authority_id)
        ).all()
    )
    by_id = {a.id: a for a in rows}
    keep: set[int] | None = None
    if q and q.strip():
        needle = q.strip().casefold()
        keep = set()
        for a in rows:
            if (
                needle in a.name_uk.casefold()
                or needle in (a.name_en or "").casefold()
                or needle in a.code.casefold()
            ):
                node: Authority | None = a
                while node is not None and node.id not in keep:
                    keep.add(node.id)
                    node = by_id.get(node.parent_id) if node.parent_id else None
    nodes = {a.id: TreeNode(a, [], int(places.get(a.id, 0))) for a in rows if keep is None or a.id in keep}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.authority.parent_id) if node.authority.parent_id else None
        (parent.children if parent else roots).append(node)
    order = {level: i for i, level in enumerate(reversed(LEVELS))}

    def sort(items: list[TreeNode]) -> None:
        items.sort(key=lambda n: (order.get(n.authority.level, 9), n.authority.name_uk.casefold()))
        for item in items:
            sort(item.children)

    sort(roots)
    return roots
