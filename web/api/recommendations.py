"""Recommendations: creating one starts its process."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine.db import db
from workflows.recommendations import queries
from workflows.recommendations import services as recommendations

from . import present
from .schemas import RecommendationDetail, RecommendationIn, RecommendationPageOut, RecommendationQuery

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
