"""Permissions an admin grants to a person on top of their role: `sign_documents` (may be chosen
as the signatory of an outgoing document) and `draw_protocols` (may draw up an administrative-
offence protocol, ст. 188-40 КУпАП). Granting and revoking are audited.

`has_grant(user, name)` is the one question the access policy and the documents ask; it is small
on purpose so that the policy module can call it without knowing how grants are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..errors import Invalid, NotFound
from .models import GRANTABLE_ROLES, PERMISSIONS, User, UserGrant


def has_grant(user: User | None, name: str) -> bool:
    """Whether `user` holds permission `name` (and is active)."""
    if user is None or not user.active:
        return False
    return (
        db.session.scalar(
            sa.select(UserGrant.id).where(UserGrant.user_id == user.id, UserGrant.permission == name)
        )
        is not None
    )


def _check_permission(permission: str) -> None:
    if permission not in PERMISSIONS:
        message = _("Unknown permission. Choose one of: %(names)s.", names=", ".join(PERMISSIONS))
        raise Invalid(message, {"permission": [message]})


def grant(user: User, permission: str, *, actor: str) -> bool:
    """Give `permission` to `user`; False (and nothing written) when they already hold it."""
    _check_permission(permission)
    if user.role not in GRANTABLE_ROLES:
        message = _(
            "Only the Office's staff (%(roles)s) can hold this permission.", roles=", ".join(GRANTABLE_ROLES)
        )
        raise Invalid(message, {"user": [message]})
    if not user.active:
        message = _("The user is deactivated.")
        raise Invalid(message, {"user": [message]})
    if has_grant(user, permission):
        return False
    db.session.add(
        UserGrant(user_id=user.id, permission=permission, granted_at=clock.now(), granted_by=actor)
    )
    db.session.flush()
    audit.record("permission_granted", actor=actor, subject=user.actor, details={"permission": permission})
    return True


def revoke(user: User, permission: str, *, actor: str) -> bool:
    """Take `permission` away from `user`; False when they did not hold it."""
    _check_permission(permission)
    removed = db.session.execute(
        sa.delete(UserGrant).where(UserGrant.user_id == user.id, UserGrant.permission == permission)
    ).rowcount
    if not removed:
        return False
    audit.record("permission_revoked", actor=actor, subject=user.actor, details={"permission": permission})
    return True


@dataclass(frozen=True)
class GrantRow:
    user_id: int
    email: str
    name: str
    position: str
    role: str
    permission: str
    granted_at: datetime
    granted_by: str


def listing(permission: str | None = None, user_id: int | None = None) -> list[GrantRow]:
    """Who holds what, by person: for the admin's list and the CLI."""
    if permission is not None:
        _check_permission(permission)
    query = (
        sa.select(User, UserGrant)
        .join(UserGrant, UserGrant.user_id == User.id)
        .order_by(User.name, User.id, UserGrant.permission)
    )
    if permission is not None:
        query = query.where(UserGrant.permission == permission)
    if user_id is not None:
        query = query.where(User.id == user_id)
    return [
        GrantRow(u.id, u.email, u.name, u.position, u.role, g.permission, g.granted_at, g.granted_by)
        for u, g in db.session.execute(query)
    ]


def signatories() -> list[User]:
    """Active people who may sign documents, by name: the only choices for a signatory."""
    return db.session.scalars(
        sa.select(User)
        .join(UserGrant, UserGrant.user_id == User.id)
        .where(UserGrant.permission == "sign_documents", User.active.is_(True))
        .order_by(User.name, User.id)
    ).all()


def user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("User %(id)s does not exist.", id=user_id))
    return user


def set_position(user: User, position: str, *, actor: str) -> None:
    """Посада, as printed under the person's name when they sign."""
    position = " ".join((position or "").split())
    if len(position) > 300:
        message = _("At most %(n)d characters.", n=300)
        raise Invalid(message, {"position": [message]})
    if position == user.position:
        return
    user.position = position
    audit.record("position_set", actor=actor, subject=user.actor, details={"position": position})
