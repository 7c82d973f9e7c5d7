"""The overdue dashboard's figures: where every recommendation stands, at a glance.

Each figure counts exactly the list `recommendations.queries.conditions` returns for the filters its
link carries, so the dashboard and the list behind a number cannot disagree:

- open figures (now): by status, days-overdue buckets, oblast, kind of place, severity, category,
  responsible lawyer — one statement, one branch per dimension over the open rows;
- by authority with its subordinates rolled up (recursive walk of `authority.parent_id`);
- period figures: median and 90th-percentile days to the first reply and to implementation, the
  implementation rate per authority and per month/quarter/year, court outcomes;
- protocols pending in court and the countdown of their limitation period.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

import sqlalchemy as sa

from engine.clock import clock
from engine.db import db, is_postgresql

from .. import access
from ..authorities import queries as authority_queries
from ..authorities.models import Authority
from ..deadlines import kyiv_date
from ..escalations import protocols
from ..escalations.models import Escalation
from ..recommendations import queries
from ..recommendations.milestones import RecommendationMilestone
from ..recommendations.models import OPEN_STATUSES, STATUSES, Recommendation
from ..users.models import User
from .periods import Period, Slice
from .sql import elapsed_days, percentiles

DIMENSIONS = {
    "authority": Recommendation.authority_id,
    "status": Recommendation.status,
    "region": Recommendation.region_code,
    "kind": Recommendation.facility_kind,
    "severity": Recommendation.severity,
    "category": Recommendation.category,
    "lawyer": Recommendation.responsible_lawyer_id,
}
LONG_OVERDUE = "31-"  # "overdue more than 30 days", a column of the authorities' table


@dataclass(frozen=True)
class Count:
    key: str | int | None
    open: int
    overdue: int
    long_overdue: int = 0  # overdue more than 30 days (LONG_OVERDUE), counted per authority


@dataclass(frozen=True)
class Timing:
    """Days, nearest-rank median and 90th percentile, over `n` recommendations."""

    n: int
    median: float | None
    p90: float | None


@dataclass
class AuthorityRow:
    id: int
    name_uk: str
    name_en: str
    has_children: bool
    open: int = 0
    overdue: int = 0
    long_overdue: int = 0
    ended: int = 0
    implemented: int = 0

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_uk

    @property
    def rate(self) -> float | None:
        return self.implemented / self.ended if self.ended else None


@dataclass
class TrendSlice:
    slice: Slice
    ended: int = 0
    implemented: int = 0
    by_authority: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (implemented, ended)

    @property
    def rate(self) -> float | None:
        return self.implemented / self.ended if self.ended else None


@dataclass
class ProtocolFigures:
    months: int
    buckets: dict[str, int]
    soonest: list[protocols.PendingProtocol]
    court_outcomes: list[tuple[str, int]]


@dataclass
class Dashboard:
    scope: queries.RecommendationFilters
    period: Period
    now: datetime
    by_status: list[Count]
    buckets: dict[str, int]
    by_dimension: dict[str, list[Count]]
    parent: AuthorityRow | None  # the authority whose subordinates are listed (None: the top)
    by_authority: list[AuthorityRow]
    reply: Timing
    implementation: Timing
    ended: int
    implemented: int
    trend: list[TrendSlice]
    protocols: ProtocolFigures

    @property
    def open_total(self) -> int:
        return sum(c.open for c in self.by_status)

    @property
    def overdue_total(self) -> int:
        return sum(self.buckets.values())

    @property
    def rate(self) -> float | None:
        return self.implemented / self.ended if self.ended else None

    def filters(self, **changes) -> queries.RecommendationFilters:
        """The list behind a number: the dashboard's scope with the number's own filters."""
        return replace(self.scope, page=1, **changes)

    @property
    def period_closed(self) -> dict[str, date]:
        return {"closed_from": self.period.start, "closed_to": self.period.end}


def scope_for(user: User, f: queries.RecommendationFilters) -> queries.RecommendationFilters:
    """The filters a dashboard counts under: what the page asked (authority with subordinates, oblast),
    and for a lawyer only the recommendations they are responsible for."""
    own = access.dashboard_lawyer(user)
    return queries.RecommendationFilters(
        authority_id=f.authority_id,
        subordinates=bool(f.authority_id),
        region=f.region,
        lawyer_id=own if own is not None else f.lawyer_id,
    )


def build(user: User, scope: queries.RecommendationFilters, period: Period) -> Dashboard:
    now = clock.now()
    if is_postgresql():
        # A dozen short aggregates: compiling them (JIT) or starting parallel workers costs PostgreSQL
        # more than it saves, and a page should not take the other cores from everyone else. The open
        # figures' GROUPING SETS hash ~80,000 rows eight ways: with the default 4 MB they sort on disk.
        db.session.execute(
            sa.text(
                "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "
                "SET LOCAL work_mem = '32MB'"
            )
        )
    base = queries.conditions(user, scope, now)
    # Figures from a side table need the recommendation row only when something narrows the scope.
    scoped = not access.can(user, access.SEE_ALL_RECOMMENDATIONS) or any(
        (scope.authority_id, scope.region, scope.lawyer_id is not None)
    )
    by_status, buckets, by_dimension = _open_figures(base, now)
    parent, by_authority = _authorities(by_dimension.pop("authority"), scope.authority_id)
    rows = [*by_authority, *([parent] if parent else [])]
    ended, implemented, trend = _trend(base, period, [r.id for r in rows], scope.authority_id)
    for row in rows:
        row.implemented = sum(t.by_authority.get(row.id, (0, 0))[0] for t in trend)
        row.ended = sum(t.by_authority.get(row.id, (0, 0))[1] for t in trend)
    return Dashboard(
        scope=scope,
        period=period,
        now=now,
        by_status=by_status,
        buckets=buckets,
        by_dimension=by_dimension,
        parent=parent,
        by_authority=by_authority,
        reply=reply_timing(base if scoped else None, period),
        implementation=implementation_timing(base, period),
        ended=ended,
        implemented=implemented,
        trend=trend,
        protocols=protocol_figures(base if scoped else None, period, kyiv_date(now)),
    )


def _open_figures(base: list, now: datetime):
    """Open recommendations by status and each dimension, and overdue ones by days: one statement —
    on PostgreSQL one scan with GROUPING SETS, elsewhere one branch per dimension (UNION ALL)."""
    rows = _open_rows_grouping_sets(base, now) if is_postgresql() else _open_rows_union(base, now)
    found: dict[str, dict] = {}
    for dim, key, n_open, n_overdue, n_long in rows:
        found.setdefault(dim, {})[key] = Count(key, int(n_open), int(n_overdue or 0), int(n_long or 0))
    statuses = found.get("status", {})
    by_status = [statuses.get(s, Count(s, 0, 0)) for s in STATUSES if s in OPEN_STATUSES]
    buckets = {b: found.get("bucket", {}).get(b, Count(b, 0, 0)).open for b in queries.OVERDUE_BUCKETS}
    by_dimension = {}
    for name in DIMENSIONS:
        if name == "status":
            continue
        counts = list(found.get(name, {}).values())
        if name in ("lawyer", "authority"):
            counts = [
                Count(int(c.key) if c.key is not None else None, c.open, c.overdue, c.long_overdue)
                for c in counts
            ]
        by_dimension[name] = sorted(counts, key=lambda c: (-c.overdue, -c.open, str(c.key)))
    return by_status, buckets, by_dimension


def _long_overdue(now: datetime):
    low, high = queries.days_range(LONG_OVERDUE)
    return sa.case((queries.overdue_days_clause(now, low, high), 1), else_=0)


def _open_rows_union(base: list, now: datetime) -> list[tuple]:
    overdue = sa.case((queries.overdue_clause(now), 1), else_=0)
    branches = [
        sa.select(
            sa.literal(name).label("dim"),
            sa.cast(column, sa.String).label("key"),
            sa.func.count().label("open"),
            sa.func.sum(overdue).label("overdue"),
            sa.func.sum(_long_overdue(now)).label("long_overdue"),
        )
        .where(*base, Recommendation.status.in_(OPEN_STATUSES))
        .group_by(column)
        for name, column in DIMENSIONS.items()
    ]
    bucket = queries.overdue_bucket(now)
    branches.append(
        sa.select(
            sa.literal("bucket").label("dim"),
            bucket.label("key"),
            sa.func.count().label("open"),
            sa.func.count().label("overdue"),
            sa.literal(0).label("long_overdue"),
        )
        .where(*base, queries.overdue_clause(now))
        .group_by(bucket)
    )
    return [
        (r.dim, r.key, r.open, r.overdue, r.long_overdue) for r in db.session.execute(sa.union_all(*branches))
    ]


def _open_rows_grouping_sets(base: list, now: datetime) -> list[tuple]:
    """The same rows as `_open_rows_union`: GROUPING(column) = 0 says which set a row belongs to (a
    NULL key of its own — nobody responsible — stays apart from the other sets' NULLs). Every overdue
    recommendation is open, so the buckets are the non-NULL groups of the bucket set."""
    overdue = sa.case((queries.overdue_clause(now), 1), else_=0)
    bucket = queries.overdue_bucket(now).label("bucket")
    columns = {**DIMENSIONS, "bucket": bucket}
    query = (
        sa.select(
            *(column.label(name) for name, column in DIMENSIONS.items()),
            bucket,
            *(sa.func.grouping(column).label(f"g_{name}") for name, column in columns.items()),
            sa.func.count().label("open"),
            sa.func.sum(overdue).label("overdue"),
            sa.func.sum(_long_overdue(now)).label("long_overdue"),
        )
        .where(*base, Recommendation.status.in_(OPEN_STATUSES))
        .group_by(sa.func.grouping_sets(*(sa.tuple_(column) for column in columns.values())))
    )
    out = []
    for r in db.session.execute(query):
        name = next(n for n in columns if getattr(r, f"g_{n}") == 0)
        key = getattr(r, name)
        if name == "bucket":
            if key is not None:
                out.append(("bucket", key, r.open, r.open, 0))
            continue
        out.append((name, None if key is None else str(key), r.open, r.overdue, r.long_overdue))
    return out


def _roots(parent_id: int | None):
    """The authorities a roll-up lists: the parent's direct subordinates, or the top of the registry."""
    return sa.select(Authority.id).where(
        Authority.parent_id == parent_id if parent_id else Authority.parent_id.is_(None)
    )


def _authorities(per_authority: list[Count], parent_id: int | None):
    """Each listed authority with all under it: open, overdue, overdue > 30 days — the open counts per
    authority (from `_open_figures`) summed over each listed authority's tree. What ended in the period
    comes from the trend (`_trend`)."""
    roots = [r for (r,) in db.session.execute(_roots(parent_id)).all()]
    ids = roots + ([parent_id] if parent_id else [])
    if not ids:
        return None, []
    tree = authority_queries.rollup_tree(ids)
    members: dict[int, list[int]] = {}
    for root_id, member in db.session.execute(sa.select(tree.c.root_id, tree.c.id)):
        members.setdefault(root_id, []).append(member)
    counts = {c.key: c for c in per_authority}
    child = sa.orm.aliased(Authority)
    names = db.session.execute(
        sa.select(
            Authority.id,
            Authority.name_uk,
            Authority.name_en,
            sa.exists().where(child.parent_id == Authority.id).label("has_children"),
        ).where(Authority.id.in_(ids))
    ).all()
    rows = {}
    for n in names:
        under = [counts[m] for m in members.get(n.id, []) if m in counts]
        rows[n.id] = AuthorityRow(
            n.id,
            n.name_uk,
            n.name_en,
            bool(n.has_children),
            sum(c.open for c in under),
            sum(c.overdue for c in under),
            sum(c.long_overdue for c in under),
        )
    parent = rows.pop(parent_id, None) if parent_id else None
    listed = sorted(rows.values(), key=lambda r: (-r.overdue, -r.open, r.name_uk))
    return parent, listed


def _slice_case(column, slices: list[Slice]):
    return sa.case(*((column < s.end_at, i) for i, s in enumerate(slices)), else_=len(slices) - 1)


def _trend(base: list, period: Period, listed: list[int], parent_id: int | None):
    """Implemented of ended per slice of the period, per listed authority (with all under it), and
    overall: the parent's row when one authority is chosen, else the sum over the top of the registry
    (every authority lies under exactly one: authorities are only ever added under an existing one)."""
    slices = period.slices()
    trend = [TrendSlice(s) for s in slices]
    if not listed:
        return 0, 0, trend
    index = _slice_case(Recommendation.closed_at, slices).label("slice")
    implemented = sa.func.sum(sa.case((Recommendation.status == "implemented", 1), else_=0))
    tree = authority_queries.rollup_tree(listed)
    grouped = (
        sa.select(
            Recommendation.authority_id.label("authority_id"),
            index,
            sa.func.count().label("ended"),
            implemented.label("implemented"),
        )
        .where(
            *base,
            Recommendation.closed_at >= period.start_at,
            Recommendation.closed_at < period.end_at,
            Recommendation.status.not_in(OPEN_STATUSES),
        )
        .group_by(Recommendation.authority_id, index)
        .subquery("per_authority")
    )
    per_authority = db.session.execute(
        sa.select(
            tree.c.root_id,
            grouped.c.slice,
            sa.func.sum(grouped.c.ended).label("ended"),
            sa.func.sum(grouped.c.implemented).label("implemented"),
        )
        .join(tree, tree.c.id == grouped.c.authority_id)
        .group_by(tree.c.root_id, grouped.c.slice)
    ).all()
    for r in per_authority:
        t = trend[r.slice]
        done, ended = int(r.implemented or 0), int(r.ended)
        t.by_authority[r.root_id] = (done, ended)
        if parent_id is None or r.root_id == parent_id:
            t.implemented += done
            t.ended += ended
    return sum(t.ended for t in trend), sum(t.implemented for t in trend), trend


def _timing(values) -> Timing:
    row = db.session.execute(percentiles(values, group_column=None, dialect=db.engine.dialect.name)).first()
    if row is None or not row.n:
        return Timing(0, None, None)
    # julianday() arithmetic on SQLite carries float noise in the last digits
    return Timing(int(row.n), round(float(row.median), 4), round(float(row.p90), 4))


def reply_timing(base: list | None, period: Period) -> Timing:
    """Days from the first act of response to the authority's first reply, for the recommendations
    whose first reply came in the period (the list: `replied_from`/`replied_to`), from the milestones.
    `base` None: every recommendation (no join needed)."""
    m = RecommendationMilestone
    values = sa.select(elapsed_days(m.first_reply_at, m.first_act_at).label("value")).where(
        m.first_reply_at >= period.start_at, m.first_reply_at < period.end_at, m.first_act_at.is_not(None)
    )
    if base is not None:
        values = values.join(Recommendation, Recommendation.id == m.recommendation_id).where(*base)
    return _timing(values.subquery("reply_days"))


def implementation_timing(base: list, period: Period) -> Timing:
    """Days from the recommendation to its implementation, for those implemented in the period
    (the list: `status=implemented` with `closed_from`/`closed_to`)."""
    values = (
        sa.select(elapsed_days(Recommendation.closed_at, Recommendation.created_at).label("value"))
        .where(
            *base,
            Recommendation.status == "implemented",
            Recommendation.closed_at >= period.start_at,
            Recommendation.closed_at < period.end_at,
        )
        .subquery("implementation_days")
    )
    return _timing(values)


def protocol_figures(base: list | None, period: Period, today: date, soonest: int = 10) -> ProtocolFigures:
    """`base` None: every recommendation (the escalation rows alone answer)."""
    months = protocols.limitation_months()

    def scoped(query):
        if base is None:
            return query
        return query.join(Recommendation, Recommendation.id == Escalation.recommendation_id).where(*base)

    # The pending protocols (an anti-join with the decided court cases: a few hundred rows, not the
    # protocols of ten years), soonest to end first; each counts in the bucket of its days left — the
    # same bounds as the list's `limitation` filter (`protocols.protocol_dates_for`).
    numbered = sa.orm.aliased(Recommendation)
    pending = db.session.execute(
        scoped(
            sa.select(
                Escalation.id,
                Escalation.recommendation_id,
                sa.select(numbered.number)
                .where(numbered.id == Escalation.recommendation_id)
                .scalar_subquery()
                .label("number"),
                Escalation.protocol_number,
                Escalation.protocol_date,
                Escalation.offence_date,
                Escalation.court,
            ).where(protocols.pending_clause(), Escalation.offence_date.is_not(None))
        ).order_by(Escalation.offence_date, Escalation.id)
    ).all()
    listed, in_bucket = [], {b: set() for b in protocols.LIMITATION_BUCKETS}
    for p in pending:
        limitation = protocols.limitation_of(p.offence_date, today, months)
        end, days_left = limitation.ends_on, limitation.days_left
        in_bucket[protocols.bucket_of(days_left)].add(p.recommendation_id)
        if len(listed) < soonest:
            listed.append(
                protocols.PendingProtocol(
                    p.id,
                    p.recommendation_id,
                    p.number,
                    p.protocol_number,
                    p.protocol_date,
                    p.court,
                    end,
                    days_left,
                )
            )
    outcomes = db.session.execute(
        scoped(sa.select(Escalation.decision, sa.func.count(sa.distinct(Escalation.recommendation_id))))
        .where(
            Escalation.kind == "court",
            Escalation.decision.is_not(None),
            Escalation.decision_date >= period.start,
            Escalation.decision_date <= period.end,
        )
        .group_by(Escalation.decision)
        .order_by(Escalation.decision)
    ).all()
    return ProtocolFigures(
        months=months,
        buckets={b: len(ids) for b, ids in in_bucket.items()},
        soonest=listed,
        court_outcomes=[(d, int(n)) for d, n in outcomes],
    )
