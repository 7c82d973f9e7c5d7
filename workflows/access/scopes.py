"""Which rows a person may see and which tasks they may work on, as SQL clauses and checks.

Every list goes through these filters, so a scope is never forgotten in one endpoint and
remembered in another. An authority's officials see a recommendation only once something was sent
to their authority (an act, a repeat request, an escalation or protocol letter) — never a draft —
and, read-only, the follow-up of recommendations whose acts were sent to the authorities below
theirs in the registry. Monitors follow the recommendations of their own visits.
"""

from __future__ import annotations

import sqlalchemy as sa

from engine.models import HumanTask

from ..actors import authority_group
from ..authorities.models import Authority
from ..documents.kinds import DELIVERED
from ..documents.models import Document, DocumentRecommendation
from ..escalations.models import Escalation
from ..recommendations.models import Recommendation, ResponseAct
from ..users.models import User
from ..visits.models import Finding, Visit, VisitMember
from .policy import INVITE_OFFICIALS, READ_DOCUMENTS, SEE_ALL_RECOMMENDATIONS, SEE_VISITS, can

# The letters that put a recommendation in front of the authority they went to.
LETTER_KINDS = ("repeat_request", "superior_authority", "protocol", "court")


def subordinates(authority_id: int):
    """A SELECT of the ids of every authority below `authority_id` in the registry (any depth)."""
    below = sa.select(Authority.id).where(Authority.parent_id == authority_id).cte("below", recursive=True)
    below = below.union_all(sa.select(Authority.id).where(Authority.parent_id == below.c.id))
    return sa.select(below.c.id)


def sent_to(authority_ids):
    """A SELECT of the recommendations something was sent to these authorities about (ids or a
    SELECT of ids): an act, a letter, or a document that covers them."""
    acts = sa.select(ResponseAct.recommendation_id).where(ResponseAct.addressee_id.in_(authority_ids))
    letters = sa.select(Escalation.recommendation_id).where(
        Escalation.target_authority_id.in_(authority_ids), Escalation.kind.in_(LETTER_KINDS)
    )
    # Outgoing documents (issue 15) sent to them: a submission covering several recommendations.
    documents = (
        sa.select(DocumentRecommendation.recommendation_id)
        .join(Document, Document.id == DocumentRecommendation.document_id)
        .where(Document.addressee_id.in_(authority_ids), Document.status.in_(DELIVERED))
    )
    return acts.union(letters, documents)


def authority_parts(authority_id: int):
    """Two WHERE clauses on `recommendation` for an authority's officials: what was sent to their own
    authority (they read the exchange and answer), and what was sent only to the authorities below
    it (they follow it, read-only). Their union is what the officials see (`recommendation_filter`)."""
    own = Recommendation.id.in_(sent_to([authority_id]))
    below = sa.and_(Recommendation.id.in_(sent_to(subordinates(authority_id))), sa.not_(own))
    return own, below


def recommendation_filter(user: User):
    """A WHERE clause on `recommendation` limiting rows to what `user` may see."""
    if can(user, SEE_ALL_RECOMMENDATIONS):
        return sa.true()
    if user.role == "authority" and user.authority_id:
        own, below = authority_parts(user.authority_id)
        return sa.or_(own, below)
    if user.role == "monitor":
        own_visits = sa.select(VisitMember.visit_id).where(VisitMember.user_id == user.id)
        findings = (
            sa.select(Finding.id)
            .join(Visit)
            .where(sa.or_(Visit.id.in_(own_visits), Visit.created_by == user.id))
        )
        return Recommendation.finding_id.in_(findings)
    return sa.false()


def document_filter(user: User):
    """A WHERE clause on `document`: the Office's staff read every document; an authority's
    officials read only what was sent to their own authority (never a draft, never what went to
    the authorities below: a superior follows their follow-up, not their correspondence)."""
    if can(user, READ_DOCUMENTS):
        return sa.true()
    if user.role == "authority" and user.authority_id:
        return sa.and_(Document.addressee_id == user.authority_id, Document.status.in_(DELIVERED))
    return sa.false()


def may_invite_to(user: User, authority_id: int) -> bool:
    """Whether `user` may invite officials of this authority (and see its officials' list): an
    admin, any authority; a lead official, their own."""
    if not can(user, INVITE_OFFICIALS):
        return False
    return user.role != "authority" or user.authority_id == authority_id


def task_groups(user: User) -> list[str]:
    """The candidate groups whose unclaimed tasks `user` may see and claim."""
    if user.role == "authority":
        return [authority_group(user.authority_id)] if user.authority_id else []
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


def personal_task_filter(user: User):
    """A WHERE clause on `human_task`: the tasks that are `user`'s own business — those assigned to
    them and their groups' unclaimed ones (not the tasks colleagues have claimed)."""
    groups = task_groups(user)
    clauses = [HumanTask.assignee == user.actor]
    if groups:
        clauses.append(sa.and_(HumanTask.assignee.is_(None), HumanTask.candidate_group.in_(groups)))
    return sa.or_(*clauses)


def may_work_on(user: User, task: HumanTask) -> bool:
    if user.role == "admin":
        return True
    return task.assignee == user.actor or task.candidate_group in task_groups(user)


def visit_filter(user: User):
    """A WHERE clause on `visit`: the staff see every visit, a monitor the visits they recorded or
    belonged to (the same rule as `may_see_visit`)."""
    if not can(user, SEE_VISITS):
        return sa.false()
    if user.role == "monitor":
        own = sa.select(VisitMember.visit_id).where(VisitMember.user_id == user.id)
        return sa.or_(Visit.created_by == user.id, Visit.id.in_(own))
    return sa.true()


def may_see_visit(user: User, visit: Visit) -> bool:
    if not can(user, SEE_VISITS):
        return False
    if user.role == "monitor":
        return visit.created_by == user.id or any(m.user_id == user.id for m in visit.members)
    return True


def dashboard_lawyer(user: User) -> int | None:
    """Whose recommendations the dashboard counts: a lawyer's own (as responsible lawyer); those who
    see every recommendation, anyone's (None)."""
    return user.id if user.role == "lawyer" else None
