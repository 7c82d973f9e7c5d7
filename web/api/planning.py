"""Visit planning over the API: registries (rename and move authorities, signals, CSV import), the
monitoring pool, risk scores, plans and their visits, groups, safety checks, starting a visit,
recording what a follow-up visit found, and coverage. The same services as the pages."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine.db import db
from workflows import access
from workflows.authorities import services as authorities
from workflows.facilities import services as facilities
from workflows.imports import services as imports
from workflows.monitors import queries as pool
from workflows.planning import amendments, coverage, drafting, execution, groups, plans, queries, safety
from workflows.planning.models import VisitPlan
from workflows.risk import queries as risk_queries
from workflows.risk import services as risk
from workflows.visits import services as visit_services

from ..auth import allowed
from . import present
from .planning_schemas import (
    AmendedOut,
    AmendmentOut,
    AuthorityMoveIn,
    AuthorityUpdateIn,
    CheckIn,
    CheckOut,
    CoverageOut,
    CoverageQuery,
    GroupIn,
    ImportIn,
    ImportOut,
    MonitorOut,
    MonitorQuery,
    PlanDetailOut,
    PlanIn,
    PlannedVisitChangeIn,
    PlannedVisitIn,
    PlannedVisitOut,
    PlanOut,
    PlanTaskOut,
    ProposalOut,
    ReasonIn,
    RiskOut,
    RiskPageOut,
    RiskQuery,
    RiskRefreshOut,
    SafetyCheckIn,
    SignalIn,
    SignalOut,
    StartIn,
    SubmitIn,
)
from .schemas import AuthorityOut, VisitOut

blp = Blueprint("planning_api", __name__, url_prefix="/api/v1", description="Visit planning")


# --- presenting -----------------------------------------------------------------------------------


def _risk(score, facility) -> dict:
    return {
        "facility": present.ref(facility),
        "score": score.score,
        "level": score.level,
        "rules": score.rules,
        "inputs": score.inputs,
        "deployment_id": score.deployment_id,
        "computed_at": score.computed_at,
    }


def _planned(v) -> dict:
    return {
        "id": v.id,
        "plan_id": v.plan_id,
        "facility": present.ref(v.facility),
        "region": v.facility.region_code,
        "quarter": v.quarter,
        "month": v.month,
        "starts_on": v.starts_on,
        "ends_on": v.ends_on,
        "days": v.days,
        "kind": v.kind,
        "unannounced": v.unannounced,
        "status": v.status,
        "reasons": list(v.reasons or []),
        "risk_score": v.risk_score,
        "needs": list(v.needs or []),
        "group_status": v.group_status,
        "members": [
            {"monitor_id": m.monitor_id, "name": m.monitor.name, "role": m.role, "expertise": m.expertise}
            for m in v.members
        ],
        "recommendation_ids": [link.recommendation_id for link in v.recommendation_links],
        "trip_id": v.trip_id,
        "estimated_cost": v.estimated_cost,
        "visit_id": v.visit_id,
        "safety_check_required": safety.required(v),
        "safety_check_valid": safety.is_valid(v),
    }


def _plan(plan: VisitPlan, *, with_visits: bool = False) -> dict:
    out = {
        "id": plan.id,
        "year": plan.year,
        "title": plan.title,
        "status": plan.status,
        "version": plan.version,
        "targets": plan.targets,
        "approved_at": plan.approved_at,
        "process_instance_id": plan.process_instance_id,
        "total_cost": plans.total_cost(plan),
    }
    if with_visits:
        out["visits"] = [_planned(v) for v in plan.visits]
    return out


def _amendment(a) -> dict:
    return {k: getattr(a, k) for k in AmendmentOut().fields}


# --- registries -----------------------------------------------------------------------------------


@blp.route("/authorities/<int:authority_id>", methods=["PATCH"])
@allowed(access.REGISTRY_EDIT)
@blp.arguments(AuthorityUpdateIn)
@blp.response(200, AuthorityOut)
def update_authority(body, authority_id):
    """Rename an authority or change its addresses (admins); the old values stay in the audit log."""
    authority = authorities.update(authorities.get(authority_id), **body, actor=g.user.actor)
    db.session.commit()
    return present.authority(authority)


@blp.route("/authorities/<int:authority_id>/parent", methods=["PUT"])
@allowed(access.REGISTRY_EDIT)
@blp.arguments(AuthorityMoveIn)
@blp.response(200, AuthorityOut)
def move_authority(body, authority_id):
    """Set the superior an escalation goes to (admins); never a subordinate of the authority."""
    authority = authorities.move(
        authorities.get(authority_id), parent_id=body["parent_id"], actor=g.user.actor
    )
    db.session.commit()
    return present.authority(authority)


@blp.route("/facilities/<int:facility_id>/signals", methods=["POST"])
@allowed(access.REGISTRY_SIGNAL)
@blp.arguments(SignalIn)
@blp.response(201, SignalOut)
def record_signal(body, facility_id):
    """A complaint or media report about a place (an input of its risk score)."""
    signal = facilities.record_signal(facilities.get(facility_id), **body, user=g.user)
    db.session.commit()
    return signal


@blp.route("/imports/<any(places, authorities):kind>", methods=["POST"])
@allowed(access.REGISTRY_EDIT)
@blp.arguments(ImportIn)
@blp.response(200, ImportOut)
def import_registry(body, kind):
    """Import places or authorities from CSV text (admins). `dry_run` (the default) checks every row and
    writes nothing; otherwise all rows are written or none. Bad rows: 422, each as `Row N, column: …`
    under `fields.file`."""
    report = imports.run(kind, body["csv"], dry_run=body["dry_run"], actor=g.user.actor)
    if body["dry_run"]:
        db.session.rollback()
    else:
        db.session.commit()
    return imports.as_dict(report)


@blp.route("/monitors", methods=["GET"])
@allowed(access.POOL_READ)
@blp.arguments(MonitorQuery, location="query")
@blp.response(200, MonitorOut(many=True))
def list_monitors(query):
    """The monitoring pool: staff and civil-society monitors, their expertise and training."""
    rows = pool.pool(**query)
    trained = pool.trained_ids([row.monitor.id for row in rows])
    return [
        {
            "id": row.monitor.id,
            "name": row.monitor.name,
            "kind": row.monitor.kind,
            "region": row.monitor.region_code,
            "user_id": row.monitor.user_id,
            "expertise": row.monitor.expertise_codes,
            "trained": row.monitor.id in trained,
            "conflicts": [c.facility_id for c in row.monitor.conflicts],
            "absences": [
                {"starts_on": a.starts_on.isoformat(), "ends_on": a.ends_on.isoformat(), "note": a.note}
                for a in row.monitor.absences
            ],
        }
        for row in rows
    ]


# --- risk -----------------------------------------------------------------------------------------


@blp.route("/risk", methods=["GET"])
@allowed(access.PLAN_READ)
@blp.arguments(RiskQuery, location="query")
@blp.response(200, RiskPageOut)
def risk_ranking(query):
    """Places by risk score, highest first, each with the DMN rows that fired."""
    page = risk_queries.ranking(**query)
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "levels": page.levels,
        "items": [_risk(score, facility) for score, facility in page.rows],
    }


@blp.route("/facilities/<int:facility_id>/risk", methods=["GET"])
@allowed(access.PLAN_READ)
@blp.response(200, RiskOut)
def facility_risk(facility_id):
    facility = facilities.get(facility_id)
    score = risk_queries.of_place(facility.id)
    if score is None:
        risk.refresh_places([facility.id])
        db.session.commit()
        score = risk_queries.of_place(facility.id)
    return _risk(score, facility)


@blp.route("/risk/refresh", methods=["POST"])
@allowed(access.REFRESH_RISK)
@blp.response(200, RiskRefreshOut)
def refresh_risk():
    """Recompute every place's score now (the scheduler also does, hourly and after a new table)."""
    result = risk.refresh_all(actor=g.user.actor)
    db.session.commit()
    return {"places": result.places, "seconds": result.seconds, "deployment_id": result.deployment_id}


