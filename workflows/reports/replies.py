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

from ..recommendations.models import AuthorityReply

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
