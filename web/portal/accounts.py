"""Officials' accounts on the authority's site: the list of an authority's officials with the
invitations still open, the invitation form (an admin for any authority, the lead official for
their own), and the one-time link where an invited official sets a password and is signed in.
The rules are `workflows.users.invitations`'; these views parse, call, render."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user

from engine import audit
from engine.db import db
from workflows import access
from workflows.errors import Conflict, Forbidden, Invalid
from workflows.users import invitations

from ..auth import allowed
from . import bp

FIELDS = ("email", "name", "position")


@bp.route("/portal/officials")
@allowed(access.INVITE_OFFICIALS)
def officials_home():
    """A lead official's own authority (an admin picks the authority on its registry page)."""
    if g.user.role != "authority":
        return redirect(url_for("registries.authority_index"))
    return redirect(url_for("portal.officials", authority_id=g.user.authority_id))


def _render(authority, *, values=None, errors=None, message=None, status=200, refused=None):
    return render_template(
        "portal/officials.html",
        authority=authority,
        officials=invitations.officials(authority.id),
        pending=invitations.pending(authority.id),
        values=values or {},
        errors=errors or {},
        message=message,
        refused=refused,  # why a withdrawal or a deactivation was refused
    ), status


@bp.route("/portal/authorities/<int:authority_id>/officials", methods=["GET", "POST"])
@allowed(access.INVITE_OFFICIALS)
def officials(authority_id: int):
    authority = invitations.authority_for(g.user, authority_id)
    if request.method == "GET":
        return _render(authority)
    values = {k: request.form.get(k, "") for k in FIELDS}
    values["lead"] = request.form.get("lead") == "1"
    values["language"] = request.form.get("language", "uk")
    try:
        sent = invitations.invite(g.user, authority.id, **values)
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _render(authority, values=values, errors=exc.fields, message=exc.message, status=exc.status)
    flash(_("The invitation has been sent to %(email)s.", email=sent.invitation.email), "success")
    return redirect(url_for("portal.officials", authority_id=authority.id))


@bp.route(
    "/portal/authorities/<int:authority_id>/officials/invitations/<int:invitation_id>/withdraw",
    methods=["POST"],
)
@allowed(access.INVITE_OFFICIALS)
def withdraw_invitation(authority_id: int, invitation_id: int):
    """Withdraw a pending invitation: its link opens no more (the same page, a POST action)."""
    authority = invitations.authority_for(g.user, authority_id)
    try:
        invitation = invitations.withdraw(g.user, authority.id, invitation_id)
        db.session.commit()
    except (Conflict, Forbidden) as exc:
        db.session.rollback()
        return _render(authority, refused=exc.message, status=exc.status)
    flash(
        _(
            "The invitation to %(email)s has been withdrawn; its link no longer works.",
            email=invitation.email,
        ),
        "success",
    )
    return redirect(url_for("portal.officials", authority_id=authority.id))


@bp.route("/portal/authorities/<int:authority_id>/officials/<int:user_id>/deactivate", methods=["POST"])
@allowed(access.INVITE_OFFICIALS)
def deactivate_official(authority_id: int, user_id: int):
    """Deactivate an official of the authority: sessions end and API tokens are revoked at once."""
    authority = invitations.authority_for(g.user, authority_id)
    try:
        official, revoked = invitations.deactivate_official(g.user, authority.id, user_id)
        db.session.commit()
    except (Conflict, Forbidden) as exc:
        db.session.rollback()
        return _render(authority, refused=exc.message, status=exc.status)
    flash(
        _(
            "%(name)s can no longer sign in: sessions ended, %(n)d token(s) revoked.",
            name=official.name,
            n=revoked,
        ),
        "success",
    )
    return redirect(url_for("portal.officials", authority_id=authority.id))


@bp.route("/portal/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    """The invitation link: choose a password; the account is made and the official signed in."""
    if g.get("user") is not None and request.method == "GET":
        # Someone is signed in in this browser: the link is for the invited person, not for them.
        flash(_("Sign out first to accept an invitation for another person."), "info")
        return redirect(url_for("inbox.home"))
    try:
        invitation = invitations.check(token)
    except invitations.InvitationRefused as exc:
        db.session.commit()  # the refusal is audited
        return render_template("portal/invitation_invalid.html", reason=exc.reason), (
            410 if exc.reason in ("expired", "used") else 404
        )
    if request.method == "GET":
        return render_template("portal/welcome.html", invitation=invitation, errors={}, message=None)
    try:
        user = invitations.accept(
            token,
            password=request.form.get("password", ""),
            password_again=request.form.get("password_again", ""),
        )
        db.session.commit()
    except invitations.InvitationRefused as exc:  # spent in another tab meanwhile
        db.session.rollback()
        return render_template("portal/invitation_invalid.html", reason=exc.reason), 410
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return render_template(
            "portal/welcome.html", invitation=invitation, errors=exc.fields, message=exc.message
        ), exc.status
    chosen = session.get("language")
    session.clear()
    session["language"] = chosen or user.language
    session.permanent = True
    login_user(user, remember=False)
    audit.record("signed_in", actor=user.actor, subject=user.actor)
    db.session.commit()
    flash(_("Welcome. Your password is set; next time sign in with your e-mail and it."), "success")
    return redirect(url_for("portal.home"))