# --- plans ----------------------------------------------------------------------------------------


@blp.route("/plans", methods=["GET"])
@allowed(access.PLAN_READ)
@blp.response(200, PlanOut(many=True))
def list_plans():
    return [_plan(plan) for plan, _counts in plans.listing()]


@blp.route("/plans", methods=["POST"])
@allowed(access.PLAN_EDIT)
@blp.arguments(PlanIn)
@blp.response(201, PlanDetailOut)
def create_plan(body):
    """A new plan (a draft); with `draft`, its visits drafted from the risk ranking and the targets."""
    plan = plans.create(year=body["year"], title=body["title"], targets=body["targets"], user=g.user)
    if body["draft"]:
        drafting.draft(plan, user=g.user)
    db.session.commit()
    return _plan(plan, with_visits=True)


@blp.route("/plan-tasks", methods=["GET"])
@blp.response(200, PlanTaskOut(many=True))
def plan_tasks():
    """Open tasks of plan approval the caller may work on (the inbox's "Visit plans"); claim and
    complete them with the /tasks routes."""
    return [
        {
            "id": item.task.id,
            "name": item.task.name,
            "element_id": item.task.element_id,
            "candidate_group": item.task.candidate_group,
            "assignee": item.task.assignee,
            "due_at": item.task.due_at,
            "version": item.task.version,
            "plan_id": item.plan.id,
            "plan_title": item.plan.title,
            "amendment_id": item.amendment.id if item.amendment else None,
        }
        for item in queries.open_tasks(g.user)
    ]


