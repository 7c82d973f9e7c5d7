"""The administrator's page of what did not go out and what failed in the processes: failed
deliveries (retry sends again) and open incidents of the timer sweep (retry fires again)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from engine import errors as engine_errors
from engine import timers
from engine.db import db
from notifications import delivery
from workflows.recommendations.models import Recommendation

from ..auth import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _recommendations_of_instances(instance_ids) -> dict[int, Recommendation]:
    ids = {i for i in instance_ids if i}
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Recommendation).where(Recommendation.process_instance_id.in_(ids)))
    return {r.process_instance_id: r for r in rows}


@bp.route("/deliveries")
@roles_required("admin")
def deliveries():
    failed = delivery.failed()
    incidents = timers.open_incidents()
    return render_template(
        "admin/deliveries.html",
        failed=failed,
        incidents=incidents,
        recs=_recommendations_of_instances(
            [m.instance_id for m in failed] + [i.instance_id for i in incidents]
        ),
    )


@bp.route("/deliveries/<int:message_id>/retry", methods=["POST"])
@roles_required("admin")
def retry_delivery(message_id: int):
    try:
        delivery.retry(message_id, actor=g.user.actor)
        db.session.commit()
        flash(_("Message %(id)d will be sent again at the next delivery round.", id=message_id), "success")
    except (engine_errors.Conflict, engine_errors.NotFound):
        db.session.rollback()
        flash(_("Message %(id)d is no longer waiting for a retry.", id=message_id), "error")
    return redirect(url_for("admin.deliveries"))


@bp.route("/incidents/<int:incident_id>/retry", methods=["POST"])
@roles_required("admin")
def retry_incident(incident_id: int):
    try:
        timers.retry_incident(incident_id, actor=g.user.actor)
        db.session.commit()
        flash(
            _("Incident %(id)d: the step will be tried again at the next sweep.", id=incident_id), "success"
        )
    except (engine_errors.Conflict, engine_errors.NotFound):
        db.session.rollback()
        flash(_("Incident %(id)d is already resolved.", id=incident_id), "error")
    return redirect(url_for("admin.deliveries") + "#incidents")
