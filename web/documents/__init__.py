"""Outgoing documents for the Office's staff: one document's page (text, facts, versions, history)
and its PDF — the one kept as sent, or a preview of the current text until it is sent."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from flask_login import login_required

from engine.db import db
from workflows import access
from workflows.answers import links as reply_links
from workflows.documents import queries
from workflows.documents import services as documents
from workflows.documents.formatting import term_words
from workflows.documents.models import Document
from workflows.files import store

from ..auth import allowed
from ..files import send_bytes, send_stored
from ..people import actor_names

bp = Blueprint("document", __name__)
# "P1M" as the page's language says it: 1 місяць, 1 month.
bp.add_app_template_filter(term_words, "period")


def send_pdf(doc: Document) -> Response:
    """The document's PDF inline: the stored bytes once sent, a preview made now before that."""
    made = documents.pdf_of(doc)
    if made.stored_file_id is not None:
        return send_stored(store.get(made.stored_file_id), name=made.filename)
    return send_bytes(made.data, content_type="application/pdf", name=made.filename)


@bp.route("/documents/<int:document_id>")
@login_required
def show(document_id: int):
    doc = queries.get(g.user, document_id)
    history = queries.history(doc)
    return render_template(
        "documents/show.html",
        doc=doc,
        recommendations=queries.recommendations(doc),
        history=history,
        people=actor_names([h.actor for h in history] + [v.created_by for v in doc.versions]),
    )


@bp.route("/documents/<int:document_id>.pdf")
@login_required
def pdf(document_id: int):
    return send_pdf(queries.get(g.user, document_id))


# --- the letter's signed links (issue 16) ------------------------------------------------------------

REPLY_LINK_STATES = {
    "active": lazy_pgettext("reply link", "active"),
    "expired": lazy_pgettext("reply link", "expired"),
    "revoked": lazy_pgettext("reply link", "revoked"),
    "superseded": lazy_pgettext("reply link", "replaced by a newer letter"),
}


@bp.app_template_global()
def document_reply_links(document_id: int) -> list[reply_links.LinkSummary]:
    return [reply_links.summary(link) for link in reply_links.of_document(document_id)]


@bp.app_template_global()
def reply_link_state(state: str) -> str:
    return str(REPLY_LINK_STATES.get(state, state))


@bp.route("/documents/<int:document_id>/links/<int:link_id>/revoke", methods=["POST"])
@allowed(access.REVOKE_REPLY_LINKS)
def revoke_link(document_id: int, link_id: int):
    """A lawyer stops a letter's link (sent to a wrong address, say): it opens no more, and the
    official who follows it is told whom to write to."""
    doc = queries.get(g.user, document_id)
    if link_id not in [link.id for link in reply_links.of_document(doc.id)]:
        return redirect(url_for("document.show", document_id=doc.id))
    reply_links.revoke(link_id, actor=g.user.actor)
    db.session.commit()
    flash(_("The link is revoked: it no longer opens."), "success")
    return redirect(url_for("document.show", document_id=doc.id) + "#reply-links-title")
