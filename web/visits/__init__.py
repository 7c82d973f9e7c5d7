"""Monitoring visits: the list (monitors see their own), one screen to record a visit with its
monitoring group, and the visit's page where findings and recommendations are added and the
follow-up of each recommendation is shown. Creating a recommendation starts its process."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from engine.db import db
from workflows import access
from workflows.documents import grouping
from workflows.errors import Invalid
from workflows.planning import execution
from workflows.planning import queries as planning_queries
from workflows.recommendations import services as recommendations
from workflows.users import grants
from workflows.visits import queries
from workflows.visits import services as visits
from workflows.visits.models import FINDING_CATEGORIES, MEMBER_ROLES, SEVERITIES, VISIT_KINDS

from .. import registry
from ..auth import allowed
from . import forms

bp = Blueprint("visit", __name__)


def _choices():
    return {
        "kinds": list(VISIT_KINDS),
        "member_roles": list(MEMBER_ROLES),
        "categories": list(FINDING_CATEGORIES),
        "severities": list(SEVERITIES),
        "regions": registry.regions(),
        "people": registry.group_members(),
    }


@bp.route("/visits")
@allowed(access.SEE_VISITS)
def index():
    page = request.args.get("page", "1")
    result = queries.listing(g.user, page=int(page) if page.isdigit() else 1)
    return render_template(
        "visits/index.html",
        result=result,
        may_record=access.can(g.user, access.RECORD_VISITS),
        upcoming=planning_queries.upcoming_for_user(g.user),
    )


@bp.route("/visits/new", methods=["GET", "POST"])
@allowed(access.RECORD_VISITS)
def new():
    values = forms.visit_values(request.form if request.method == "POST" else request.args)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            visit = visits.create(**forms.visit_input(values), user=g.user)
            db.session.commit()
            flash(_("The visit has been recorded. Add its findings now."), "success")
            return redirect(url_for("visit.show", visit_id=visit.id))
        except Invalid as exc:
            db.session.rollback()
            errors = exc.fields
    return render_template(
        "visits/new.html",
        values=values,
        errors=errors,
        facilities=registry.facilities(values["region"] or None),
        opts=_choices(),
    ), (422 if errors else 200)


@bp.route("/visits/facility-options")
@allowed(access.RECORD_VISITS)
def facility_options():
    """The facility select for a region (htmx swaps it in when the region changes)."""
    region = request.args.get("region") or None
    return render_template(
        "visits/_facility_select.html", facilities=registry.facilities(region), value="", errors=None
    )


def _render_visit(visit, status=200, **forms_state):
    return render_template(
        "visits/show.html",
        visit=visit,
        by_finding=queries.recommendations_by_finding(visit),
        addressees=[(a.id, a) for a in registry.authority_chain(visit.facility.authority)],
        may_record=access.can(g.user, access.RECORD_VISITS),
        opts=_choices(),
        finding_values=forms_state.get("finding_values", {}),
        finding_errors=forms_state.get("finding_errors", {}),
        rec_for=forms_state.get("rec_for"),
        rec_values=forms_state.get("rec_values", {}),
        rec_errors=forms_state.get("rec_errors", {}),
        checks=execution.checks(visit),
        planned=execution.planned_of(visit),
        groupable=_groupable(visit),
        signatories=grants.signatories(),
        group_values=forms_state.get("group_values", {}),
        group_errors=forms_state.get("group_errors", {}),
        group_message=forms_state.get("group_message"),
    ), status


def _groupable(visit):
    """Per addressee, the recommendations of the visit that could share one submission (two or more)."""
    if not access.can(g.user, access.DRAFT_DOCUMENTS):
        return []
    by_addressee: dict[int, list] = {}
    for rec in grouping.groupable(visit.id):
        by_addressee.setdefault(rec.addressee_id, []).append(rec)
    return [(recs[0].addressee, recs) for recs in by_addressee.values() if len(recs) > 1]


@bp.route("/visits/<int:visit_id>/submission", methods=["POST"])
@allowed(access.DRAFT_DOCUMENTS)
def group_submission(visit_id: int):
    """Одне подання: the chosen recommendations of this visit as one document (documents/grouping.py)."""
    visit = visits.get(visit_id, g.user)
    raw = request.form.get("signatory_id", "")
    values = {"kind": request.form.get("kind", "submission")}
    try:
        doc = grouping.submit_group(
            g.user,
            visit_id=visit.id,
            recommendation_ids=[int(i) for i in request.form.getlist("recommendation_ids") if i.isdigit()],
            kind=values["kind"],
            signatory_id=int(raw) if raw.isdigit() else None,
        )
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _render_visit(
            visit, 422, group_values=values, group_errors=exc.fields, group_message=exc.message
        )
    flash(
        ngettext(
            "One document now covers %(num)d recommendation; it waits for the manager's approval.",
            "One document now covers %(num)d recommendations; it waits for the manager's approval.",
            len(doc.links),
        ),
        "success",
    )
    return redirect(url_for("document.show", document_id=doc.id))


@bp.route("/visits/<int:visit_id>")
@allowed(access.SEE_VISITS)
def show(visit_id: int):
    return _render_visit(visits.get(visit_id, g.user))


@bp.route("/visits/<int:visit_id>/findings", methods=["POST"])
@allowed(access.RECORD_VISITS)
def add_finding(visit_id: int):
    visit = visits.get(visit_id, g.user)
    values = forms.finding_values(request.form)
    try:
        visits.add_finding(visit, **forms.finding_input(values), user=g.user)
        db.session.commit()
        flash(_("The finding has been added."), "success")
        return redirect(url_for("visit.show", visit_id=visit.id) + "#findings")
    except Invalid as exc:
        db.session.rollback()
        return _render_visit(visit, 422, finding_values=values, finding_errors=exc.fields)


@bp.route("/visits/<int:visit_id>/findings/<int:finding_id>/recommendations", methods=["POST"])
@allowed(access.RECORD_VISITS)
def add_recommendation(visit_id: int, finding_id: int):
    """A recommendation on a finding; creating it starts its follow-up process (one transaction)."""
    visit = visits.get(visit_id, g.user)
    values = forms.recommendation_values(request.form)
    try:
        rec = recommendations.create(finding_id=finding_id, **forms.recommendation_input(values), user=g.user)
        db.session.commit()
        flash(
            _("Recommendation %(number)s has been created; its follow-up has started.", number=rec.number),
            "success",
        )
        return redirect(url_for("visit.show", visit_id=visit.id) + f"#finding-{finding_id}")
    except Invalid as exc:
        db.session.rollback()
        return _render_visit(visit, 422, rec_for=finding_id, rec_values=values, rec_errors=exc.fields)
