"""The figures of the NPM section of the Ombudsperson's annual report, for a chosen period: visits by
region and kind of place, recommendations by category and severity, acts of response sent, replies in
term and late, implementation, escalations, protocols and court outcomes. Codes and counts only; the
words (Ukrainian or English) are the page's and the PDF's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from engine.clock import clock
from engine.db import db

from ..authorities import queries as authority_queries
from ..authorities.models import Authority
from ..escalations.models import KINDS as ESCALATION_KINDS
from ..escalations.models import Escalation
from ..facilities.models import Facility
from ..recommendations.models import ACT_KINDS, OPEN_STATUSES, OUTCOMES, Recommendation, ResponseAct
from ..visits.models import FINDING_CATEGORIES, SEVERITIES, VISIT_KINDS, Visit
from . import replies
from .periods import Period


@dataclass
class Crosstab:
    """Rows × columns of counts (codes), with totals."""

    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def get(self, row: str, column: str) -> int:
        return self.cells.get((row, column), 0)

    def row_total(self, row: str) -> int:
        return sum(self.get(row, c) for c in self.columns)

    def column_total(self, column: str) -> int:
        return sum(self.get(r, column) for r in self.rows)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


@dataclass
class AnnualReport:
    period: Period
    generated_at: datetime
    visits_by_region: Crosstab
    visits_by_kind: Crosstab
    recommendations: Crosstab  # category × severity
    acts: Crosstab  # act kind × timeliness of the reply
    outcomes: Crosstab  # outcome × one column
    implementation_by_authority: list[tuple[Authority, int, int]]  # (authority, implemented, ended)
    escalations: Crosstab  # kind × one column
    protocols_drawn: int
    court_decisions: Crosstab  # decision × one column


def _crosstab(rows_query, rows: list[str] | None, columns: list[str]) -> Crosstab:
    cells = {(str(r), str(c)): int(n) for r, c, n in db.session.execute(rows_query)}
    found = rows if rows is not None else sorted({r for r, _c in cells})
    return Crosstab(list(found), list(columns), cells)


def _in(column, period: Period, *, dates: bool = False):
    if dates:
        return sa.and_(column >= period.start, column <= period.end)
    return sa.and_(column >= period.start_at, column < period.end_at)


def build(period: Period) -> AnnualReport:
    now = clock.now()
    visits = (
        sa.select(Facility.region_code, Facility.kind_code, Visit.kind)
        .join(Facility)
        .where(_in(Visit.starts_on, period, dates=True))
        .subquery("visits")
    )
    visits_by_region = _crosstab(
        sa.select(visits.c.region_code, visits.c.kind, sa.func.count()).group_by(
            visits.c.region_code, visits.c.kind
        ),
        None,
        list(VISIT_KINDS),
    )
    visits_by_kind = _crosstab(
        sa.select(visits.c.kind_code, visits.c.kind, sa.func.count()).group_by(
            visits.c.kind_code, visits.c.kind
        ),
        None,
        list(VISIT_KINDS),
    )
    recommendations = _crosstab(
        sa.select(Recommendation.category, Recommendation.severity, sa.func.count())
        .where(_in(Recommendation.created_at, period))
        .group_by(Recommendation.category, Recommendation.severity),
        list(FINDING_CATEGORIES),
        list(SEVERITIES),
    )
    timeliness = replies.timeliness(replies.first_reply_after(ResponseAct), ResponseAct.due_at, now)
    acts = (
        sa.select(ResponseAct.kind, timeliness.label("reply"))
        .where(_in(ResponseAct.sent_at, period))
        .subquery()
    )
    acts_table = _crosstab(
        sa.select(acts.c.kind, acts.c.reply, sa.func.count()).group_by(acts.c.kind, acts.c.reply),
        list(ACT_KINDS),
        list(replies.TIMELINESS),
    )
    ended = sa.and_(_in(Recommendation.closed_at, period), Recommendation.status.not_in(OPEN_STATUSES))
    outcome = sa.func.coalesce(Recommendation.outcome, "closed")
    outcomes = _crosstab(
        sa.select(outcome, sa.literal("n"), sa.func.count()).where(ended).group_by(outcome),
        [*OUTCOMES, "closed"],
        ["n"],
    )
    tops = db.session.scalars(
        sa.select(Authority).where(Authority.parent_id.is_(None)).order_by(Authority.name_uk)
    ).all()
    tree = authority_queries.rollup_tree([a.id for a in tops])
    by_top = {
        r.root_id: (int(r.implemented or 0), int(r.ended))
        for r in db.session.execute(
            sa.select(
                tree.c.root_id,
                sa.func.sum(sa.case((Recommendation.status == "implemented", 1), else_=0)).label(
                    "implemented"
                ),
                sa.func.count().label("ended"),
            )
            .join(tree, tree.c.id == Recommendation.authority_id)
            .where(ended)
            .group_by(tree.c.root_id)
        )
    }
    escalations = _crosstab(
        sa.select(Escalation.kind, sa.literal("n"), sa.func.count())
        .where(_in(Escalation.created_at, period))
        .group_by(Escalation.kind),
        list(ESCALATION_KINDS),
        ["n"],
    )
    protocols_drawn = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Escalation)
        .where(Escalation.kind == "protocol", _in(Escalation.protocol_date, period, dates=True))
    )
    decisions = _crosstab(
        sa.select(Escalation.decision, sa.literal("n"), sa.func.count())
        .where(
            Escalation.kind == "court",
            Escalation.decision.is_not(None),
            _in(Escalation.decision_date, period, dates=True),
        )
        .group_by(Escalation.decision),
        None,
        ["n"],
    )
    return AnnualReport(
        period=period,
        generated_at=now,
        visits_by_region=visits_by_region,
        visits_by_kind=visits_by_kind,
        recommendations=recommendations,
        acts=acts_table,
        outcomes=outcomes,
        implementation_by_authority=[(a, *by_top[a.id]) for a in tops if a.id in by_top],
        escalations=escalations,
        protocols_drawn=int(protocols_drawn or 0),
        court_decisions=decisions,
    )
