"""Outgoing documents over the API: one document, its PDF, a recommendation's documents. The staff
read every document; an authority's officials the documents sent to their own authority, without
the Office's drafting (`present.document_for`); anything else answers 404."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine.db import db
from workflows.documents import grouping
from workflows.documents import queries as documents
from workflows.visits import services as visits

from ..documents import send_pdf
from . import present
from .schemas import DocumentDetail, DocumentOut, GroupSubmissionIn

blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="Outgoing documents")


@blp.route("/documents/<int:document_id>", methods=["GET"])
@blp.response(200, DocumentDetail)
def get_document(document_id):
    """The document: kind, status, register number and date, addressee, recommendations, text,
    signatory, approval, sending and receipt, every version of the text and the history."""
    return present.document_for(documents.get(g.user, document_id), g.user, detail=True)


@blp.route("/documents/<int:document_id>/pdf", methods=["GET"])
@blp.response(200, content_type="application/pdf")
def get_document_pdf(document_id):
    """The PDF as sent (the kept file, `ETag` = its SHA-256), or, before sending, a preview of the
    current text (marked as a draft until approved)."""
    return send_pdf(documents.get(g.user, document_id))


@blp.route("/recommendations/<int:recommendation_id>/documents", methods=["GET"])
@blp.response(200, DocumentOut(many=True))
def list_recommendation_documents(recommendation_id):
    """Every outgoing document that covers the recommendation, newest first."""
    return [present.document_for(d, g.user) for d in documents.for_recommendation(g.user, recommendation_id)]


@blp.route("/visits/<int:visit_id>/submission", methods=["POST"])
@blp.arguments(GroupSubmissionIn)
@blp.response(201, DocumentDetail)
def group_submission(body, visit_id):
    """Одне подання: one document for several recommendations of this visit to one authority (one
    text, one register number on approval, one PDF); each recommendation keeps its own process,
    which now waits for the manager's approval of this document."""
    visit = visits.get(visit_id, g.user)
    doc = grouping.submit_group(g.user, visit_id=visit.id, **body)
    db.session.commit()
    return present.document_detail(doc)
