"""PLACEHOLDER, dropped at merge: the answer form of a signed-in official for one document lives at
`portal.answer` (GET/POST /portal/documents/<id>/answer, helper `answer`'s web/portal/answer.py).
Until then this endpoint keeps the portal's links working: it checks that the official may read the
document (another authority's or a subordinate's answers as missing) and sends them to the signed
link form of the first recommendation it covers that awaits their authority's answer."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import pgettext

from workflows import access, links
from workflows.documents import queries as documents
from workflows.portal import overview

from ..auth import allowed
from . import bp


@bp.route("/portal/documents/<int:document_id>/answer", methods=["GET", "POST"])
@allowed(access.USE_PORTAL)
def answer(document_id: int):
    doc = documents.get(g.user, document_id)
    for rec_id in doc.recommendation_ids:
        item = overview.recommendation(g.user, rec_id).item
        if item.view.direct and item.awaiting_answer:
            return redirect(url_for("portal.respond", token=links.reply_token(rec_id, g.user.authority_id)))
    flash(pgettext("portal", "Nothing is awaiting our answer on this recommendation now."), "info")
    return redirect(url_for("portal.home"))