@blp.route("/plans/<int:plan_id>", methods=["GET"])
@allowed(access.PLAN_READ)
@blp.response(200, PlanDetailOut)
def get_plan(plan_id):
    return _plan(plans.get(plan_id), with_visits=True)


@blp.route("/plans/<int:plan_id>/submit", methods=["POST"])
@allowed(access.PLAN_EDIT)
@blp.arguments(SubmitIn)
@blp.response(200, PlanOut)
def submit_plan(body, plan_id):
    """Submit for approval (starts the `visit_plan` process); a returned plan with `revision_note`."""
    plan = plans.get(plan_id)
    if plan.status == "returned":
        plans.resubmit(plan, note=body["revision_note"], user=g.user)
    else:
        plans.submit(plan, user=g.user)
    db.session.commit()
    return _plan(plan)


@blp.route("/plans/<int:plan_id>/visits", methods=["POST"])
@allowed(access.PLAN_EDIT)
@blp.arguments(PlannedVisitIn)
@blp.response(201, AmendedOut)
def add_planned_visit(body, plan_id):
    """Add a visit: directly to a draft, by an amendment (with `reason`) to an approved plan."""
    plan = plans.get(plan_id)
    reason = body.pop("reason")
    if plan.status == "approved":
        amendment = amendments.add_visit(plan, reason=reason, user=g.user, **body)
        db.session.commit()
        return {"amendment": _amendment(amendment), "planned_visit": _planned(amendment.planned_visit)}
    visit = plans.add_visit(plan, user=g.user, **body)
    db.session.commit()
    return {"amendment": None, "planned_visit": _planned(visit)}


@blp.route("/plans/<int:plan_id>/amendments", methods=["GET"])
@allowed(access.PLAN_READ)
@blp.response(200, AmendmentOut(many=True))
def list_amendments(plan_id):
    return [_amendment(a) for a in amendments.listing(plans.get(plan_id))]


@blp.route("/planned-visits/<int:planned_visit_id>", methods=["GET"])
@allowed(access.PLAN_READ)
@blp.response(200, PlannedVisitOut)
def get_planned_visit(planned_visit_id):
    return _planned(plans.get_visit(planned_visit_id))


@blp.route("/planned-visits/<int:planned_visit_id>", methods=["PATCH"])
@allowed(access.PLAN_EDIT)
@blp.arguments(PlannedVisitChangeIn)
@blp.response(200, AmendedOut)
def change_planned_visit(body, planned_visit_id):
    """Change month, dates, kind…; in an approved plan an amendment (`reason` required)."""
    visit = plans.get_visit(planned_visit_id)
    reason = body.pop("reason")
    if visit.plan.status == "approved":
        amendment = amendments.change_visit(visit, reason=reason, user=g.user, **body)
        db.session.commit()
        return {"amendment": _amendment(amendment), "planned_visit": _planned(visit)}
    plans.update_visit(visit, user=g.user, **body)
    db.session.commit()
    return {"amendment": None, "planned_visit": _planned(visit)}


@blp.route("/planned-visits/<int:planned_visit_id>/cancel", methods=["POST"])
@allowed(access.PLAN_EDIT)
@blp.arguments(ReasonIn)
@blp.response(200, AmendedOut)
def cancel_planned_visit(body, planned_visit_id):
    """Take a visit out: from a draft at once; from an approved plan after management approves."""
    visit = plans.get_visit(planned_visit_id)
    if visit.plan.status == "approved":
        amendment = amendments.cancel_visit(visit, reason=body["reason"], user=g.user)
        db.session.commit()
        return {"amendment": _amendment(amendment), "planned_visit": _planned(visit)}
    snapshot = _planned(visit)
    plans.remove_visit(visit, user=g.user)
    db.session.commit()
    return {"amendment": None, "planned_visit": {**snapshot, "status": "cancelled"}}


