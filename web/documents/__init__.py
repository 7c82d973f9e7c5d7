"""Outgoing documents for the Office's staff: one document's page (text, facts, versions, history)
and its PDF — the one kept as sent, or a preview of the current text until it is sent."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template
from flask_login import login_required

from workflows.documents import queries
from workflows.documents import services as documents
from workflows.documents.formatting import term_words
from workflows.documents.models import Document
from workflows.files import store

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
