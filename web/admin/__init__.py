"""The administrator's page of what did not go out and what failed in the processes: failed
deliveries (retry sends again) and open incidents of the timer sweep (retry fires again)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import errors as engine_errors
from engine import timers
from engine.db import db
from notifications import delivery
from workflows import access, deadlines
from workflows.calendar import services as calendar
from workflows.calendar.models import KINDS as CALENDAR_KINDS
from workflows.errors import DomainError
from workflows.recommendations.models import Recommendation

from ..auth import allowed

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _recommendations_of_instances(instance_ids) -> dict[int, Recommendation]:
    ids = {i for i in instance_ids if i}
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Recommendation).where(Recommendation.process_instance_id.in_(ids)))
    return {r.process_instance_id: r for r in rows}


@bp.route("/deliveries")
@allowed(access.ADMINISTER)
def deliveries():
    failed = delivery.failed()
    incidents = timers.open_incidents()
    return render_template(
        "admin/deliveries.html",
        failed=failed,
        incidents=incidents,
        recs=_recommendations_of_instances(
            [m.instance_id for m in failed] + [i.instance_id for i in incidents]
        ),
    )


@bp.route("/deliveries/<int:message_id>/retry", methods=["POST"])
@allowed(access.ADMINISTER)
def retry_delivery(message_id: int):
    try:
        delivery.retry(message_id, actor=g.user.actor)
        db.session.commit()
        flash(_("Message %(id)d will be sent again at the next delivery round.", id=message_id), "success")
    except (engine_errors.Conflict, engine_errors.NotFound):
        db.session.rollback()
        flash(_("Message %(id)d is no longer waiting for a retry.", id=message_id), "error")
    return redirect(url_for("admin.deliveries"))


@bp.route("/incidents/<int:incident_id>/retry", methods=["POST"])
@allowed(access.ADMINISTER)
def retry_incident(incident_id: int):
    try:
        timers.retry_incident(incident_id, actor=g.user.actor)
        db.session.commit()
        flash(
            _("Incident %(id)d: the step will be tried again at the next sweep.", id=incident_id), "success"
        )
    except (engine_errors.Conflict, engine_errors.NotFound):
        db.session.rollback()
        flash(_("Incident %(id)d is already resolved.", id=incident_id), "error")
    return redirect(url_for("admin.deliveries") + "#incidents")


@bp.route("/calendar")
@allowed(access.EDIT_CALENDAR)
def calendar_page():
    """Календар строків: the holidays and days off of a year, the martial-law switch, edits."""
    return _calendar_page()


def _calendar_page(errors=None, values=None, status=200):
    years = calendar.years()
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else (deadlines.kyiv_date(clock_now()).year)
    return render_template(
        "admin/calendar.html",
        year=year,
        years=sorted(set(years) | {year}),
        days=calendar.days(year),
        martial_law=calendar.martial_law(),
        is_working=deadlines.is_working_day,
        kinds=CALENDAR_KINDS,
        errors=errors or {},
        values=values or {},
    ), status


def clock_now():
    from engine.clock import clock

    return clock.now()


@bp.route("/calendar/days", methods=["POST"])
@allowed(access.EDIT_CALENDAR)
def calendar_set_day():
    values = {k: request.form.get(k, "") for k in ("day", "kind", "name_uk", "name_en")}
    try:
        row = calendar.set_day(
            values["day"],
            kind=values["kind"],
            name_uk=values["name_uk"],
            name_en=values["name_en"],
            actor=g.user.actor,
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _calendar_page(exc.fields, values, exc.status)
    flash(_("%(day)s saved.", day=row.day.strftime("%d.%m.%Y")), "success")
    return redirect(url_for("admin.calendar_page", year=row.day.year))


@bp.route("/calendar/days/<day>/remove", methods=["POST"])
@allowed(access.EDIT_CALENDAR)
def calendar_remove_day(day: str):
    try:
        calendar.remove_day(day, actor=g.user.actor)
        db.session.commit()
        flash(_("%(day)s removed from the calendar.", day=day), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("admin.calendar_page", year=day[:4] if day[:4].isdigit() else None))


@bp.route("/calendar/martial-law", methods=["POST"])
@allowed(access.EDIT_CALENDAR)
def calendar_martial_law():
    on = request.form.get("martial_law") == "on"
    calendar.set_martial_law(on, actor=g.user.actor)
    db.session.commit()
    flash(
        _("Martial law: public holidays are working days.")
        if on
        else _("Public holidays are days off again."),
        "success",
    )
    return redirect(url_for("admin.calendar_page", year=request.form.get("year") or None))


# --- accounts: people and their API tokens ------------------------------------------------------


@bp.route("/accounts")
@allowed(access.MANAGE_ACCOUNTS)
def accounts_page():
    from workflows.users import accounts
    from workflows.users.models import User

    people = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)).all()
    tokens = accounts.tokens(include_ended=request.args.get("ended") == "1")
    return render_template(
        "admin/accounts.html",
        people=people,
        tokens=tokens,
        state=accounts.state,
        show_ended=request.args.get("ended") == "1",
    )


@bp.route("/accounts/<int:user_id>/deactivate", methods=["POST"])
@allowed(access.MANAGE_ACCOUNTS)
def deactivate_account(user_id: int):
    from workflows.users import accounts
    from workflows.users.models import User

    user = db.session.get(User, user_id)
    if user is None:
        return redirect(url_for("admin.accounts_page"))
    try:
        revoked = accounts.deactivate(user, actor=g.user.actor)
        db.session.commit()
        flash(
            _(
                "%(name)s can no longer sign in: sessions ended, %(n)d token(s) revoked.",
                name=user.name,
                n=revoked,
            ),
            "success",
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("admin.accounts_page"))


@bp.route("/accounts/<int:user_id>/activate", methods=["POST"])
@allowed(access.MANAGE_ACCOUNTS)
def activate_account(user_id: int):
    from workflows.users import accounts
    from workflows.users.models import User

    user = db.session.get(User, user_id)
    if user is None:
        return redirect(url_for("admin.accounts_page"))
    try:
        accounts.reactivate(user, actor=g.user.actor)
        db.session.commit()
        flash(_("%(name)s may sign in again.", name=user.name), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("admin.accounts_page"))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@allowed(access.MANAGE_ACCOUNTS)
def revoke_token(token_id: int):
    from workflows.users import accounts

    try:
        row = accounts.revoke_token(accounts.get_token(token_id), actor=g.user.actor)
        db.session.commit()
        flash(_("Token %(id)d revoked: requests with it are refused from now on.", id=row.id), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("admin.accounts_page"))
