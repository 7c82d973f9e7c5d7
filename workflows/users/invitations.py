"""Inviting an authority's officials (запрошення посадових осіб органу): an admin, or the authority's
lead official for their own authority, enters a colleague's e-mail; the colleague receives —
through the outbox, like every e-mail — a link to set their own password. The link is one-time:
only its SHA-256 is stored, it expires after `OMBUDSFLOW_INVITATION_HOURS`, it is spent when the
account is made, and a newer invitation to the same address withdraws the older one. Whoever may
invite may also withdraw a pending invitation and deactivate an official of the same authority
(through `accounts.deactivate`: sessions end and API tokens are revoked at once); a lead official
never deactivates their own account. Every step is audited (`official_invited`,
`invitation_accepted`, `invitation_refused`, `invitation_withdrawn`, `user_deactivated`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from engine import audit, outbox
from engine.clock import clock
from engine.db import db

from .. import access, links
from ..authorities.models import Authority
from ..deadlines import KYIV
from ..errors import Conflict, Forbidden, Invalid, NotFound
from . import accounts
from . import services as users
from .models import Invitation, User

TOPIC = "official_invitation"
DEFAULT_HOURS = 72


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hours() -> int:
    return int(current_app.config.get("OMBUDSFLOW_INVITATION_HOURS") or DEFAULT_HOURS)


def officials(authority_id: int) -> list[User]:
    """The officials who sign in for an authority, leads first."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == "authority", User.authority_id == authority_id)
            .order_by(User.authority_lead.desc(), User.name, User.id)
        )
    )


def pending(authority_id: int) -> list[Invitation]:
    """Invitations not yet used, withdrawn or expired."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.authority_id == authority_id,
                Invitation.accepted_at.is_(None),
                Invitation.withdrawn_at.is_(None),
                Invitation.expires_at > clock.now(),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def authority_for(user: User, authority_id: int) -> Authority:
    """The authority whose officials `user` manages; one they may not manage answers as missing."""
    authority = db.session.get(Authority, authority_id)
    if authority is None or not access.may_invite_to(user, authority_id):
        if authority is not None and not access.can(user, access.INVITE_OFFICIALS):
            raise Forbidden(_("Only an administrator or the authority's lead official invites officials."))
        raise NotFound(_("Authority %(id)s does not exist.", id=authority_id))
    return authority


def withdraw(user: User, authority_id: int, invitation_id: int) -> Invitation:
    """Withdraw an invitation of the authority not yet accepted: its link opens no more. Another
    authority's invitation answers as missing; an accepted one is an account now (deactivate it)."""
    authority = authority_for(user, authority_id)
    invitation = db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.id == invitation_id, Invitation.authority_id == authority.id)
        .with_for_update()
    )
    if invitation is None:
        raise NotFound(_("Invitation %(id)s does not exist.", id=invitation_id))
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been accepted: deactivate the account instead."))
    if invitation.withdrawn_at is not None:
        raise Conflict(_("This invitation has already been withdrawn."))
    invitation.withdrawn_at = clock.now()
    audit.record(
        "invitation_withdrawn",
        actor=user.actor,
        subject=f"invitation:{invitation.id}",
        details={"email": invitation.email, "authority": authority.code},
    )
    return invitation


def deactivate_official(user: User, authority_id: int, official_id: int) -> tuple[User, int]:
    """Deactivate an official of the authority (the account service: sessions end and tokens are
    revoked now); the official and the tokens revoked. One of another authority answers as missing;
    one's own account is refused (a lead would lock the authority out of its own management)."""
    authority = authority_for(user, authority_id)
    official = db.session.scalar(
        sa.select(User).where(
            User.id == official_id, User.role == "authority", User.authority_id == authority.id
        )
    )
    if official is None:
        raise NotFound(_("Official %(id)s does not exist.", id=official_id))
    if official.id == user.id:
        raise Forbidden(
            _("You cannot deactivate your own account: ask an administrator or another lead official.")
        )
    return official, accounts.deactivate(official, actor=user.actor)


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    url: str


