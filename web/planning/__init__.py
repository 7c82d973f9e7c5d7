"""Visit planning in the pages: plans and their planned visits, groups, safety checks, starting a
visit, amendments, budgets and logistics, the risk ranking, coverage and the map. Rules live in
`workflows.planning`; routes parse, call one service, render."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from engine.db import db
from workflows import access
from workflows.errors import DomainError, Invalid
from workflows.monitors.models import EXPERTISE
from workflows.planning import (
    amendments,
    coverage,
    drafting,
    execution,
    groups,
    logistics,
    plans,
    queries,
    safety,
)
from workflows.planning.models import GROUP_ROLES, PLANNED_VISIT_KINDS, VisitPlan
from workflows.risk import queries as risk_queries
from workflows.risk import services as risk
from workflows.visits import services as visit_services

from .. import registry
from ..auth import allowed
from ..errors import reraise_refusal
from ..forms import values as parse
from ..labels import language, named
from ..people import actor_names
from . import cartogram, forms

bp = Blueprint("planning", __name__)


@bp.app_template_filter("money")
def money(value) -> str:
    """12 345,00 in Ukrainian, 12,345.00 in English."""
    return format_decimal(value or 0, format="#,##0.00")


@bp.app_template_global()
def month_name(month: int) -> str:
    """ "січень" / "January": the month standing alone."""
    return format_date(date(2000, month, 1), "LLLL")


# --- plans ----------------------------------------------------------------------------------------


@bp.route("/plans")
@allowed(access.PLAN_READ)
def plans_index():
    return render_template(
        "planning/plans.html", rows=plans.listing(), may_edit=access.can(g.user, access.PLAN_EDIT)
    )


@bp.route("/plans/new", methods=["GET", "POST"])
@allowed(access.PLAN_EDIT)
def plan_new():
    values = forms.plan_values(request.form if request.method == "POST" else {})
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            plan = plans.create(**forms.plan_input(values), user=g.user)
            added = drafting.draft(plan, user=g.user).added if values["draft"] else 0
            db.session.commit()
            if values["draft"]:
                flash(ngettext_visits(added), "success")
            else:
                flash(_("The plan has been created. Add its visits."), "success")
            return redirect(url_for("planning.plan_show", plan_id=plan.id))
        except Invalid as exc:
            db.session.rollback()
            errors = exc.fields
    return render_template("planning/plan_form.html", values=values, errors=errors), (422 if errors else 200)


def ngettext_visits(n: int) -> str:
    from flask_babel import ngettext

    return ngettext(
        "The plan has been drafted from the risk ranking: %(num)d visit.",
        "The plan has been drafted from the risk ranking: %(num)d visits.",
        n,
    )


def _plan_page(plan: VisitPlan, status: int = 200, **state):
    totals = logistics.totals(plan)
    return render_template(
        "planning/plan.html",
        plan=plan,
        quarters=queries.by_quarter(plan),
        pending=queries.pending_amendments(plan),
        progress=coverage.progress(plan),
        totals=totals,
        task=plans.open_task(plan),
        returned_comment=queries.last_comment(plan, "visit_plan_returned")
        if plan.status == "returned"
        else "",
        may_edit=access.can(g.user, access.PLAN_EDIT),
        people=actor_names([plan.approved_by]),
        **state,
    ), status


@bp.route("/plans/<int:plan_id>")
@allowed(access.PLAN_READ)
def plan_show(plan_id: int):
    return _plan_page(plans.get(plan_id))


@bp.route("/plans/<int:plan_id>/draft", methods=["POST"])
@allowed(access.PLAN_EDIT)
def plan_draft(plan_id: int):
    plan = plans.get(plan_id)
    try:
        added = drafting.draft(plan, user=g.user).added
        db.session.commit()
        flash(ngettext_visits(added), "success")
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(" ".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]), "error")
    return redirect(url_for("planning.plan_show", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/submit", methods=["POST"])
@allowed(access.PLAN_EDIT)
def plan_submit(plan_id: int):
    plan = plans.get(plan_id)
    try:
        if plan.status == "returned":
            plans.resubmit(plan, note=request.form.get("revision_note", ""), user=g.user)
        else:
            plans.submit(plan, user=g.user)
        db.session.commit()
        flash(_("The plan has been submitted to management for approval."), "success")
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(" ".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]), "error")
    return redirect(url_for("planning.plan_show", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/history")
@allowed(access.PLAN_READ)
def plan_history(plan_id: int):
    plan = plans.get(plan_id)
    events = queries.history(plan)
    return render_template(
        "planning/history.html",
        plan=plan,
        versions=plans.versions(plan),
        amendments=amendments.listing(plan),
        events=events,
        people=actor_names([e.actor for e in events] + [v.approved_by for v in plans.versions(plan)]),
    )


# --- planned visits -------------------------------------------------------------------------------


def _visit_options(values):
    region = values.get("region") or None
    facility_id = parse.integer(values.get("facility_id"))
    return {
        "regions": registry.regions(),
        "facilities": registry.facilities(region, limit=2000),
        "kinds": PLANNED_VISIT_KINDS,
        "recommendations": plans.open_recommendations_of(facility_id) if facility_id else [],
        "expertise": EXPERTISE,
    }


@bp.route("/plans/<int:plan_id>/visits/new", methods=["GET", "POST"])
@allowed(access.PLAN_EDIT)
def visit_new(plan_id: int):
    plan = plans.get(plan_id)
    values = forms.visit_values(request.form if request.method == "POST" else request.args)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = forms.visit_input(values)
        if not errors:
            try:
                if plan.status == "approved":
                    amendment = amendments.add_visit(plan, reason=values["reason"], user=g.user, **data)
                    message = (
                        _("The visit is added to the plan; the amendment waits for management's approval.")
                        if amendment.needs_approval
                        else _("The visit is added to the plan (an ad hoc visit takes effect at once).")
                    )
                    visit = amendment.planned_visit
                else:
                    visit = plans.add_visit(plan, user=g.user, **data)
                    message = _("The visit is in the plan.")
                db.session.commit()
                flash(message, "success")
                return redirect(url_for("planning.visit_show", planned_visit_id=visit.id))
            except Invalid as exc:
                db.session.rollback()
                errors = exc.fields
    return render_template(
        "planning/visit_form.html",
        plan=plan,
        visit=None,
        values=values,
        errors=errors,
        options=_visit_options(values),
    ), (422 if errors else 200)


@bp.route("/plans/facility-options")
@allowed(access.PLAN_EDIT)
def facility_options():
    """The place select for a region (htmx swaps it in when the region changes)."""
    return render_template(
        "visits/_facility_select.html",
        facilities=registry.facilities(request.args.get("region") or None, limit=2000),
        value="",
        errors=None,
    )


def _visit_page(visit, status: int = 200, **state):
    plan = visit.plan
    eligible, skipped = groups.eligibility(visit)
    proposal = state.pop("proposal", None)
    from workflows.recommendations.models import Recommendation

    from ..labels import label

    to_check = [db.session.get(Recommendation, link.recommendation_id) for link in visit.recommendation_links]
    return render_template(
        "planning/visit.html",
        visit=visit,
        plan=plan,
        covered={code for m in visit.members for code in m.monitor.expertise_codes},
        member_choices=[(m.monitor_id, m.monitor.name) for m in visit.members],
        expertise_names=lambda m: (
            ", ".join(label("expertise", c) for c in m.expertise_codes) or label("monitor_kind", m.kind)
        ),
        to_check=to_check,
        pending=queries.pending_amendments(plan).get(visit.id),
        eligible=eligible,
        skipped=skipped,
        proposal=proposal,
        group_rows=state.pop("group_rows", None) or forms.group_values({}, visit),
        group_errors=state.pop("group_errors", {}),
        roles=GROUP_ROLES,
        safety_required=safety.required(visit),
        safety_valid=safety.is_valid(visit),
        safety_expires=safety.expires_on(visit),
        safety_values=state.pop("safety_values", None) or forms.safety_values({}, visit.safety_check),
        safety_errors=state.pop("safety_errors", {}),
        start_errors=state.pop("start_errors", {}),
        expense_errors=state.pop("expense_errors", {}),
        expenses=logistics.expenses(visit),
        may_edit=access.can(g.user, access.PLAN_EDIT),
        may_reimburse=access.can(g.user, access.REIMBURSE_EXPENSES),
        is_leader=visit.leader is not None and visit.leader.monitor.user_id == g.user.id,
        skip_message=groups.skip_message,
        people=actor_names(
            [visit.group_approved_by, visit.safety_check.completed_by if visit.safety_check else None]
        ),
        **state,
    ), status


def _visit_for_user(planned_visit_id: int):
    visit = plans.get_visit(planned_visit_id)
    if not access.can(g.user, access.PLAN_READ) and not any(
        m.monitor.user_id == g.user.id for m in visit.members
    ):
        # A planned visit outside the monitor's groups answers exactly as a missing one.
        from workflows.errors import NotFound

        raise NotFound(_("Planned visit %(id)s does not exist.", id=planned_visit_id))
    return visit


@bp.route("/planned-visits/<int:planned_visit_id>")
@allowed(access.SEE_PLANNED_VISITS)
def visit_show(planned_visit_id: int):
    visit = _visit_for_user(planned_visit_id)
    proposal = (
        groups.propose(visit)
        if request.args.get("propose") == "1" and access.can(g.user, access.PLAN_EDIT)
        else None
    )
    return _visit_page(visit, proposal=proposal)


@bp.route("/planned-visits/<int:planned_visit_id>/edit", methods=["GET", "POST"])
@allowed(access.PLAN_EDIT)
def visit_edit(planned_visit_id: int):
    visit = plans.get_visit(planned_visit_id)
    plan = visit.plan
    values = forms.visit_values(request.form if request.method == "POST" else {}, visit)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = forms.visit_input(values)
        changes = {
            k: data[k]
            for k in ("month", "starts_on", "ends_on", "kind", "unannounced", "recommendation_ids", "note")
        }
        changes["needs"] = [n for n in values["needs"] if n]
        if not errors:
            try:
                if plan.status == "approved":
                    amendment = amendments.change_visit(
                        visit, reason=values["reason"], user=g.user, **changes
                    )
                    message = (
                        _("The change waits for management's approval (the visit moves to another quarter).")
                        if amendment.needs_approval
                        else _("The change is in force and recorded as an amendment.")
                    )
                else:
                    plans.update_visit(visit, user=g.user, **changes)
                    message = _("The visit has been changed.")
                db.session.commit()
                flash(message, "success")
                return redirect(url_for("planning.visit_show", planned_visit_id=visit.id))
            except Invalid as exc:
                db.session.rollback()
                errors = exc.fields
    return render_template(
        "planning/visit_form.html",
        plan=plan,
        visit=visit,
        values=values,
        errors=errors,
        options=_visit_options(values),
    ), (422 if errors else 200)


@bp.route("/planned-visits/<int:planned_visit_id>/cancel", methods=["POST"])
@allowed(access.PLAN_EDIT)
def visit_cancel(planned_visit_id: int):
    visit = plans.get_visit(planned_visit_id)
    plan = visit.plan
    try:
        if plan.status == "approved":
            amendments.cancel_visit(visit, reason=request.form.get("reason", ""), user=g.user)
            db.session.commit()
            flash(_("The cancellation waits for management's approval."), "success")
            return redirect(url_for("planning.visit_show", planned_visit_id=visit.id))
        plans.remove_visit(visit, user=g.user)
        db.session.commit()
        flash(_("The visit has been taken out of the plan."), "success")
        return redirect(url_for("planning.plan_show", plan_id=plan.id))
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(" ".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]), "error")
        return redirect(url_for("planning.visit_show", planned_visit_id=visit.id))


@bp.route("/planned-visits/<int:planned_visit_id>/group", methods=["POST"])
@allowed(access.PLAN_EDIT)
def visit_group(planned_visit_id: int):
    visit = plans.get_visit(planned_visit_id)
    reason = request.form.get("reason", "")
    try:
        if request.form.get("action") == "propose":
            groups.apply_proposal(visit, user=g.user, reason=reason)
            message = _("The proposed group is set; its leader approves it next.")
        else:
            rows = forms.group_values(request.form, visit)
            try:
                groups.set_group(visit, forms.group_input(rows), user=g.user, reason=reason)
            except Invalid as exc:
                db.session.rollback()
                return _visit_page(visit, 422, group_rows=rows, group_errors=exc.fields)
            message = _("The group has been saved; its leader approves it next.")
        db.session.commit()
        flash(message, "success")
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(" ".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]), "error")
    return redirect(url_for("planning.visit_show", planned_visit_id=visit.id) + "#group")


@bp.route("/planned-visits/<int:planned_visit_id>/group/approve", methods=["POST"])
@allowed(access.PLAN_READ)
def visit_group_approve(planned_visit_id: int):
    visit = plans.get_visit(planned_visit_id)
    try:
        groups.approve_group(visit, user=g.user)
        db.session.commit()
        flash(_("You have approved the group."), "success")
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("planning.visit_show", planned_visit_id=visit.id) + "#group")


@bp.route("/planned-visits/<int:planned_visit_id>/safety-check", methods=["POST"])
@allowed(access.SEE_PLANNED_VISITS)
def visit_safety(planned_visit_id: int):
    visit = _visit_for_user(planned_visit_id)
    values = forms.safety_values(request.form)
    try:
        safety.complete(visit, **values, user=g.user)
        db.session.commit()
        flash(_("The safety check is complete."), "success")
        return redirect(url_for("planning.visit_show", planned_visit_id=visit.id) + "#safety")
    except Invalid as exc:
        db.session.rollback()
        return _visit_page(visit, 422, safety_values=values, safety_errors=exc.fields)
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("planning.visit_show", planned_visit_id=visit.id) + "#safety")


@bp.route("/planned-visits/<int:planned_visit_id>/start", methods=["POST"])
@allowed(access.RECORD_VISITS)
def visit_start(planned_visit_id: int):
    """The visit happens: it becomes the visit record, and findings are added there."""
    from ..forms import dates

    visit = _visit_for_user(planned_visit_id)
    starts_text, ends_text = request.form.get("starts_on", ""), request.form.get("ends_on", "")
    errors: dict[str, list[str]] = {}
    starts_on, ends_on = dates.parse(starts_text), dates.parse(ends_text)
    if starts_text and starts_on is None:
        errors["starts_on"] = [_("Enter a valid date (YYYY-MM-DD).")]
    if ends_text and ends_on is None:
        errors["ends_on"] = [_("Enter a valid date (YYYY-MM-DD).")]
    if errors:
        return _visit_page(visit, 422, start_errors=errors)
    try:
        record = execution.start(
            visit,
            starts_on=starts_on,
            ends_on=ends_on,
            access_problems=request.form.get("access_problems", ""),
            user=g.user,
        )
        db.session.commit()
        flash(_("The visit is recorded. Add its findings here."), "success")
        return redirect(url_for("visit.show", visit_id=record.id))
    except Invalid as exc:
        db.session.rollback()
        return _visit_page(visit, 422, start_errors=exc.fields)
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("planning.visit_show", planned_visit_id=visit.id))


@bp.route("/planned-visits/<int:planned_visit_id>/expenses", methods=["POST"])
@allowed(access.SEE_PLANNED_VISITS)
def visit_expense(planned_visit_id: int):
    visit = _visit_for_user(planned_visit_id)
    try:
        logistics.record_expense(
            visit,
            monitor_id=parse.integer(request.form.get("monitor_id")) or 0,
            kind=request.form.get("kind", ""),
            amount=parse.money(request.form.get("amount")),
            note=request.form.get("note", ""),
            user=g.user,
        )
        db.session.commit()
        flash(_("The expense has been recorded."), "success")
        return redirect(url_for("planning.visit_show", planned_visit_id=visit.id) + "#expenses")
    except Invalid as exc:
        db.session.rollback()
        return _visit_page(visit, 422, expense_errors=exc.fields, expense_values=request.form)
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("planning.visit_show", planned_visit_id=visit.id) + "#expenses")


@bp.route("/expenses/<int:expense_id>/reimburse", methods=["POST"])
@allowed(access.REIMBURSE_EXPENSES)
def expense_reimburse(expense_id: int):
    try:
        expense = logistics.mark_reimbursed(expense_id, user=g.user)
        db.session.commit()
        flash(_("Marked as reimbursed."), "success")
        return redirect(
            url_for("planning.visit_show", planned_visit_id=expense.planned_visit_id) + "#expenses"
        )
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(request.referrer or url_for("planning.plans_index"))


@bp.route("/visits/<int:visit_id>/checks/<int:recommendation_id>", methods=["POST"])
@allowed(access.RECORD_VISITS)
def visit_check(visit_id: int, recommendation_id: int):
    """What the follow-up visit found about one recommendation it checks."""
    visit = visit_services.get(visit_id, g.user)
    try:
        execution.record_check(
            visit,
            recommendation_id=recommendation_id,
            outcome=request.form.get("outcome", ""),
            found=request.form.get("found", ""),
            user=g.user,
        )
        db.session.commit()
        flash(_("What was found has been recorded in the recommendation's history."), "success")
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(" ".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]), "error")
    return redirect(url_for("visit.show", visit_id=visit.id) + f"#check-{recommendation_id}")


# --- money ----------------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/budget", methods=["GET", "POST"])
@allowed(access.PLAN_READ)
def plan_budget(plan_id: int):
    plan = plans.get(plan_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        office = request.form.get("office_id", "")
        try:
            logistics.set_budget(
                plan,
                quarter=parse.integer(request.form.get("quarter")) or 0,
                office_id=int(office) if office.isdigit() else None,
                amount=parse.money(request.form.get("amount")),
                user=g.user,
            )
            db.session.commit()
            flash(_("The budget has been saved."), "success")
            return redirect(url_for("planning.plan_budget", plan_id=plan.id))
        except Invalid as exc:
            db.session.rollback()
            errors = exc.fields
        except DomainError as exc:
            reraise_refusal(exc)
            db.session.rollback()
            flash(exc.message, "error")
    return render_template(
        "planning/budget.html",
        plan=plan,
        totals=logistics.totals(plan),
        trips=logistics.trips(plan),
        savings=logistics.savings(plan),
        office_options=[("", _("NPM Department (no regional office)"))]
        + [(str(o.id), named(o)) for o in logistics.offices()],
        rates=logistics.rates(),
        errors=errors,
        may_budget=access.can(g.user, access.PLAN_BUDGET),
    ), (422 if errors else 200)


@bp.route("/planning/resources/offices", methods=["POST"])
@allowed(access.EDIT_RATES)
def office_change():
    """Add a regional office, or say which office visits an oblast."""
    try:
        if request.form.get("action") == "assign":
            office = request.form.get("office_id", "")
            logistics.assign_region(
                request.form.get("region", ""), int(office) if office.isdigit() else None, user=g.user
            )
        else:
            logistics.create_office(
                code=request.form.get("code", "").strip(),
                name_uk=request.form.get("name_uk", ""),
                name_en=request.form.get("name_en", ""),
                user=g.user,
            )
        db.session.commit()
        flash(_("The regional offices have been saved."), "success")
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(" ".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]), "error")
    return redirect(url_for("planning.resources") + "#offices")


@bp.route("/planning/resources", methods=["GET", "POST"])
@allowed(access.PLAN_READ)
def resources():
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            logistics.set_rates(
                {code: parse.money(request.form.get(code)) for code in logistics.COST_RATES}, user=g.user
            )
            db.session.commit()
            flash(_("The rates have been saved; the costs of plans being drafted follow them."), "success")
            return redirect(url_for("planning.resources"))
        except Invalid as exc:
            db.session.rollback()
            errors = exc.fields
        except DomainError as exc:
            reraise_refusal(exc)
            db.session.rollback()
            flash(exc.message, "error")
    return render_template(
        "planning/resources.html",
        rates=logistics.rates(),
        values=request.form if errors else {},
        errors=errors,
        offices=logistics.offices(),
        regions_by_office=_regions_by_office(),
        regions=registry.regions(),
        office_options=[("", _("NPM Department (no regional office)"))]
        + [(str(o.id), named(o)) for o in logistics.offices()],
        may_edit=access.can(g.user, access.EDIT_RATES),
    ), (422 if errors else 200)


def _regions_by_office():
    import sqlalchemy as sa

    from workflows.reference.models import Region

    out: dict[int | None, list[Region]] = {}
    for region in db.session.scalars(sa.select(Region).order_by(Region.sort)):
        out.setdefault(region.office_id, []).append(region)
    return out


# --- risk, coverage, map --------------------------------------------------------------------------


@bp.route("/planning/risk")
@allowed(access.PLAN_READ)
def risk_ranking():
    args = request.args
    level = args.get("level") or None
    page = risk_queries.ranking(
        region=args.get("region") or None,
        kind=args.get("kind") or None,
        level=level,
        page=parse.integer(args.get("page")) or 1,
    )
    base = {k: v for k, v in args.items() if k != "page" and v}
    return render_template(
        "planning/risk.html",
        page=page,
        filters=args,
        regions=registry.regions(),
        kinds=registry.facility_kinds(),
        refreshed=risk.last_refresh(),
        may_refresh=access.can(g.user, access.REFRESH_RISK),
        page_url=lambda n: url_for("planning.risk_ranking", **base, page=n),
        level_url=lambda code: url_for(
            "planning.risk_ranking",
            **{**base, "level": code} if code else {k: v for k, v in base.items() if k != "level"},
        ),
    )


@bp.route("/planning/risk/refresh", methods=["POST"])
@allowed(access.REFRESH_RISK)
def risk_refresh():
    try:
        result = risk.refresh_all(actor=g.user.actor)
        db.session.commit()
        flash(
            _("Risk scores recomputed: %(n)d places in %(s)s s.", n=result.places, s=f"{result.seconds:.1f}"),
            "success",
        )
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("planning.risk_ranking"))


def _plan_arg() -> VisitPlan | None:
    plan_id = parse.integer(request.args.get("plan"))
    return db.session.get(VisitPlan, plan_id) if plan_id else None


@bp.route("/planning/coverage")
@allowed(access.PLAN_READ)
def coverage_page():
    plan = _plan_arg()
    never, never_total = coverage.never_visited(limit=25)
    return render_template(
        "planning/coverage.html",
        plan=plan,
        plans=[p for p, _counts in plans.listing()],
        regions=coverage.by_region(plan=plan),
        kinds=coverage.by_kind(plan=plan),
        progress=coverage.progress(plan) if plan else None,
        never=never,
        never_total=never_total,
    )


@bp.route("/planning/map")
@allowed(access.PLAN_READ)
def map_page():
    plan = _plan_arg()
    by = "risk" if request.args.get("by") == "risk" else "coverage"
    data = coverage.by_region(plan=plan)
    return render_template(
        "planning/map.html",
        plan=plan,
        plans=[p for p, _counts in plans.listing()],
        by=by,
        data=data,
        tiles=cartogram.tiles(data, by=by, language=language()),
        legend=cartogram.legend(by),
        width=cartogram.WIDTH,
        height=cartogram.HEIGHT,
        tile_w=cartogram.TILE_W,
        tile_h=cartogram.TILE_H,
        empty=cartogram.EMPTY,
    )
