"""Recommendations: the filtered list, one recommendation's page (status, deadline, timeline, the
process diagram with the current step) and the BPMN file the diagram draws."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine import instances
from engine.clock import clock
from engine.db import db
from workflows import access
from workflows.access import views
from workflows.documents import queries as documents
from workflows.errors import Conflict, Invalid
from workflows.observations import services as observations
from workflows.publication import services as publication
from workflows.recommendations import extensions, queries, receipts
from workflows.recommendations.models import STATUSES
from workflows.visits.models import FINDING_CATEGORIES, SEVERITIES

from .. import registry
from ..auth import allowed
from ..files import send_text
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
        pages=result.pages,
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
            "lawyers": registry.lawyers() if access.can(g.user, access.SEE_ALL_RECOMMENDATIONS) else [],
        },
    )


@bp.route("/recommendations/<int:recommendation_id>")
@login_required
def show(recommendation_id: int):
    return _render_show(queries.get(g.user, recommendation_id))


def _render_show(
    rec,
    *,
    errors=None,
    values=None,
    message=None,
    status=200,
    observation_values=None,
    observation_errors=None,
):
    seen = views.view(rec, g.user)
    instance = instances.get(rec.process_instance_id) if seen.insider and rec.process_instance_id else None
    notes = observations.for_recommendation(rec.id) if access.can(g.user, access.SEE_OBSERVATIONS) else None
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
        observations=notes,
        may_observe=access.can(g.user, access.ADD_OBSERVATIONS),
        management=access.can(g.user, access.MANAGE_PUBLICATION),
        published=publication.is_published(rec.id),
        observation_values=observation_values or {},
        observation_errors=observation_errors or {},
        names=registry.user_names(o.author_id for o in notes or []),
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


@bp.route("/recommendations/<int:recommendation_id>/publication", methods=["POST"])
@allowed(access.MANAGE_PUBLICATION)
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
        return _render_show(
            queries.get(g.user, recommendation_id),
            status=422,
            observation_values=values,
            observation_errors=exc.fields,
        )
    flash(_("Your observation has been added."), "success")
    return redirect(url_for("recommendation.show", recommendation_id=rec.id) + "#observations")


@bp.route("/observations/<int:observation_id>/publication", methods=["POST"])
@allowed(access.MANAGE_PUBLICATION)
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
@allowed(access.SEE_PROCESS_DIAGRAM)
def diagram_xml(recommendation_id: int):
    # The capability first (403), then the record (404 whether hidden or missing, the same body).
    rec = queries.get(g.user, recommendation_id)
    if not rec.process_instance_id:
        abort(404)
    xml = diagram.bpmn_xml(instances.get(rec.process_instance_id))
    if xml is None:
        abort(404)
    name = f"recommendation-{recommendation_id}.bpmn"
    return send_text(xml, name=name, cache_control="private, max-age=3600")
