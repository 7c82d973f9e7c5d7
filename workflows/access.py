"""Who may see and do what. Authority users see only what is addressed to their authority; monitors
the follow-up of their own visits; the Office's staff everything. Every list query goes through
these filters, so a scope is never forgotten in one endpoint and remembered in another."""

from __future__ import annotations

import sqlalchemy as sa

from engine.models import HumanTask

from .escalations.models import Escalation
from .recommendations.models import Recommendation
from .users.models import User
from .visits.models import Finding, Visit, VisitMember

STAFF_ROLES = ("lawyer", "manager", "admin", "designer")


def recommendation_filter(user: User):
    """A WHERE clause on `recommendation` limiting rows to what `user` may see."""
    if user.role in STAFF_ROLES:
        return sa.true()
    if user.role == "authority" and user.authority_id:
        escalated_to = sa.select(Escalation.recommendation_id).where(
            Escalation.target_authority_id == user.authority_id
        )
        return sa.or_(
            Recommendation.authority_id == user.authority_id,
            Recommendation.addressee_id == user.authority_id,
            Recommendation.id.in_(escalated_to),
        )
    if user.role == "monitor":
        own_visits = sa.select(VisitMember.visit_id).where(VisitMember.user_id == user.id)
        findings = (
            sa.select(Finding.id)
            .join(Visit)
            .where(sa.or_(Visit.id.in_(own_visits), Visit.created_by == user.id))
        )
        return Recommendation.finding_id.in_(findings)
    return sa.false()


def task_groups(user: User) -> list[str]:
    """The candidate groups whose unclaimed tasks `user` may see and claim."""
    if user.role == "authority":
        return [f"authority:{user.authority_id}"] if user.authority_id else []
    if user.role == "lawyer":
        return ["lawyer"]
    if user.role == "manager":
        return ["manager", "lawyer"]
    return []


def task_filter(user: User):
    """A WHERE clause on `human_task`: my tasks and my groups' tasks (admins see every task)."""
    if user.role == "admin":
        return sa.true()
    groups = task_groups(user)
    clauses = [HumanTask.assignee == user.actor]
    if groups:
        clauses.append(HumanTask.candidate_group.in_(groups))
    return sa.or_(*clauses)


def may_work_on(user: User, task: HumanTask) -> bool:
    if user.role == "admin":
        return True
    return task.assignee == user.actor or task.candidate_group in task_groups(user)


def visit_filter(user: User):
    """A WHERE clause on `visit`: the staff see every visit, a monitor the visits they recorded or
    belonged to (the same rule as `may_see_visit`)."""
    if user.role in STAFF_ROLES:
        return sa.true()
    if user.role == "monitor":
        own = sa.select(VisitMember.visit_id).where(VisitMember.user_id == user.id)
        return sa.or_(Visit.created_by == user.id, Visit.id.in_(own))
    return sa.false()


def may_see_visit(user: User, visit: Visit) -> bool:
    if user.role in STAFF_ROLES:
        return True
    if user.role == "monitor":
        return visit.created_by == user.id or any(m.user_id == user.id for m in visit.members)
    return False


# --- visit planning: registries, the monitoring pool, plans (issue 19) ----------------------------

PLANNING_CAPABILITIES: dict[str, tuple[str, ...]] = {
    # the registries of places and authorities
    "registry.read": ("lawyer", "manager", "admin", "designer"),
    "registry.edit": ("admin",),  # add, rename and move authorities; add and edit places; CSV import
    "registry.signal": ("lawyer", "manager", "admin"),  # complaints and media reports about a place
    # the monitoring pool (staff and civil-society monitors)
    "pool.read": ("lawyer", "manager", "admin"),
    "pool.edit": ("lawyer", "manager", "admin"),
    # plans: the NPM Department drafts and amends, management approves (in the process's lanes)
    "plan.read": ("lawyer", "manager", "admin", "designer"),
    "plan.edit": ("lawyer", "manager", "admin"),
    "plan.budget": ("manager", "admin"),
    "rates.edit": ("admin",),
    "risk.refresh": ("lawyer", "manager", "admin"),
    "expense.reimburse": ("manager", "admin"),
}


def may(user: User, capability: str) -> bool:
    """Whether `user`'s role has a planning capability (unknown capabilities: nobody)."""
    return user.role in PLANNING_CAPABILITIES.get(capability, ())
