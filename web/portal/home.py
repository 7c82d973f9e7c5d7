"""The authority's own site for its signed-in officials: /portal (what was addressed to us, by when,
what we answered, what the Office decided; read-only, the follow-up of the authorities below us),
one recommendation, the PDFs of the documents we received, and the extension request. In the
authority's words: no staff vocabulary, no filters of what it cannot see. What an official sees is
the access policy's (`workflows.portal.overview` on `workflows.access`)."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask_babel import lazy_pgettext

from workflows import access, links
from workflows.documents import queries as documents
from workflows.portal import overview
from workflows.recommendations import extensions

from ..auth import allowed
from ..documents import send_pdf
from ..files import send_stored
from ..recommendations import timeline
from . import bp, extension

# Where a recommendation stands, said to the authority (never the Office's process words).
STANDING = {
    # A recommendation a document was sent about before its process sends the act (issue 15 part 1).
    "draft": lazy_pgettext("portal", "Sent to the authority"),
    "awaiting_receipt": lazy_pgettext("portal", "Sent to the authority"),
    "awaiting_reply": lazy_pgettext("portal", "Awaiting the answer"),
    "reply_overdue": lazy_pgettext("portal", "No answer within the term"),
    "under_verification": lazy_pgettext("portal", "The answer is being considered"),
    "follow_up": lazy_pgettext("portal", "Implementation being checked"),
    "escalated": lazy_pgettext("portal", "Referred to the superior authority"),
    "in_court": lazy_pgettext("portal", "Before the court"),
    "implemented": lazy_pgettext("portal", "Implemented"),
    "closed": lazy_pgettext("portal", "Closed"),
}


def standing(code: str) -> str:
    value = STANDING.get(code)
    return str(value) if value is not None else code


def _page(name: str) -> int:
    value = request.args.get(name, "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


def answer_url(item) -> str | None:
    """Where the official answers on this recommendation, or None when nothing is awaited from their
    authority: the answer form of a document we received that covers it, else the signed link of
    its letter (the same form, without an account)."""
    if not item.view.direct or not item.awaiting_answer:
        return None
    for doc in item.documents:
        return url_for("portal.answer", document_id=doc.id)
    return url_for("portal.respond", token=links.reply_token(item.rec.id, g.user.authority_id))


@bp.app_context_processor
def _portal_helpers():
    return {"standing": standing, "answer_url": answer_url}


@bp.route("/portal")
@allowed(access.USE_PORTAL)
def home():
    return render_template(
        "portal/home.html",
        overview=overview.overview(g.user, page=_page("page"), below_page=_page("below_page")),
        may_invite=access.may_invite_to(g.user, g.user.authority_id),
    )


@bp.route("/portal/recommendations/<int:recommendation_id>")
@allowed(access.USE_PORTAL)
def recommendation(recommendation_id: int):
    return _render_recommendation(overview.recommendation(g.user, recommendation_id))


def _render_recommendation(detail, *, status=200, ext=None):
    return render_template(
        "portal/recommendation.html",
        detail=detail,
        item=detail.item,
        view=detail.item.view,
        rec=detail.item.rec,
        # What was sent to us and what we did, oldest first (the records and the notices only).
        timeline=timeline.items(detail.item.view, None) if detail.item.view.direct else [],
        ext=ext or extension.blank(),
    ), status


@bp.route("/portal/recommendations/<int:recommendation_id>/extension", methods=["POST"])
@allowed(access.REQUEST_EXTENSION)
def request_extension(recommendation_id: int):
    """Клопотання про продовження строку: its own action, apart from the answer (which stays open)."""
    detail = overview.recommendation(g.user, recommendation_id)
    return extension.handle(
        lambda values: extensions.request(
            detail.item.rec,
            g.user.authority_id,
            requested_until=values["requested_until"],
            reason=values["reason"],
            actor=g.user.actor,
        ),
        render=lambda ext, status: _render_recommendation(
            overview.recommendation(g.user, recommendation_id), status=status, ext=ext
        ),
        done=url_for("portal.recommendation", recommendation_id=recommendation_id),
    )


@bp.route("/portal/documents/<int:document_id>.pdf")
@allowed(access.USE_PORTAL)
def document_pdf(document_id: int):
    """A document our authority received, as sent (another authority's answers as missing)."""
    return send_pdf(documents.get(g.user, document_id))


@bp.route("/portal/acts/<int:act_id>.pdf")
@allowed(access.USE_PORTAL)
def act_pdf(act_id: int):
    """An act of response our authority received, as it was e-mailed (PDF)."""
    return send_stored(overview.act_pdf(g.user, act_id))
