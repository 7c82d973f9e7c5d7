"""The authority's page behind the signed link of its letters (/respond/<token>): no account; the
signature says which authority answers which recommendation. It shows what was sent to that
authority (the view of `workflows.access.views.for_authority`), the deadline with its legal basis,
and — while the recommendation is open — the reply form and the extension request, apart: asking
for more time never takes the reply away. The first opening of the link is kept as proof of
receipt. CSRF applies as everywhere."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import tasks as engine_tasks
from engine.clock import clock
from engine.db import db
from workflows import links
from workflows import tasks as work
from workflows.access import views
from workflows.actors import link_actor
from workflows.authorities.models import Authority
from workflows.documents import answers
from workflows.errors import Conflict, Invalid
from workflows.recommendations import extensions, receipts
from workflows.recommendations.models import Recommendation

from ..forms import jsonschema_form
from ..labels import language
from . import extension

bp = Blueprint("portal", __name__)


def _invalid(expired: bool):
    return render_template("portal/invalid.html", expired=expired), (410 if expired else 404)


def _render(token, rec, authority, task, values=None, errors=None, status=200, **extra):
    form = (
        jsonschema_form.build(engine_tasks.form_of(task), values or {}, errors, language()) if task else None
    )
    document = answers.document_of(rec.id, authority.id)
    return render_template(
        "portal/respond.html",
        document=document,
        siblings=[
            (other, links.reply_url(other.id, authority.id)) for other in answers.siblings(document, rec.id)
        ],
        token=token,
        rec=rec,
        authority=authority,
        view=views.for_authority(rec, authority.id, with_history=False),
        overdue=rec.is_overdue(clock.now()),
        task=task,
        form=form,
        ext=extra.pop("ext", None) or extension.blank(),
        **extra,
    ), status


@bp.route("/respond/<token>", methods=["GET", "POST"])
def respond(token: str):
    from .answer import respond_by_link

    if "." not in token:
        # A letter's link from the registry (names one authority and one document). Signed links of
        # the first wave (one recommendation, `links.reply_token`, with dots) are read below.
        return respond_by_link(token)
    try:
        recommendation_id, authority_id = links.read_reply_token(token)
    except links.InvalidLink as exc:
        return _invalid(exc.expired)
    rec = db.session.get(Recommendation, recommendation_id)
    authority = db.session.get(Authority, authority_id)
    if rec is None or authority is None:
        return _invalid(False)
    if request.method == "GET":
        # The first opening of the link proves the letter arrived (kept, and it may start the term).
        if receipts.link_opened(rec, authority) is not None:
            db.session.commit()
        return _render(token, rec, authority, work.open_task_for_authority(rec, authority_id))
    if request.form.get("action") == "extension":
        return _request_extension(token, rec, authority)
    task = work.open_task_for_authority(rec, authority_id)
    if task is None:
        flash(_("There is nothing to answer on this recommendation at the moment."), "info")
        return redirect(url_for("portal.respond", token=token))
    data = jsonschema_form.parse(engine_tasks.form_of(task), request.form)
    version = request.form.get("version", "")
    try:
        # This recommendation's own answer, also when one submission covers several (answers.py).
        answers.record_answer(
            rec.id,
            authority_id=authority_id,
            reply_text=data.get("reply_text"),
            measures=data.get("measures"),
            attachments=data.get("attachments") or (),
            expected_version=int(version) if version.isdigit() else None,
        )
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _render(token, rec, authority, task, data, exc.fields, 422, message=exc.message)
    except Conflict as exc:
        db.session.rollback()
        return _render(token, rec, authority, task, data, None, 409, conflict=exc.message)
    flash(_("Thank you. Your reply has been received and registered."), "success")
    return redirect(url_for("portal.respond", token=token))


def _request_extension(token, rec, authority):
    return extension.handle(
        lambda values: extensions.request(
            rec,
            authority.id,
            requested_until=values["requested_until"],
            reason=values["reason"],
            actor=link_actor(authority.id),
        ),
        render=lambda ext, status: _render(
            token, rec, authority, work.open_task_for_authority(rec, authority.id), status=status, ext=ext
        ),
        done=url_for("portal.respond", token=token),
    )


# The authority's own site for signed-in officials (issue 16) and the answer form, on this blueprint.
from . import accounts, answer, evidence_files, home  # noqa: E402, F401
