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
    return sa.or_(*task_filter_parts(user))


def task_filter_parts(user: User) -> list:
    """`task_filter` as disjoint clauses (no task matches two), each on an index's leading column:
    counting them one by one reads index ranges instead of filtering every open task."""
    if user.role == "admin":
        return [sa.true()]
    groups = task_groups(user)
    if not groups:
        return [HumanTask.assignee == user.actor]
    elsewhere = sa.or_(HumanTask.candidate_group.not_in(groups), HumanTask.candidate_group.is_(None))
    return [HumanTask.candidate_group.in_(groups), sa.and_(HumanTask.assignee == user.actor, elsewhere)]


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
