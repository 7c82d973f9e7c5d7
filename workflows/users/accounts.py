"""Accounts that end: API tokens with a label, an expiry, their last use and revocation; people
deactivated (their sessions and tokens stop at once); sessions ended server-side.

A session cookie carries the person's `session_generation` at sign-in (web/auth); every request
compares it with the database's. Sign-out, deactivation and a new password raise the generation,
so every cookie issued before — a copied one too — stops working at once, on every worker.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..errors import Conflict, Invalid, NotFound
from .models import ApiToken, User

# last_used_at is written at most this often per token: a busy token costs one UPDATE a minute,
# not one per request.
LAST_USED_EVERY = timedelta(minutes=1)
MAX_LABEL = 200
MAX_DAYS = 3650


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, *, label: str = "", days: int | None = None, actor: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row and the token itself (shown once; only its SHA-256 is kept).
    `days`: it expires that many days from now; None: until revoked."""
    label = " ".join((label or "").split())
    errors: dict[str, list[str]] = {}
    if len(label) > MAX_LABEL:
        errors["label"] = [_("At most %(n)d characters.", n=MAX_LABEL)]
    if days is not None and not (isinstance(days, int) and 1 <= days <= MAX_DAYS):
        errors["expires_in_days"] = [_("A whole number of days from 1 to %(n)d.", n=MAX_DAYS)]
    if not user.active:
        errors["user"] = [_("This account is deactivated.")]
    if errors:
        raise Invalid(_("The token was not created."), errors)
    token = "of_" + secrets.token_urlsafe(32)
    now = clock.now()
    row = ApiToken(
        user_id=user.id,
        token_hash=token_hash(token),
        label=label,
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "token_issued",
        actor=actor,
        subject=user.actor,
        details={"token_id": row.id, "label": label, "expires_at": _iso(row.expires_at)},
    )
    return row, token


def tokens(user: User | None = None, *, include_ended: bool = False) -> list[ApiToken]:
    """Tokens newest first: of one person, or everyone's (an admin's list)."""
    query = sa.select(ApiToken).order_by(ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    if not include_ended:
        query = query.where(ApiToken.revoked_at.is_(None))
    return list(db.session.scalars(query))


def get_token(token_id: int, *, owner: User | None = None) -> ApiToken:
    """The token; with `owner`, only theirs (someone else's answers like a missing one)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or (owner is not None and row.user_id != owner.id):
        raise NotFound(_("No such token."))
    return row


def revoke_token(row: ApiToken, *, actor: str) -> ApiToken:
    if row.revoked_at is not None:
        raise Conflict(_("This token was already revoked."))
    row.revoked_at = clock.now()
    audit.record(
        "token_revoked",
        actor=actor,
        subject=f"user:{row.user_id}",
        details={"token_id": row.id, "label": row.label},
    )
    return row


def state(row: ApiToken, now: datetime | None = None) -> str:
    """active | expired | revoked: what a list shows."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= (now or clock.now()):
        return "expired"
    return "active"


# Every API request asks this: one prebuilt statement (SQLAlchemy memoizes its cache key).
_USER_FOR_TOKEN = (
    sa.select(User, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == sa.bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > sa.bindparam("now")),
        User.active,
    )
)
_TOUCH = (
    ApiToken.__table__.update()
    .where(ApiToken.__table__.c.id == sa.bindparam("token_id"))
    .values(last_used_at=sa.bindparam("now"))
)


def user_for_token(token: str) -> User | None:
    """The active person of a token that is neither revoked nor expired, in one query; its
    last_used_at is written when older than a minute (its own short transaction: the request may
    only read)."""
    now = clock.now()
    row = db.session.execute(_USER_FOR_TOKEN, {"token_hash": token_hash(token), "now": now}).first()
    if row is None:
        return None
    user, token_id, last_used = row
    if last_used is None or now - last_used >= LAST_USED_EVERY:
        try:
            db.session.execute(_TOUCH, {"token_id": token_id, "now": now})
            db.session.commit()
        except sa.exc.OperationalError:
            # SQLite: a read-only request's snapshot cannot always become a write; the next
            # request will record the use. Never fail a request for its bookkeeping.
            db.session.rollback()
            user = db.session.get(User, user.id)
    return user


# --- people ------------------------------------------------------------------------------------------


def end_sessions(user: User) -> None:
    """Every session of this person ends now (the cookies carry the old generation)."""
    user.session_generation = (user.session_generation or 0) + 1


def deactivate(user: User, *, actor: str) -> int:
    """The person can no longer sign in or call the API: sessions end, tokens are revoked (not
    just suspended: reactivating does not bring an old token back). Returns the tokens revoked."""
    if not user.active:
        raise Conflict(_("This account is already deactivated."))
    user.active = False
    end_sessions(user)
    now = clock.now()
    table = ApiToken.__table__
    revoked = db.session.execute(
        table.update().where(table.c.user_id == user.id, table.c.revoked_at.is_(None)).values(revoked_at=now)
    ).rowcount
    audit.record("user_deactivated", actor=actor, subject=user.actor, details={"tokens_revoked": revoked})
    return revoked


def reactivate(user: User, *, actor: str) -> None:
    if user.active:
        raise Conflict(_("This account is active."))
    user.active = True
    audit.record("user_reactivated", actor=actor, subject=user.actor)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
