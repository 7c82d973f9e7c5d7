"""Permissions on top of roles (sign_documents, draw_protocols): granted and revoked by admins; the
people who may sign, for choosing a signatory (staff)."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine.db import db
from workflows import access
from workflows.users import grants

from ..auth import allowed
from . import present
from .schemas import GrantOut, GrantQuery, PersonOut

blp = Blueprint("grants", __name__, url_prefix="/api/v1", description="Permissions and signatories")


@blp.route("/grants", methods=["GET"])
@allowed(access.MANAGE_GRANTS)
@blp.arguments(GrantQuery, location="query")
@blp.response(200, GrantOut(many=True))
def list_grants(query):
    """Who holds which permission, by name (`permission=` to narrow)."""
    return grants.listing(query.get("permission"))


@blp.route("/users/<int:user_id>/grants/<permission>", methods=["PUT"])
@allowed(access.MANAGE_GRANTS)
@blp.response(200, GrantOut)
def grant(user_id, permission):
    """Give the permission (201 when new, 200 when the person already held it); audited."""
    user = grants.user_by_id(user_id)
    created = grants.grant(user, permission, actor=g.user.actor)
    db.session.commit()
    [row] = grants.listing(permission, user_id=user.id)
    return row, 201 if created else 200


@blp.route("/users/<int:user_id>/grants/<permission>", methods=["DELETE"])
@allowed(access.MANAGE_GRANTS)
@blp.response(204)
def revoke(user_id, permission):
    """Take the permission away (204 whether or not the person held it); audited."""
    grants.revoke(grants.user_by_id(user_id), permission, actor=g.user.actor)
    db.session.commit()


@blp.route("/signatories", methods=["GET"])
@allowed(access.DRAFT_DOCUMENTS)
@blp.response(200, PersonOut(many=True))
def signatories():
    """The only people a document may be signed by (holders of sign_documents), with their position."""
    return [present.person(u) for u in grants.signatories()]
