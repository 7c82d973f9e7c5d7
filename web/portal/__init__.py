"""The authority's reply page behind the signed link of its letter (/respond/<token>): no account;
the signature says which authority answers which recommendation. It shows the recommendation and
the latest act of response and, while the authority has an open task on it, the reply form (reply
or ask for an extension), completed as the actor `link:authority:<id>`. CSRF applies as everywhere."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import tasks as engine_tasks
from engine.db import db
from workflows import links
from workflows import tasks as work
from workflows.authorities.models import Authority
from workflows.errors import Conflict, Invalid
from workflows.recommendations.models import Recommendation

from ..forms import jsonschema_form
from ..labels import language

bp = Blueprint("portal", __name__)


def _invalid(expired: bool):
    return render_template("portal/invalid.html", expired=expired), (410 if expired else 404)


def _render(token, rec, authority, task, values=None, errors=None, status=200, **extra):
    form = (
        jsonschema_form.build(engine_tasks.form_of(task), values or {}, errors, language()) if task else None
    )
    return render_template(
        "portal/respond.html",
        token=token,
        rec=rec,
        authority=authority,
        act=rec.acts[-1] if rec.acts else None,
        replies=[r for r in rec.replies if r.authority_id == authority.id],
        task=task,
        form=form,
        **extra,
    ), status


@bp.route("/respond/<token>", methods=["GET", "POST"])
def respond(token: str):
    try:
        recommendation_id, authority_id = links.read_reply_token(token)
    except links.InvalidLink as exc:
        return _invalid(exc.expired)
    rec = db.session.get(Recommendation, recommendation_id)
    authority = db.session.get(Authority, authority_id)
    if rec is None or authority is None:
        return _invalid(False)
    task = work.open_task_for_authority(rec, authority_id)
    if request.method == "GET":
        return _render(token, rec, authority, task)
    if task is None:
        flash(_("There is nothing to answer on this recommendation at the moment."), "info")
        return redirect(url_for("portal.respond", token=token))
    data = jsonschema_form.parse(engine_tasks.form_of(task), request.form)
    version = request.form.get("version", "")
    try:
        work.complete_for_authority(authority_id, task.id, data, int(version) if version.isdigit() else None)
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _render(token, rec, authority, task, data, exc.fields, 422, message=exc.message)
    except Conflict as exc:
        db.session.rollback()
        return _render(token, rec, authority, task, data, None, 409, conflict=exc.message)
    flash(_("Thank you. Your answer has been received and registered."), "success")
    return redirect(url_for("portal.respond", token=token))
