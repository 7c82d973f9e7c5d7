"""Recommendations: the filtered list, one recommendation's page (status, deadline, timeline, the
process diagram with the current step) and the BPMN file the diagram draws."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, render_template, request
from flask_login import login_required

from engine import instances
from workflows.access import STAFF_ROLES
from workflows.recommendations import queries
from workflows.recommendations.models import STATUSES
from workflows.visits.models import FINDING_CATEGORIES, SEVERITIES

from .. import registry
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
    rec = queries.get(g.user, recommendation_id)
    staff = g.user.role in STAFF_ROLES
    # The Office and the monitors of the visit read the whole story; an authority what it exchanged.
    insider = staff or g.user.role == "monitor"
    instance = instances.get(rec.process_instance_id) if rec.process_instance_id else None
    open_tasks = queries.open_tasks(rec)
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
