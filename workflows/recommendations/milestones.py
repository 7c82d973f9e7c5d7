"""When each recommendation's first act of response went out and its first reply came: a summary row
per recommendation, kept current in the transaction that records an act or a reply.

The dashboard's days to the first reply, the list's `replied_from`/`replied_to`, and the transparency
page's replies in term / late / none read this row instead of finding the first act and the first reply
among a million of each (docs/PERFORMANCE.md). The rows follow every `ResponseAct` and `AuthorityReply`
inserted through the ORM (the service-task handlers do), by mapper events; a migration filled them for
what existed before.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db

from .models import AuthorityReply, ResponseAct


class RecommendationMilestone(db.Model):
    __tablename__ = "recommendation_milestone"
    __table_args__ = (
        sa.Index(
            "ix_recommendation_milestone_first_reply", "first_reply_at", "recommendation_id", "first_act_at"
        ),
    )

    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), primary_key=True)
    first_act_at: Mapped[datetime | None]
    # The deadline the first act set (its statutory term).
    first_act_due_at: Mapped[datetime | None]
    first_reply_at: Mapped[datetime | None]


_table = RecommendationMilestone.__table__


def _upsert(connection, values: dict, updates: dict) -> None:
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(_table).values(**values)
    connection.execute(statement.on_conflict_do_update(index_elements=["recommendation_id"], set_=updates))


def _earlier(column, new):
    """The earlier of the stored value and the new one (the stored one when it is earlier or equal)."""
    return sa.case((sa.or_(column.is_(None), new < column), new), else_=column)


@sa.event.listens_for(ResponseAct, "after_insert")
def _act_sent(mapper, connection, act: ResponseAct) -> None:
    first = _table.c.first_act_at
    earlier = sa.or_(first.is_(None), sa.literal(act.sent_at, type_=first.type) < first)
    _upsert(
        connection,
        {
            "recommendation_id": act.recommendation_id,
            "first_act_at": act.sent_at,
            "first_act_due_at": act.due_at,
        },
        {
            "first_act_due_at": sa.case(
                (earlier, sa.literal(act.due_at, type_=_table.c.first_act_due_at.type)),
                else_=_table.c.first_act_due_at,
            ),
            "first_act_at": _earlier(first, sa.literal(act.sent_at, type_=first.type)),
        },
    )


@sa.event.listens_for(AuthorityReply, "after_insert")
def _reply_received(mapper, connection, reply: AuthorityReply) -> None:
    column = _table.c.first_reply_at
    _upsert(
        connection,
        {"recommendation_id": reply.recommendation_id, "first_reply_at": reply.received_at},
        {"first_reply_at": _earlier(column, sa.literal(reply.received_at, type_=column.type))},
    )


@sa.event.listens_for(ResponseAct, "after_update")
def _act_received(mapper, connection, act: ResponseAct) -> None:
    """The statutory deadline is set when the act is received (the term counts from receipt): the
    first act's deadline follows it."""
    if not sa.inspect(act).attrs.due_at.history.has_changes():
        return
    connection.execute(
        _table.update()
        .where(
            _table.c.recommendation_id == act.recommendation_id,
            _table.c.first_act_at == sa.literal(act.sent_at, type_=_table.c.first_act_at.type),
        )
        .values(first_act_due_at=act.due_at)
    )
