"""People who sign in (sessions) or call the API (bearer tokens), and what role each has."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db

from ..authorities.models import Authority

ROLES = ("lawyer", "monitor", "authority", "designer", "manager", "admin")
# Rights an admin gives to a person, on top of their role: signing the Office's outgoing documents
# (підписант) and drawing up administrative-offence protocols (ст. 188-40 КУпАП).
PERMISSIONS = ("sign_documents", "draw_protocols")
# Only the Office's own people can hold them.
GRANTABLE_ROLES = ("lawyer", "manager", "admin")

# The roles' names in the user's language (pages, API errors, the CLI).
ROLE_LABELS = {
    "lawyer": _l("Lawyer"),
    "monitor": _l("Civil-society monitor"),
    "authority": _l("Official of an authority"),
    "designer": _l("Process designer"),
    "manager": _l("Manager"),
    "admin": _l("Administrator"),
}


class User(db.Model):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    # Authority users act for exactly one authority and see only what is addressed to it.
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    # Посада: printed under the name when this person signs a document (e.g. "Представник
    # Уповноваженого з питань НПМ").
    position: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    language: Mapped[str] = mapped_column(sa.String(5), default="uk")
    password_hash: Mapped[str | None] = mapped_column(sa.String(300))
    active: Mapped[bool] = mapped_column(default=True)
    # An authority's lead official: invites colleagues of the same authority (issue 16).
    authority_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    # Carried in the session cookie and compared on every request: raising it (sign-out,
    # deactivation, a new password) ends every session of this person at once, copied cookies too.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    authority: Mapped[Authority | None] = relationship()

    @property
    def actor(self) -> str:
        """How the engine's audit log and task claims name this person."""
        return f"user:{self.id}"

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(db.Model):
    """Only the SHA-256 of a token is stored; the token itself is shown once, when created."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # None: until revoked.
    expires_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SignInFailure(db.Model):
    """A wrong password, counted by the sign-in throttle (workflows/users/throttle.py) per account
    and per address; in the database so that every worker counts the same."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        sa.Index("ix_sign_in_failure_account_at", "account", "at"),
        sa.Index("ix_sign_in_failure_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    account: Mapped[str] = mapped_column(sa.String(320))
    address: Mapped[str] = mapped_column(sa.String(64))


class UserGrant(db.Model):
    """A permission an admin granted to a person; revoking deletes the row (the audit log keeps both)."""

    __tablename__ = "user_grant"
    __table_args__ = (sa.UniqueConstraint("user_id", "permission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    permission: Mapped[str] = mapped_column(sa.String(40), index=True)
    granted_at: Mapped[datetime]
    granted_by: Mapped[str] = mapped_column(sa.String(200))

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """Запрошення посадової особи: an admin or an authority's lead official invites a colleague by
    e-mail; the e-mail carries a one-time link to set a password. Only the SHA-256 of the link's
    token is stored; the link expires, is used once, and a newer invitation to the same address
    replaces an older one."""

    __tablename__ = "official_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    lead: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(sa.String(5), default="uk")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(sa.String(200))
    expires_at: Mapped[datetime]
    # Set once: accepted (the account made) or withdrawn (replaced by a newer invitation, revoked).
    accepted_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    withdrawn_at: Mapped[datetime | None]

    authority: Mapped[Authority] = relationship()
