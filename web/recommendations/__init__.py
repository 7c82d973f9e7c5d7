"""Recommendations: the filtered list, one recommendation's page (status, deadline, timeline, the
process diagram with the current step) and the BPMN file the diagram draws."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, g, render_template, request, url_for
from flask_login import login_required

from engine import instances
from workflows.access import STAFF_ROLES
from workflows.recommendations import queries
from workflows.recommendations.models import STATUSES
from workflows.visits.models import SEVERITIES

from .. import registry
from ..people import actor_names
from ..tasks.kinds import task_label
from . import diagram, timeline

bp = Blueprint("recommendation", __name__)

LIST_ARGS = ("status", "authority", "region", "severity", "overdue", "q")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def filters_from(args) -> queries.RecommendationFilters:
    overdue = {"1": True, "0": False}.get(args.get("overdue", ""))
    return queries.RecommendationFilters(
        status=args.get("status") if args.get("status") in STATUSES else None,
        authority_id=_int(args.get("authority")),
        region=(args.get("region") or "").strip()[:60] or None,
        severity=args.get("severity") if args.get("severity") in SEVERITIES else None,
        overdue=overdue,
        q=(args.get("q") or "").strip()[:200] or None,
        page=max(_int(args.get("page")) or 1, 1),
        per_page=50,
    )


def _page_url(page: int) -> str:
    args = {k: v for k, v in request.args.items() if k in LIST_ARGS and v}
    if page > 1:
        args["page"] = str(page)
    return url_for("recommendation.index") + ("?" + urlencode(args) if args else "")


@bp.route("/recommendations")
@login_required
def index():
    filters = filters_from(request.args)
    result = queries.listing(g.user, filters)
    return render_template(
        "recommendations/index.html",
        result=result,
        filters=filters,
        pages=result.pages,
        page_url=_page_url,
        options={
            "statuses": list(STATUSES),
            "regions": registry.regions(),
            "authorities": registry.filter_authorities(filters.authority_id),
            "severities": list(SEVERITIES),
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
