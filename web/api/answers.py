"""Letters' signed links and evidence files over the API (issue 16).

- `GET /api/v1/documents/<id>/reply-links`: the links of a letter, their state and openings (staff
  who may read the document).
- `POST /api/v1/reply-links/<id>/revoke`: stop a link (lawyers, managers, admins).
- `GET /api/v1/recommendations/<id>/evidence`: the evidence files of a recommendation the caller may
  open (staff; an authority only its own answer's files, never one kept inside the Office).
- `GET /api/v1/evidence/<id>`: the file itself (inline for images and PDFs, else a download); 404
  for anyone the access policy does not let open it — guessing ids tells nothing.
"""

from __future__ import annotations

from flask import abort, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.db import db
from workflows import access
from workflows.answers import evidence
from workflows.answers import links as reply_links
from workflows.documents import queries as documents

from ..auth import allowed
from ..files import send_stored

blp = Blueprint("answers", __name__, url_prefix="/api/v1", description="Answers: signed links and evidence")


class ReplyLinkOut(Schema):
    id = fields.Integer()
    authority_id = fields.Integer()
    issued_at = fields.DateTime()
    expires_at = fields.DateTime()
    state = fields.String(metadata={"description": "active | expired | revoked | superseded"})
    first_opened_at = fields.DateTime(allow_none=True, metadata={"description": "the proof of receipt"})
    openings = fields.Integer()


class EvidenceOut(Schema):
    id = fields.Integer()
    name = fields.String()
    content_type = fields.String(metadata={"description": "sniffed from the bytes"})
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()
    uploaded_by = fields.String()
    internal_only = fields.Boolean()
    answer_id = fields.Integer(allow_none=True)
    finding_id = fields.Integer(allow_none=True)


def _evidence(row) -> dict:
    return {
        "id": row.id,
        "name": row.stored.original_name,
        "content_type": row.stored.content_type,
        "size": row.stored.size,
        "sha256": row.stored.sha256,
        "uploaded_at": row.uploaded_at,
        "uploaded_by": row.uploaded_by,
        "internal_only": row.internal_only,
        "answer_id": row.answer_id,
        "finding_id": row.finding_id,
    }


@blp.route("/documents/<int:document_id>/reply-links", methods=["GET"])
@blp.response(200, ReplyLinkOut(many=True))
@allowed(access.READ_DOCUMENTS)
def list_reply_links(document_id):
    """The signed links issued for a letter (only their hashes are kept: no token is ever shown)."""
    doc = documents.get(g.user, document_id)
    return [reply_links.summary(link).__dict__ for link in reply_links.of_document(doc.id)]


@blp.route("/reply-links/<int:link_id>/revoke", methods=["POST"])
@blp.response(200, ReplyLinkOut)
@allowed(access.REVOKE_REPLY_LINKS)
def revoke_reply_link(link_id):
    """Revoke a link: it stops opening at once (the official sees whom to write to). 409 when it is
    already revoked or superseded."""
    link = reply_links.revoke(link_id, actor=g.user.actor)
    db.session.commit()
    return reply_links.summary(link).__dict__


@blp.route("/recommendations/<int:recommendation_id>/evidence", methods=["GET"])
@blp.response(200, EvidenceOut(many=True))
def list_evidence(recommendation_id):
    return [_evidence(r) for r in evidence.visible_of_recommendation(g.user, recommendation_id)]


@blp.route("/evidence/<int:evidence_id>", methods=["GET"])
@blp.response(200, content_type="application/octet-stream")
def get_evidence(evidence_id):
    row = db.session.get(evidence.EvidenceFile, evidence_id)
    if row is None or not evidence.may_see(row, user=g.user):
        abort(404)
    return send_stored(row.stored)
