"""Recommendations: the filtered list, one recommendation's page (status, deadline, timeline, the
process diagram with the current step) and the BPMN file the diagram draws."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine import instances
from engine.db import db
from workflows.access import MANAGEMENT_ROLES, STAFF_ROLES, may_add_observation, may_see_observations
from workflows.errors import Invalid
from workflows.observations import services as observations
from workflows.publication import services as publication
from workflows.recommendations import queries
from workflows.recommendations.models import STATUSES
from workflows.visits.models import FINDING_CATEGORIES, SEVERITIES

from .. import registry
from ..auth import roles_required
from ..forms import dates
from ..people import actor_names
from ..tasks.kinds import task_label
from . import diagram, export, params, timeline

bp = Blueprint("recommendation", __name__)

EXPORT_FORMATS = ("csv", "xlsx")


@bp.route("/recommendations")
@login_required
def index():
    filters = params.filters_from(request.args)
    if request.args.get("format") in EXPORT_FORMATS:
        return export.recommendations(g.user, filters, request.args["format"])
    result = queries.listing(g.user, filters)
    return render_template(
        "recommendations/index.html",
        result=result,
        filters=filters,
        pages=max((result.total + result.per_page - 1) // result.per_page, 1),
        page_url=lambda page: params.list_url(filters, page=page),
        list_url=lambda **changes: params.list_url(filters, **changes),
        export_url=lambda fmt: params.list_url(filters, format=fmt),
        hidden=params.hidden_args(filters),
        chips=params.chips,
        options={
            "statuses": list(STATUSES),
            "regions": registry.regions(),
            "kinds": registry.facility_kinds(),
            "authorities": registry.filter_authorities(filters.authority_id),
            "severities": list(SEVERITIES),
            "categories": list(FINDING_CATEGORIES),
            "lawyers": registry.lawyers() if g.user.role in STAFF_ROLES else [],
        },
    )


@bp.route("/recommendations/<int:recommendation_id>")
@login_required
def show(recommendation_id: int):
    return _render_show(queries.get(g.user, recommendation_id))


def _render_show(rec, status: int = 200, observation_values=None, observation_errors=None):
    staff = g.user.role in STAFF_ROLES
    # The Office and the monitors of the visit read the whole story; an authority what it exchanged.
    insider = staff or g.user.role == "monitor"
    instance = instances.get(rec.process_instance_id) if rec.process_instance_id else None
    open_tasks = queries.open_tasks(rec)
    notes = observations.for_recommendation(rec.id) if may_see_observations(g.user) else None
    return render_template(
        "recommendations/show.html",
        rec=rec,
        staff=insider,
        overdue=queries.is_overdue(rec),
        open_tasks=open_tasks,
        task_label=task_label,
        people=actor_names(t.assignee for t in open_tasks),
        timeline=timeline.items(rec, instance, insider=insider),
        escalations=queries.escalations(rec),
        # The diagram (and the one workflow restore it needs) is for the Office's staff.
        highlight=diagram.highlight(instance, diagram.bpmn_xml(instance)).as_dict()
        if staff and instance
        else None,
        observations=notes,
        may_observe=may_add_observation(g.user),
        management=g.user.role in MANAGEMENT_ROLES,
        published=publication.is_published(rec.id),
        observation_values=observation_values or {},
        observation_errors=observation_errors or {},
        names=registry.user_names(o.author_id for o in notes or []),
    ), status


@bp.route("/recommendations/<int:recommendation_id>/publication", methods=["POST"])
@roles_required(*MANAGEMENT_ROLES)
def set_publication(recommendation_id: int):
    """Management makes the recommendation public on /public, or withdraws it (audited)."""
    if request.form.get("action") == "unpublish":
        publication.unpublish(g.user, recommendation_id)
        message = _("The recommendation has been withdrawn from the transparency page.")
    else:
        publication.publish(g.user, recommendation_id)
        message = _("The recommendation is now on the transparency page.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("recommendation.show", recommendation_id=recommendation_id) + "#transparency")


@bp.route("/recommendations/<int:recommendation_id>/observations", methods=["POST"])
@login_required
def add_observation(recommendation_id: int):
    rec = queries.get(g.user, recommendation_id)
    values = {"text": request.form.get("text", ""), "observed_on": request.form.get("observed_on", "")}
    try:
        observations.add(g.user, rec.id, text=values["text"], observed_on=dates.parse(values["observed_on"]))
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _render_show(queries.get(g.user, recommendation_id), 422, values, exc.fields)
    flash(_("Your observation has been added."), "success")
    return redirect(url_for("recommendation.show", recommendation_id=rec.id) + "#observations")


@bp.route("/observations/<int:observation_id>/publication", methods=["POST"])
@roles_required(*MANAGEMENT_ROLES)
def set_observation_publication(observation_id: int):
    published = request.form.get("action") != "unpublish"
    observation = publication.publish_observation(g.user, observation_id, published)
    db.session.commit()
    flash(
        _("The observation will be shown with the published recommendation.")
        if published
        else _("The observation is no longer public."),
        "success",
    )
    return redirect(
        url_for("recommendation.show", recommendation_id=observation.recommendation_id) + "#observations"
    )


@bp.route("/recommendations/<int:recommendation_id>/diagram.bpmn")
@login_required
def diagram_xml(recommendation_id: int):
    rec = queries.get(g.user, recommendation_id)
    if g.user.role not in STAFF_ROLES or not rec.process_instance_id:
        abort(404)
    xml = diagram.bpmn_xml(instances.get(rec.process_instance_id))
    if xml is None:
        abort(404)
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "private, max-age=3600"})
