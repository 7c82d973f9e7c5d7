"""Whether an authority answered an act of response in term, late, or not at all — for the annual
report and the transparency page, one rule.

- in_term: its first reply after the act came by the act's deadline;
- late: it came after the deadline;
- no_reply: none came and the deadline has passed;
- pending: none came and the deadline has not passed yet.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..recommendations.models import AuthorityReply, ResponseAct

TIMELINESS = ("in_term", "late", "no_reply", "pending")


def timeliness(reply_at, due_at, now: datetime):
    """A CASE naming one of `TIMELINESS` from the first reply's time and the deadline."""
    return sa.case(
        (sa.and_(reply_at.is_not(None), reply_at <= due_at), "in_term"),
        (reply_at.is_not(None), "late"),
        (due_at < now, "no_reply"),
        else_="pending",
    )


def first_reply_after(act):
    """The first reply to the act's recommendation received after the act was sent (a scalar
    subquery on `act`, a `response_act` row or alias)."""
    return (
        sa.select(sa.func.min(AuthorityReply.received_at))
        .where(
            AuthorityReply.recommendation_id == act.recommendation_id,
            AuthorityReply.received_at >= act.sent_at,
        )
        .scalar_subquery()
    )


def first_acts():
    """A subquery (recommendation_id, sent_at, due_at): when each recommendation's first act of
    response was sent, and the earliest deadline its acts set (the first act's, unless a later act
    was given an earlier one). Aggregated in one pass (no window), for the public figures' million rows."""
    return (
        sa.select(
            ResponseAct.recommendation_id,
            sa.func.min(ResponseAct.sent_at).label("sent_at"),
            sa.func.min(ResponseAct.due_at).label("due_at"),
        )
        .group_by(ResponseAct.recommendation_id)
        .subquery("first_act")
    )


def first_replies():
    """A subquery (recommendation_id, received_at) of each recommendation's first reply (a reply never
    comes before the first act: the authority answers what it was sent)."""
    return (
        sa.select(
            AuthorityReply.recommendation_id, sa.func.min(AuthorityReply.received_at).label("received_at")
        )
        .group_by(AuthorityReply.recommendation_id)
        .subquery("first_reply")
    )
