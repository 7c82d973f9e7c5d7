"""Monitoring visits and their findings."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine.db import db
from workflows.visits import queries as visit_queries
from workflows.visits import services as visits

from . import present
from .schemas import FindingIn, FindingOut, VisitIn, VisitOut, VisitQuery

blp = Blueprint("visits", __name__, url_prefix="/api/v1", description="Monitoring visits and findings")


@blp.route("/visits", methods=["POST"])
@blp.arguments(VisitIn)
@blp.response(201, VisitOut)
def create_visit(body):
    """Record a visit with its monitoring group (staff and civil-society monitors)."""
    visit = visits.create(**body, user=g.user)
    db.session.commit()
    return present.visit(visit)


@blp.route("/visits", methods=["GET"])
@blp.arguments(VisitQuery, location="query")
@blp.response(200, VisitOut(many=True))
def list_visits(query):
    """Visits the caller may see, newest first (monitors: their own visits)."""
    result = visit_queries.listing(g.user, **query)
    return [present.visit(row.visit) for row in result.rows]


@blp.route("/visits/<int:visit_id>", methods=["GET"])
@blp.response(200, VisitOut)
def get_visit(visit_id):
    return present.visit(visits.get(visit_id, g.user))


@blp.route("/visits/<int:visit_id>/findings", methods=["POST"])
@blp.arguments(FindingIn)
@blp.response(201, FindingOut)
def add_finding(body, visit_id):
    """Add a finding (виявлене порушення) to a visit."""
    finding = visits.add_finding(visits.get(visit_id, g.user), **body, user=g.user)
    db.session.commit()
    return present.finding(finding)
