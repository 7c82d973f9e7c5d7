"""Administrative-offence protocols (ст. 188-40 КУпАП): the one limitation rule, and the queries of
the dashboard, the alerts and the annual report.

The limitation period (строк накладення стягнення) ends `months` after the date of the offence, the
months from the DMN table `protocol_limitation` (bpmn/limitations.dmn, Art. 38 КУпАП: three months
when a court decides) — the only place the term lives. The recommendation's page, the inbox, the
reminders (at the table's `reminder_days`), the protocol task's rule and the dashboard all ask
`limitation_of` / `limitation_end` here. The date of the offence is the day after the statutory
term ran out, or the day of an obstruction; a protocol recorded before it was asked for counts
from its own date (migration 0065).

A protocol is *pending* while no court decision is recorded for it (the court case row carries the
protocol's number and the decision).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from engine import decisions

from .models import Escalation

LIMITATION_DECISION = "protocol_limitation"
APPEAL_DECISION = "appeal_window"
# Days left until the limitation period ends: the dashboard's and the list filter's buckets.
LIMITATION_BUCKETS = ("expired", "0-14", "15-30", "31-")


def limitation_months() -> int:
    """Months from the offence within which a court may impose the penalty (the DMN table)."""
    result = decisions.evaluate(LIMITATION_DECISION, {"decided_by": "court"})
    return int(result.outputs["months"])


def reminder_days() -> tuple[int, ...]:
    """Days before the end of the limitation period at which the lawyer is reminded (the table)."""
    result = decisions.evaluate(LIMITATION_DECISION, {"decided_by": "court"})
    value = result.outputs.get("reminder_days") or ()
    if isinstance(value, str):
        value = [v for v in value.strip("[]() ").split(",") if v.strip()]
    return tuple(sorted({int(v) for v in value}, reverse=True))


def appeal_days() -> int:
    """Days from a court's decision within which it may be appealed (ст. 294 КУпАП; the table)."""
    result = decisions.evaluate(APPEAL_DECISION, {"decided_by": "court"})
    return int(result.outputs["days"])


def appeal_until(decision_date: date) -> date:
    """The last day of the appeal window."""
    return decision_date + timedelta(days=appeal_days())


@dataclass(frozen=True)
class Limitation:
    """Where a protocol stands against its limitation period on `today`."""

    offence_date: date
    ends_on: date
    days_left: int

    @property
    def expired(self) -> bool:
        """The last day a penalty could be imposed has passed."""
        return self.days_left < 0

    @property
    def bucket(self) -> str:
        return bucket_of(self.days_left)


def limitation_of(offence_date: date, today: date, months: int | None = None) -> Limitation:
    """The limitation period of an offence committed on `offence_date` (the one rule)."""
    months = limitation_months() if months is None else months
    end = limitation_end(offence_date, months)
    return Limitation(offence_date, end, (end - today).days)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of a shorter month: 30.11 for 31.08 + 3)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def limitation_end(offence_date: date, months: int) -> date:
    """The last day a court may impose the penalty (ст. 38 КУпАП)."""
    return add_months(offence_date, months)


def _first_date_ending_on_or_after(end: date, months: int) -> date:
    """The earliest offence date whose limitation period ends on or after `end`."""
    day = add_months(end, -months)
    while add_months(day - timedelta(days=1), months) >= end:
        day -= timedelta(days=1)
    while add_months(day, months) < end:
        day += timedelta(days=1)
    return day


def protocol_dates_for(
    ends_from: date | None, ends_to: date | None, months: int
) -> tuple[date | None, date | None]:
    """The offence dates whose limitation ends in [ends_from, ends_to]: [lo, hi] (None: open)."""
    lo = _first_date_ending_on_or_after(ends_from, months) if ends_from else None
    hi = (
        _first_date_ending_on_or_after(ends_to + timedelta(days=1), months) - timedelta(days=1)
        if ends_to
        else None
    )
    return lo, hi


def days_left_range(bucket: str) -> tuple[int | None, int | None] | None:
    """ "0-14" -> (0, 14), "31-" -> (31, None), "expired" -> (None, -1); None when not a bucket."""
    if bucket == "expired":
        return None, -1
    low, sep, high = bucket.partition("-")
    if not sep or not low.isdigit() or (high and not high.isdigit()) or len(bucket) > 12:
        return None
    if high and int(high) < int(low):
        return None
    return int(low), int(high) if high else None


def pending_clause():
    """On `escalation`: protocols no court decision has been recorded for yet."""
    court = sa.orm.aliased(Escalation)
    decided = sa.exists().where(
        court.recommendation_id == Escalation.recommendation_id,
        court.kind == "court",
        court.protocol_number == Escalation.protocol_number,
        court.decision.is_not(None),
    )
    # Numbered: approved and sent. A draft awaiting the manager is not in court yet (`court.py`).
    return sa.and_(Escalation.kind == "protocol", Escalation.protocol_number.is_not(None), sa.not_(decided))


def pending_with_limitation(today: date, bucket: str, months: int):
    """On `escalation`: pending protocols whose limitation period ends within the bucket's days."""
    days = days_left_range(bucket)
    if days is None:
        return sa.false()
    low, high = days
    lo, hi = protocol_dates_for(
        today + timedelta(days=low) if low is not None else None,
        today + timedelta(days=high) if high is not None else None,
        months,
    )
    clauses = [pending_clause()]
    if lo is not None:
        clauses.append(Escalation.offence_date >= lo)
    if hi is not None:
        clauses.append(Escalation.offence_date <= hi)
    return sa.and_(*clauses)


def bucket_of(days_left: int) -> str:
    if days_left < 0:
        return "expired"
    if days_left <= 14:
        return "0-14"
    if days_left <= 30:
        return "15-30"
    return "31-"


def court_decided(decision: str, start: date | None, end: date | None):
    """On `escalation`: court cases decided `decision` between the two dates (inclusive)."""
    clauses = [Escalation.kind == "court", Escalation.decision == decision]
    if start:
        clauses.append(Escalation.decision_date >= start)
    if end:
        clauses.append(Escalation.decision_date <= end)
    return sa.and_(*clauses)


@dataclass(frozen=True)
class PendingProtocol:
    escalation_id: int
    recommendation_id: int
    recommendation_number: str
    protocol_number: str | None
    protocol_date: date | None
    court: str | None
    limitation_end: date | None
    days_left: int | None
