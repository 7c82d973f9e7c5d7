"""Recommendations: the filtered list, one recommendation's page (status, deadline, timeline, the
process diagram with the current step) and the BPMN file the diagram draws."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine import instances
from engine.clock import clock
from engine.db import db
from workflows import access
from workflows.access import views
from workflows.documents import queries as documents
from workflows.errors import Conflict, Invalid
from workflows.recommendations import extensions, queries, receipts
from workflows.recommendations.models import STATUSES
from workflows.visits.models import SEVERITIES

from .. import registry
from ..auth import allowed
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
        pages=max((result.total + result.per_page - 1) // result.per_page, 1),
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
    return _render_show(rec)


def _render_show(rec, *, errors=None, values=None, message=None, status=200):
    seen = views.view(rec, g.user)
    instance = instances.get(rec.process_instance_id) if seen.insider and rec.process_instance_id else None
    return render_template(
        "recommendations/show.html",
        rec=rec,
        view=seen,
        staff=seen.insider,
        overdue=rec.is_overdue(clock.now()),
        open_tasks=seen.open_tasks,
        task_label=task_label,
        people=actor_names(t.assignee for t in seen.open_tasks) if seen.show_people else {},
        timeline=timeline.items(seen, instance),
        escalations=seen.escalations,
        errors=errors or {},
        values=values or {},
        message=message,
        # Outgoing documents: the Office's staff only for now (None: the block is not shown).
        outgoing=documents.of_recommendation(rec.id)
        if access.can(g.user, access.SEE_ALL_RECOMMENDATIONS)
        else None,
        # The diagram (and the one workflow restore it needs) is for the Office's staff.
        highlight=diagram.highlight(instance, diagram.bpmn_xml(instance)).as_dict()
        if seen.diagram and instance
        else None,
    ), status


@bp.route("/recommendations/<int:recommendation_id>/extension-request", methods=["POST"])
@allowed(access.REQUEST_EXTENSION)
def request_extension(recommendation_id: int):
    """Клопотання про продовження строку from an authority's official (the reply task stays open)."""
    rec = queries.get(g.user, recommendation_id)
    values = {k: request.form.get(k, "") for k in ("requested_until", "reason")}
    try:
        extensions.request(
            rec,
            g.user.authority_id,
            requested_until=values["requested_until"],
            reason=values["reason"],
            actor=g.user.actor,
        )
        db.session.commit()
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return _render_show(rec, errors=exc.fields, values=values, message=exc.message, status=exc.status)
    flash(_("Your extension request has been sent. You can still send your reply at any time."), "success")
    return redirect(url_for("recommendation.show", recommendation_id=rec.id))


@bp.route("/recommendations/<int:recommendation_id>/receipt", methods=["POST"])
@allowed(access.REGISTER_RECEIPT)
def register_receipt(recommendation_id: int):
    """A lawyer registers the paper receipt of the act or letter (the term counts from that day)."""
    rec = queries.get(g.user, recommendation_id)
    values = {k: request.form.get(k, "") for k in ("received_on", "incoming_number", "note")}
    try:
        receipts.register_paper(
            rec,
            received_on=values["received_on"],
            incoming_number=values["incoming_number"],
            note=values["note"],
            actor=g.user.actor,
        )
        db.session.commit()
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return _render_show(rec, errors=exc.fields, values=values, message=exc.message, status=exc.status)
    flash(_("The receipt has been registered; the term counts from that day."), "success")
    return redirect(url_for("recommendation.show", recommendation_id=rec.id))


@bp.route("/recommendations/<int:recommendation_id>/diagram.bpmn")
@login_required
def diagram_xml(recommendation_id: int):
    rec = queries.get(g.user, recommendation_id)
    if not access.can(g.user, access.SEE_PROCESS_DIAGRAM) or not rec.process_instance_id:
        abort(404)
    xml = diagram.bpmn_xml(instances.get(rec.process_instance_id))
    if xml is None:
        abort(404)
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "private, max-age=3600"})
