"""The task inbox: one query over the projections (`human_task` joined to `recommendation`), shared
by the lawyers' web inbox and `GET /api/v1/tasks`.

No workflow is restored here. Filters map to indexed columns; counts per filter come from one
aggregate query over the same scope, so the numbers beside the filters never disagree with the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from engine.clock import clock
from engine.db import db
from engine.models import HumanTask

from . import paging
from .access import task_filter, task_filter_parts
from .authorities.models import Authority
from .deadlines import KYIV
from .escalations import court
from .facilities.models import Facility
from .recommendations.models import OPEN_STATUSES, Recommendation
from .recommendations.queries import search_clause
from .recommendations.services import PROCESS_ID
from .users.models import User

SORTS = ("due", "-due", "created", "-created", "severity")
PER_PAGE_MAX = 200


@dataclass(frozen=True)
class InboxFilters:
    scope: str = "all"  # all (mine + my groups') | mine | group (unclaimed in my groups)
    overdue: bool = False
    due_this_week: bool = False
    region: str | None = None
    facility_kind: str | None = None
    authority_id: int | None = None
    severity: str | None = None
    task: str | None = None  # element id of the user task (the kind of task)
    role: str | None = None  # lane role of the task
    q: str | None = None
    sort: str = "due"
    page: int = 1
    per_page: int = 25
    cursor: str | None = None  # keyset: the page after the row this cursor names (paging.py)


@dataclass
class InboxRow:
    task_id: str
    task_name: str | None
    element_id: str
    role: str | None
    candidate_group: str | None
    assignee: str | None
    due_at: datetime | None
    created_at: datetime
    version: int
    recommendation_id: int
    recommendation_number: str
    recommendation_text: str
    severity: str
    status: str
    facility_id: int
    facility_name_uk: str
    facility_name_en: str
    authority_id: int
    authority_name_uk: str
    authority_name_en: str
    # A protocol pending in court: its limitation countdown (`escalations.court`), else None.
    limitation: Any = None


@dataclass
class InboxPage:
    rows: list[InboxRow]
    total: int  # at most the cap (paging.cap_for; see `capped`)
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)
    # Which numbers reached the cap ("10 000+"): "total" and names of `counts`.
    capped: frozenset[str] = frozenset()
    next_cursor: str | None = None

    @property
    def pages(self) -> int:
        return paging.pages(self.total, self.per_page)


def week_end(now: datetime) -> datetime:
    """The end of the current week (Sunday 24:00) in Kyiv."""
    local = now.astimezone(KYIV)
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start_of_day + timedelta(days=7 - local.weekday())


def _base(user: User, *, join_recommendation: bool = True, part=None):
    query = sa.select().select_from(HumanTask)
    if join_recommendation:
        # An open task belongs to a recommendation still followed up: saying so lets the filters
        # read the open recommendations' partial indexes (migration 0015) instead of all of them.
        query = query.join(Recommendation, Recommendation.process_instance_id == HumanTask.instance_id).where(
            Recommendation.status.in_(paging.const(OPEN_STATUSES))
        )
    else:
        # Counting needs no recommendation column unless a filter asks for one. Every task of the
        # standard process belongs to a recommendation row (created in the transaction that starts
        # the instance), so this counts what the join would, from an index only (migration 0004).
        query = query.where(HumanTask.process_id == PROCESS_ID)
    return query.where(HumanTask.status == paging.const("open"), task_filter(user) if part is None else part)


def _filters_recommendation(f: InboxFilters) -> bool:
    return bool(f.region or f.facility_kind or f.authority_id or f.severity or (f.q and f.q.strip()))


def _apply(
    query, user: User, f: InboxFilters, now: datetime, *, with_scope: bool = True, with_due: bool = True
):
    if with_scope and f.scope == "mine":
        query = query.where(HumanTask.assignee == user.actor)
    elif with_scope and f.scope == "group":
        query = query.where(HumanTask.assignee.is_(None))
    if with_due and f.overdue:
        query = query.where(HumanTask.due_at < now)
    if with_due and f.due_this_week:
        query = query.where(HumanTask.due_at >= now, HumanTask.due_at < week_end(now))
    if f.region:
        query = query.where(Recommendation.region_code == f.region)
    if f.facility_kind:
        query = query.where(Recommendation.facility_kind == f.facility_kind)
    if f.authority_id:
        query = query.where(Recommendation.addressee_id == f.authority_id)
    if f.severity:
        query = query.where(Recommendation.severity == f.severity)
    if f.task:
        query = query.where(HumanTask.element_id == f.task)
    if f.role:
        query = query.where(HumanTask.role == f.role)
    if f.q and f.q.strip():
        query = query.where(search_clause(f.q))
    return query


def _keys(f: InboxFilters) -> list[paging.Key]:
    # NULLS LAST rather than a CASE: the open tasks' (due_at, id) index then yields the first page
    # in order and the query stops after it, instead of sorting every open task of the group.
    due = paging.Key(HumanTask.due_at, nullable=True)
    task_id = paging.Key(HumanTask.id)
    if f.sort == "-due":
        return [paging.Key(HumanTask.due_at, descending=True, nullable=True), task_id]
    if f.sort == "created":
        return [paging.Key(HumanTask.created_at), task_id]
    if f.sort == "-created":
        return [paging.Key(HumanTask.created_at, descending=True), task_id]
    if f.sort == "severity":
        # The standard process gives each task the priority of its recommendation's severity
        # (critical 3 … low 0), so the order comes from the open tasks' (priority, due_at) index.
        return [paging.Key(HumanTask.priority, descending=True), due, task_id]
    return [due, task_id]


def inbox(user: User, filters: InboxFilters | None = None, *, with_counts: bool = True) -> InboxPage:
    f = filters or InboxFilters()
    per_page = min(max(f.per_page, 1), PER_PAGE_MAX)
    page = max(f.page, 1)
    now = clock.now()
    keys = _keys(f)
    columns = (
        HumanTask.id,
        HumanTask.name,
        HumanTask.element_id,
        HumanTask.role,
        HumanTask.candidate_group,
        HumanTask.assignee,
        HumanTask.due_at,
        HumanTask.created_at,
        HumanTask.version,
        HumanTask.priority,
        Recommendation.id.label("rec_id"),
        Recommendation.number,
        Recommendation.text,
        Recommendation.severity,
        Recommendation.status,
        Recommendation.facility_id,
        Recommendation.addressee_id,
    )
    # The page's task ids first, from indexes only (the filters' columns are in the open tasks' and
    # open recommendations' partial indexes); the rows' other columns for those ids alone.
    chosen = _apply(_base(user).add_columns(HumanTask.id.label("chosen_id")), user, f, now)
    if f.cursor:
        values = paging.decode(f.cursor, len(keys))
        if values is None:
            raise paging.bad_cursor()
        chosen = chosen.where(paging.after(keys, values))
    else:
        chosen = chosen.offset((page - 1) * per_page)
    # One row more than the page tells whether there is a next one, without counting.
    page_ids = chosen.order_by(*paging.order_by(keys)).limit(per_page + 1).subquery()
    query = (
        sa.select(*columns)
        .select_from(HumanTask)
        .join(page_ids, page_ids.c.chosen_id == HumanTask.id)
        .join(Recommendation, Recommendation.process_instance_id == HumanTask.instance_id)
    )
    rows = db.session.execute(query.order_by(*paging.order_by(keys))).all()
    more, rows = len(rows) > per_page, rows[:per_page]
    next_cursor = paging.encode([getattr(rows[-1], k.column.key) for k in keys]) if more and rows else None

    facility_names = _names(Facility, {r.facility_id for r in rows})
    authority_names = _names(Authority, {r.addressee_id for r in rows})
    limitations = court.limitations_for(
        sorted({r.rec_id for r in rows if r.status in ("escalated", "in_court")})
    )
    result = [
        InboxRow(
            task_id=r.id,
            task_name=r.name,
            element_id=r.element_id,
            role=r.role,
            candidate_group=r.candidate_group,
            assignee=r.assignee,
            due_at=r.due_at,
            created_at=r.created_at,
            version=r.version,
            recommendation_id=r.rec_id,
            recommendation_number=r.number,
            recommendation_text=r.text,
            severity=r.severity,
            status=r.status,
            facility_id=r.facility_id,
            facility_name_uk=facility_names.get(r.facility_id, ("", ""))[0],
            facility_name_en=facility_names.get(r.facility_id, ("", ""))[1],
            authority_id=r.addressee_id,
            authority_name_uk=authority_names.get(r.addressee_id, ("", ""))[0],
            authority_name_en=authority_names.get(r.addressee_id, ("", ""))[1],
            limitation=limitations.get(r.rec_id),
        )
        for r in rows
    ]
    counts = _counts(user, f, now) if with_counts else {"current": _total(user, f, now)}
    cap = paging.cap_for(f.q)
    capped = frozenset(name for name, n in counts.items() if n > cap)
    if "current" in capped:
        capped |= {"total"}
    shown = {name: min(n, cap) for name, n in counts.items()}
    return InboxPage(
        rows=result,
        total=shown["current"],
        page=page,
        per_page=per_page,
        counts=shown if with_counts else {},
        capped=capped,
        next_cursor=next_cursor,
    )


def _names(model, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    return {
        row.id: (row.name_uk, row.name_en or row.name_uk)
        for row in db.session.execute(
            sa.select(model.id, model.name_uk, model.name_en).where(model.id.in_(ids))
        )
    }


def _total(user: User, f: InboxFilters, now: datetime) -> int:
    cap = paging.cap_for(f.q)
    found = sum(
        db.session.scalar(sa.select(paging.capped_count(b, cap))) or 0 for b in _count_bases(user, f, now)
    )
    return min(found, cap + 1)


def _count_bases(user: User, f: InboxFilters, now: datetime) -> list:
    """The matching open tasks (scope and due filters left out) as disjoint queries, one per part of
    the access rule, each an index range (access.task_filter_parts)."""
    join = _filters_recommendation(f)
    return [
        _apply(
            _base(user, join_recommendation=join, part=part), user, f, now, with_scope=False, with_due=False
        )
        for part in task_filter_parts(user)
    ]


def _counts(user: User, f: InboxFilters, now: datetime) -> dict[str, int]:
    """How many tasks each scope and due filter would show, with the other filters as they are.

    One pass over at most the cap + 1 matching tasks gives every number when they are fewer
    (the usual case once a filter is set); past the cap each number is counted on its own, up to
    the cap (index ranges; an exact count of a million is the slow part of a page)."""
    end_of_week = week_end(now)
    overdue = HumanTask.due_at < now
    this_week = sa.and_(HumanTask.due_at >= now, HumanTask.due_at < end_of_week)
    mine = HumanTask.assignee == user.actor
    unclaimed = HumanTask.assignee.is_(None)
    in_scope = {"mine": mine, "group": unclaimed}.get(f.scope)
    bases = _count_bases(user, f, now)
    limit = paging.cap_for(f.q)
    cap = limit + 1
    # Each part limited in a subquery of its own (SQLite allows no LIMIT on a UNION's members).
    parts = [b.add_columns(HumanTask.assignee, HumanTask.due_at).limit(cap).subquery() for b in bases]
    limited = sa.union_all(*[sa.select(p.c.assignee, p.c.due_at) for p in parts]).subquery()

    def n(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    overdue_l = limited.c.due_at < now
    this_week_l = sa.and_(limited.c.due_at >= now, limited.c.due_at < end_of_week)
    scope_l = {"mine": limited.c.assignee == user.actor, "group": limited.c.assignee.is_(None)}.get(
        f.scope, sa.true()
    )
    row = db.session.execute(
        sa.select(
            sa.func.count().label("all"),
            n(limited.c.assignee == user.actor).label("mine"),
            n(limited.c.assignee.is_(None)).label("group"),
            n(sa.and_(scope_l, overdue_l)).label("overdue"),
            n(sa.and_(scope_l, this_week_l)).label("due_this_week"),
        ).select_from(limited)
    ).one()
    counts = {key: int(getattr(row, key)) for key in ("all", "mine", "group", "overdue", "due_this_week")}
    if counts["all"] > limit:
        conditions = {
            "mine": [mine],
            "group": [unclaimed],
            "overdue": [in_scope, overdue],
            "due_this_week": [in_scope, this_week],
        }

        def capped(where):
            return sum(
                paging.capped_count(b.where(*[c for c in where if c is not None]), limit) for b in bases
            )

        row = db.session.execute(
            sa.select(*[capped(where).label(key) for key, where in conditions.items()])
        ).one()
        counts.update({key: min(int(getattr(row, key)), cap) for key in conditions})
    # What the current filters show is one of those numbers.
    if f.overdue:
        counts["current"] = counts["overdue"]
    elif f.due_this_week:
        counts["current"] = counts["due_this_week"]
    else:
        counts["current"] = counts[f.scope if f.scope in ("mine", "group") else "all"]
    return counts


def with_page(filters: InboxFilters, page: int) -> InboxFilters:
    return replace(filters, page=page)
