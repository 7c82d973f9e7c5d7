"""Authorities and facilities."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine.db import db
from workflows import access
from workflows.authorities import services as authorities
from workflows.facilities import services as facilities

from ..auth import allowed
from ..replica import reads_replica
from . import present
from .schemas import AuthorityIn, AuthorityOut, AuthorityQuery, FacilityIn, FacilityOut, FacilityQuery

blp = Blueprint("registry", __name__, url_prefix="/api/v1", description="Authorities and places of detention")


@blp.route("/authorities", methods=["GET"])
@blp.arguments(AuthorityQuery, location="query")
@blp.response(200, AuthorityOut(many=True))
@reads_replica
def list_authorities(query):
    """Authorities (central bodies, regional bodies, facility administrations)."""
    return [present.authority(a) for a in authorities.listing(**query)]


@blp.route("/authorities", methods=["POST"])
@allowed(access.ADMINISTER)
@blp.arguments(AuthorityIn)
@blp.response(201, AuthorityOut)
def create_authority(body):
    """Add an authority; `parent_id` is the superior an escalation goes to (admins)."""
    authority = authorities.create(**body, actor=g.user.actor)
    db.session.commit()
    return present.authority(authority)


@blp.route("/authorities/<int:authority_id>", methods=["GET"])
@blp.response(200, AuthorityOut)
def get_authority(authority_id):
    return present.authority(authorities.get(authority_id))


@blp.route("/facilities", methods=["GET"])
@blp.arguments(FacilityQuery, location="query")
@blp.response(200, FacilityOut(many=True))
@reads_replica
def list_facilities(query):
    """Places of deprivation of liberty, filtered by region, kind, responsible authority or name."""
    page, per_page = query.pop("page"), query.pop("per_page")
    rows = facilities.listing(**query, limit=per_page, offset=(page - 1) * per_page)
    return [present.facility(f) for f in rows]


@blp.route("/facilities", methods=["POST"])
@allowed(access.ADMINISTER)
@blp.arguments(FacilityIn)
@blp.response(201, FacilityOut)
def create_facility(body):
    """Add a place of deprivation of liberty (admins)."""
    facility = facilities.create(**body, actor=g.user.actor)
    db.session.commit()
    return present.facility(facility)


@blp.route("/facilities/<int:facility_id>", methods=["GET"])
@blp.response(200, FacilityOut)
def get_facility(facility_id):
    return present.facility(facilities.get(facility_id))
