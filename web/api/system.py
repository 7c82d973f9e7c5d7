"""Operating the system over HTTP: who am I, the engine clock, the sweep, deployments, incidents and
failed deliveries."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import gettext as _
from flask_smorest import Blueprint

from engine import clock as clock_module
from engine import deployments, timers
from engine.clock import clock
from engine.db import db
from engine.models import Deployment
from notifications import delivery
from workflows import access
from workflows.errors import Conflict

from ..auth import allowed
from .schemas import (
    ClockIn,
    ClockOut,
    DeploymentIn,
    DeploymentOut,
    IncidentOut,
    MeOut,
    OutboxOut,
    SweepOut,
    UserOut,
    UserQuery,
)

blp = Blueprint("system", __name__, url_prefix="/api/v1", description="Clock, sweep, deployments, incidents")


@blp.route("/me", methods=["GET"])
@blp.response(200, MeOut)
def me():
    return g.user


@blp.route("/users", methods=["GET"])
@allowed(access.LIST_COLLEAGUES)
@blp.arguments(UserQuery, location="query")
@blp.response(200, UserOut(many=True))
def list_users(query):
    """Colleagues (e.g. to hand a task over with /tasks/{id}/reassign); staff roles only."""
    from workflows.users.models import User

    select = sa.select(User).where(User.active.is_(True))
    if query.get("role"):
        select = select.where(User.role == query["role"])
    return db.session.scalars(select.order_by(User.name)).all()


def _clock_state():
    return {
        "now": clock.now(),
        "offset_seconds": clock.offset.total_seconds(),
        "adjustable": bool(current_app.config.get("OMBUDSFLOW_CLOCK_ADJUSTABLE")),
    }


@blp.route("/clock", methods=["GET"])
@blp.response(200, ClockOut)
def get_clock():
    """The engine clock every worker, the sweep and the CLI share."""
    return _clock_state()


@blp.route("/clock", methods=["PUT"])
@allowed(access.ADMINISTER)
@blp.arguments(ClockIn)
@blp.response(200, ClockOut)
def set_clock(body):
    """Move the shared clock (demo and acceptance runs; refused unless OMBUDSFLOW_CLOCK_ADJUSTABLE)."""
    if not current_app.config.get("OMBUDSFLOW_CLOCK_ADJUSTABLE"):
        raise Conflict(_("The clock is not adjustable in this deployment."))
    clock_module.store_offset(db.session, body["now"])
    from engine import audit

    audit.record("clock_moved", actor=g.user.actor, details={"now": clock.now().isoformat()})
    db.session.commit()
    return _clock_state()


@blp.route("/timers/sweep", methods=["POST"])
@allowed(access.ADMINISTER)
@blp.response(200, SweepOut)
def sweep():
    """Fire every timer due now and deliver due outbox rows, instead of waiting for the scheduler."""
    result = timers.sweep(actor=g.user.actor)
    sent = delivery.deliver_due(actor=g.user.actor)
    return {
        "now": result.now,
        "fired": [
            {
                "instance_id": f.instance_id,
                "business_key": f.business_key,
                "element_id": f.element_id,
                "name": f.name,
                "due_at": f.due_at.isoformat(),
            }
            for f in result.fired
        ],
        "incidents": result.incidents,
        "timers_claimed": result.claimed,
        "outbox": {name: sent.count(name) for name in ("sent", "retry", "failed", "interrupted")},
    }


@blp.route("/deployments", methods=["GET"])
@allowed(access.DEPLOY)
@blp.response(200, DeploymentOut(many=True))
def list_deployments():
    rows = db.session.scalars(sa.select(Deployment).order_by(Deployment.id.desc()).limit(100)).all()
    return [_deployment(d, created=False) for d in rows]


@blp.route("/deployments", methods=["POST"])
@allowed(access.DEPLOY)
@blp.arguments(DeploymentIn)
@blp.response(201, DeploymentOut)
def deploy(body):
    """Deploy BPMN, DMN and form files as one deployment; identical content is a no-op (200).

    The checks before deploy run first: errors refuse it (422, by file and element), warnings
    refuse it too unless `accept_warnings` says why they may be accepted."""
    result = deployments.deploy(
        body["files"],
        actor=g.user.actor,
        name=body["name"],
        comment=body["comment"],
        warnings_note=body["accept_warnings"],
        require_note=True,
    )
    db.session.commit()
    return _deployment(result.deployment, result.created, result.versions), 201 if result.created else 200


def _deployment(d, created, versions=None):
    return {
        "id": d.id,
        "name": d.name,
        "sha256": d.sha256,
        "process_ids": d.process_ids,
        "created_at": d.created_at,
        "created_by": d.created_by,
        "created": created,
        "versions": versions or {x.process_id: x.version for x in d.definitions},
        "comment": d.comment,
        "warnings": d.warnings,
        "warnings_note": d.warnings_note,
    }


@blp.route("/incidents", methods=["GET"])
@allowed(access.ADMINISTER)
@blp.response(200, IncidentOut(many=True))
def list_incidents():
    return timers.open_incidents()


@blp.route("/incidents/<int:incident_id>/retry", methods=["POST"])
@allowed(access.ADMINISTER)
@blp.response(200, IncidentOut)
def retry_incident(incident_id):
    incident = timers.retry_incident(incident_id, actor=g.user.actor)
    db.session.commit()
    return incident


@blp.route("/outbox/failed", methods=["GET"])
@allowed(access.ADMINISTER)
@blp.response(200, OutboxOut(many=True))
def failed_deliveries():
    """Deliveries that gave up (or were interrupted) and wait for an admin."""
    return delivery.failed()


@blp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@allowed(access.ADMINISTER)
@blp.response(200, OutboxOut)
def retry_delivery(message_id):
    row = delivery.retry(message_id, actor=g.user.actor)
    db.session.commit()
    return row
