"""Recommendations: creating one starts its process."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine.db import db
from workflows import access
from workflows.recommendations import extensions, queries, receipts
from workflows.recommendations import services as recommendations

from ..auth import allowed
from . import present
from .schemas import (
    ExtensionRequestIn,
    ReceiptIn,
    RecommendationDetail,
    RecommendationIn,
    RecommendationPageOut,
    RecommendationQuery,
)

blp = Blueprint("recommendations", __name__, url_prefix="/api/v1", description="Recommendations")


@blp.route("/recommendations", methods=["POST"])
@blp.arguments(RecommendationIn)
@blp.response(201, RecommendationDetail)
def create_recommendation(body):
    """Create a recommendation from a finding and start its follow-up process (one transaction)."""
    rec = recommendations.create(**body, user=g.user)
    db.session.commit()
    return present.recommendation_detail(rec, g.user)


@blp.route("/recommendations", methods=["GET"])
@blp.arguments(RecommendationQuery, location="query")
@blp.response(200, RecommendationPageOut)
def list_recommendations(query):
    """Recommendations the caller may see; `overdue=true` lists open ones past their deadline."""
    result = queries.listing(g.user, queries.RecommendationFilters(**query))
    return {
        "items": [present.recommendation(r) for r in result.items],
        "total": result.total,
        "total_capped": result.capped,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "next_cursor": result.next_cursor,
    }


@blp.route("/recommendations/<int:recommendation_id>", methods=["GET"])
@blp.response(200, RecommendationDetail)
def get_recommendation(recommendation_id):
    """Status, deadline, open tasks, and the history: acts, replies, verifications, escalations,
    audit events and every notice with its delivery state."""
    return present.recommendation_detail(queries.get(g.user, recommendation_id), g.user)


@blp.route("/recommendations/<int:recommendation_id>/extension-requests", methods=["POST"])
@allowed(access.REQUEST_EXTENSION)
@blp.arguments(ExtensionRequestIn)
@blp.response(201, RecommendationDetail)
def request_extension(body, recommendation_id):
    """Клопотання про продовження строку (authorities): 422 with the failing field (a day after the
    current deadline, within the designer's limit), 409 when no reply is awaited or a request is
    already pending. The reply task stays open; the decision is e-mailed."""
    rec = queries.get(g.user, recommendation_id)
    extensions.request(
        rec,
        g.user.authority_id,
        requested_until=body["requested_until"],
        reason=body["reason"],
        actor=g.user.actor,
    )
    db.session.commit()
    return present.recommendation_detail(queries.get(g.user, recommendation_id), g.user)


@blp.route("/recommendations/<int:recommendation_id>/receipts", methods=["POST"])
@allowed(access.REGISTER_RECEIPT)
@blp.arguments(ReceiptIn)
@blp.response(201, RecommendationDetail)
def register_receipt(body, recommendation_id):
    """Register the paper receipt of the act or letter awaiting one (lawyers): the statutory term
    counts from `received_on` (not in the future, not before the letter was sent)."""
    rec = queries.get(g.user, recommendation_id)
    receipts.register_paper(
        rec,
        received_on=body["received_on"],
        incoming_number=body["incoming_number"],
        note=body["note"],
        actor=g.user.actor,
    )
    db.session.commit()
    return present.recommendation_detail(queries.get(g.user, recommendation_id), g.user)