@blp.route("/planned-visits/<int:planned_visit_id>/group-proposal", methods=["GET"])
@allowed(access.PLAN_READ)
@blp.response(200, ProposalOut)
def group_proposal(planned_visit_id):
    """Who the pool offers for this visit, and who is left out and why (nothing is saved)."""
    proposal = groups.propose(plans.get_visit(planned_visit_id))
    return {
        "members": [
            {"monitor_id": m.monitor.id, "name": m.monitor.name, "role": m.role, "expertise": m.expertise}
            for m in proposal.members
        ],
        "missing": proposal.missing,
        "skipped": [{"monitor_id": m.id, "name": m.name, "reason": reason} for m, reason in proposal.skipped],
    }


@blp.route("/planned-visits/<int:planned_visit_id>/group", methods=["PUT"])
@allowed(access.PLAN_EDIT)
@blp.arguments(GroupIn)
@blp.response(200, PlannedVisitOut)
def set_group(body, planned_visit_id):
    """Set the group (the leader approves it next); the same rules as a proposal."""
    visit = groups.set_group(
        plans.get_visit(planned_visit_id), body["members"], user=g.user, reason=body["reason"]
    )
    db.session.commit()
    return _planned(visit)


@blp.route("/planned-visits/<int:planned_visit_id>/group/approve", methods=["POST"])
@blp.response(200, PlannedVisitOut)
def approve_group(planned_visit_id):
    """The group leader approves the group."""
    visit = groups.approve_group(plans.get_visit(planned_visit_id), user=g.user)
    db.session.commit()
    return _planned(visit)


@blp.route("/planned-visits/<int:planned_visit_id>/safety-check", methods=["POST"])
@blp.arguments(SafetyCheckIn)
@blp.response(200, PlannedVisitOut)
def complete_safety_check(body, planned_visit_id):
    """The safety check before a visit to a place in an area of hostilities."""
    visit = plans.get_visit(planned_visit_id)
    safety.complete(visit, **body, user=g.user)
    db.session.commit()
    return _planned(visit)


@blp.route("/planned-visits/<int:planned_visit_id>/start", methods=["POST"])
@allowed(access.RECORD_VISITS)
@blp.arguments(StartIn)
@blp.response(201, VisitOut)
def start_visit(body, planned_visit_id):
    """The visit happens: the planned visit becomes the visit record (refused without an approved
    plan and group, or — in an area of hostilities — a valid safety check)."""
    visit = execution.start(plans.get_visit(planned_visit_id), **body, user=g.user)
    db.session.commit()
    return present.visit(visit)


@blp.route("/visits/<int:visit_id>/checks/<int:recommendation_id>", methods=["PUT"])
@blp.arguments(CheckIn)
@blp.response(200, CheckOut)
def record_check(body, visit_id, recommendation_id):
    """What a follow-up visit found about a recommendation it checks."""
    check = execution.record_check(
        visit_services.get(visit_id, g.user), recommendation_id=recommendation_id, **body, user=g.user
    )
    db.session.commit()
    return check


@blp.route("/coverage", methods=["GET"])
@allowed(access.PLAN_READ)
@blp.arguments(CoverageQuery, location="query")
@blp.response(200, CoverageOut)
def get_coverage(query):
    """Places, visited, planned and done, never visited and at high risk, by oblast or by kind."""
    plan = plans.get(query["plan_id"]) if query.get("plan_id") else None
    data = (coverage.by_kind if query["by"] == "kind" else coverage.by_region)(plan=plan)
    lang = present.language()
    return {
        "since": data.since,
        "until": data.until,
        "plan_id": plan.id if plan else None,
        "rows": [
            {
                **{
                    k: getattr(row, k)
                    for k in (
                        "code",
                        "places",
                        "visited",
                        "planned",
                        "done",
                        "never_visited",
                        "high_risk",
                        "mean_risk",
                        "suspended",
                    )
                },
                "name": row.name(lang),
                "percent": row.percent,
            }
            for row in data.rows
        ],
    }