def invite(
    inviter: User,
    authority_id: int,
    *,
    email: str,
    name: str,
    position: str = "",
    lead: bool = False,
    language: str = "uk",
) -> Sent:
    """Invite a colleague: the invitation row, the e-mail in the outbox, the audit event — in the
    caller's transaction."""
    authority = authority_for(inviter, authority_id)
    email = users.normalize_email(email)
    name = " ".join((name or "").split())
    position = " ".join((position or "").split())
    errors: dict[str, list[str]] = {}
    if "@" not in email or len(email) > 320 or " " in email:
        errors["email"] = [_("Enter a valid e-mail address.")]
    elif db.session.scalar(sa.select(User.id).where(User.email == email)):
        errors["email"] = [_("A user with this e-mail already exists.")]
    if not name:
        errors["name"] = [_("Enter the official's name.")]
    elif len(name) > 200:
        errors["name"] = [_("At most %(n)d characters.", n=200)]
    if len(position) > 300:
        errors["position"] = [_("At most %(n)d characters.", n=300)]
    if language not in ("uk", "en"):
        errors["language"] = [_("Language must be uk or en.")]
    if errors:
        raise Invalid(_("The invitation was not sent."), errors)
    now = clock.now()
    for older in db.session.scalars(
        sa.select(Invitation).where(
            Invitation.email == email, Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None)
        )
    ):
        older.withdrawn_at = now
        audit.record("invitation_withdrawn", actor=inviter.actor, subject=f"invitation:{older.id}")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        name=name,
        position=position,
        authority_id=authority.id,
        lead=bool(lead),
        language=language,
        token_hash=_hash(token),
        created_at=now,
        created_by=inviter.actor,
        expires_at=now + timedelta(hours=_hours()),
    )
    db.session.add(invitation)
    db.session.flush()
    url = links.invitation_url(token)
    outbox.enqueue(
        channel="email",
        topic=TOPIC,
        recipient=email,
        language=language,
        payload={"message": _message(invitation, authority, inviter, url)},
        dedupe_key=f"invitation:{invitation.id}",
    )
    audit.record(
        "official_invited",
        actor=inviter.actor,
        subject=f"invitation:{invitation.id}",
        details={
            "email": email,
            "authority": authority.code,
            "lead": invitation.lead,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return Sent(invitation, url)


def _message(invitation: Invitation, authority: Authority, inviter: User, url: str) -> dict[str, str]:
    with force_locale(invitation.language):
        until = invitation.expires_at.astimezone(KYIV).strftime("%d.%m.%Y %H:%M")
        lines = [
            _("Dear %(name)s,", name=invitation.name),
            "",
            _(
                "%(inviter)s has invited you to answer the National Preventive Mechanism on behalf of "
                "%(authority)s.",
                inviter=inviter.name,
                authority=authority.name(invitation.language),
            ),
            _(
                "There you will see what the Ombudsperson's Office has sent to your authority, the "
                "deadlines, and your answers."
            ),
            "",
            _("Set your password through this link (it works once, until %(until)s Kyiv time):", until=until),
            url,
            "",
            _("Your e-mail for signing in: %(email)s", email=invitation.email),
            _("If you did not expect this invitation, ignore this e-mail."),
            "",
            _("National Preventive Mechanism"),
        ]
        return {
            "subject": _("Invitation to the authorities' site of the NPM"),
            "text": "\n".join(lines) + "\n",
        }


class InvitationRefused(Exception):
    """The link cannot be used: unknown (or tampered), already used or withdrawn, or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _find(token: str, *, lock: bool = False) -> Invitation:
    query = sa.select(Invitation).where(Invitation.token_hash == _hash(token or ""))
    if lock:
        query = query.with_for_update()
    invitation = db.session.scalar(query)
    if invitation is None:
        raise InvitationRefused("unknown")
    if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
        raise InvitationRefused("used")
    if invitation.expires_at <= clock.now():
        raise InvitationRefused("expired")
    return invitation


def check(token: str) -> Invitation:
    """The invitation behind a link that can still be used; InvitationRefused otherwise (audited)."""
    try:
        return _find(token)
    except InvitationRefused as exc:
        audit.record(
            "invitation_refused", actor="anonymous", subject="invitation", details={"reason": exc.reason}
        )
        raise


def accept(token: str, *, password: str, password_again: str) -> User:
    """Make the official's account with the password they chose and spend the link, in one
    transaction (the row is locked: two tabs cannot make two accounts)."""
    invitation = _find(token, lock=True)
    if password != password_again:
        raise Invalid(_("The passwords differ."), {"password_again": [_("Type the same password twice.")]})
    if len(password or "") < users.MIN_PASSWORD:
        message = _("The password must have at least %(n)d characters.", n=users.MIN_PASSWORD)
        raise Invalid(message, {"password": [message]})
    if db.session.scalar(sa.select(User.id).where(User.email == invitation.email)):
        raise Conflict(_("An account with this e-mail already exists: sign in instead."))
    actor = f"invitation:{invitation.id}"
    user = users.create_user(
        invitation.email,
        name=invitation.name,
        role="authority",
        authority_code=invitation.authority.code,
        password=password,
        language=invitation.language,
        position=invitation.position,
        actor=actor,
    )
    user.authority_lead = invitation.lead
    user.last_login_at = clock.now()  # they are signed in right away
    invitation.accepted_at, invitation.user_id = clock.now(), user.id
    audit.record(
        "invitation_accepted",
        actor=user.actor,
        subject=actor,
        details={"email": invitation.email, "authority": invitation.authority.code, "lead": invitation.lead},
    )
    return user
