"""Accounts: creating people, passwords (Argon2id), API tokens (only their SHA-256 is stored)."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..authorities.models import Authority
from ..errors import Invalid
from .models import ROLES, User

_hasher = PasswordHasher()
MIN_PASSWORD = 10


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(
    email: str,
    *,
    name: str,
    role: str,
    authority_code: str | None = None,
    password: str | None = None,
    language: str = "uk",
    position: str = "",
    actor: str = "system",
) -> User:
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    if "@" not in email or len(email) > 320:
        errors["email"] = [_("Enter a valid e-mail address.")]
    elif db.session.scalar(sa.select(User.id).where(User.email == email)):
        errors["email"] = [_("A user with this e-mail already exists.")]
    if role not in ROLES:
        errors["role"] = [_("Unknown role. Choose one of: %(roles)s.", roles=", ".join(ROLES))]
    authority = None
    if role == "authority":
        if not authority_code:
            errors["authority"] = [_("An authority user needs the code of their authority.")]
        else:
            authority = db.session.scalar(sa.select(Authority).where(Authority.code == authority_code))
            if authority is None:
                errors["authority"] = [_("No authority with code %(code)s.", code=authority_code)]
    elif authority_code:
        errors["authority"] = [_("Only authority users belong to an authority.")]
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = [_("The password must have at least %(n)d characters.", n=MIN_PASSWORD)]
    position = " ".join((position or "").split())
    if len(position) > 300:
        errors["position"] = [_("At most %(n)d characters.", n=300)]
    if language not in ("uk", "en"):
        errors["language"] = [_("Language must be uk or en.")]
    if errors:
        raise Invalid(_("The user was not created."), errors)
    user = User(
        email=email,
        name=name.strip() or email,
        role=role,
        authority_id=authority.id if authority else None,
        language=language,
        position=position,
        password_hash=_hasher.hash(password) if password else None,
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user_created",
        actor=actor,
        subject=f"user:{user.id}",
        details={"email": email, "role": role, "authority": authority_code},
    )
    return user


def set_password(user: User, password: str, *, actor: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD),
            {"password": [_("The password must have at least %(n)d characters.", n=MIN_PASSWORD)]},
        )
    user.password_hash = _hasher.hash(password)
    # A new password ends the sessions signed in with the old one (workflows/users/accounts.py).
    user.session_generation = (user.session_generation or 0) + 1
    audit.record("password_set", actor=actor, subject=user.actor)


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; the same work is done for unknown e-mails."""
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    if user is None or not user.password_hash or not user.active:
        _hasher.hash(password or "x")  # keep timing similar for unknown accounts
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = clock.now()
    return user


def issue_token(user: User, *, label: str = "", actor: str) -> str:
    """A token without expiry (`users add --token`, `users token`); workflows/users/accounts.py
    keeps the whole of a token's life."""
    from . import accounts

    return accounts.create_token(user, label=label, actor=actor)[1]


def user_for_token(token: str) -> User | None:
    from . import accounts

    return accounts.user_for_token(token)
