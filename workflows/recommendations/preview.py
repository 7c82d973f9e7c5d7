"""The deadline an act would get: what the lawyer and the manager see before sending it.

For each kind of act, the designer's `reply_terms` row for the recommendation's severity — the
statutory term and its legal basis, the date it would end if the act were received today (counted
over the working-day calendar), and the urgency date asked for on critical findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine import decisions
from engine.clock import clock
from engine.errors import NotFound
from engine.models import HumanTask

from .. import deadlines
from .models import ACT_KINDS, Recommendation

# The tasks before an act goes out.
PREVIEW_TASKS = ("draft_act", "approve_act")


@dataclass(frozen=True)
class TermPreview:
    act_kind: str
    statutory_period: str | None
    legal_basis: str
    legal_basis_en: str
    # If the act were received today: the last day of the term (a working day), and its end.
    if_received_today: datetime | None
    urgency_due_at: datetime | None


def preview(severity: str, *, deployment_id: int | None = None) -> list[TermPreview]:
    now = clock.now()
    out = []
    for kind in ACT_KINDS:
        row = decisions.evaluate(
            "reply_terms", {"act_kind": kind, "severity": severity}, deployment_id=deployment_id
        ).outputs
        period, urgency = row.get("statutory_period") or None, row.get("urgency_period") or None
        out.append(
            TermPreview(
                act_kind=kind,
                statutory_period=period,
                legal_basis=row.get("legal_basis") or "",
                legal_basis_en=row.get("legal_basis_en") or "",
                if_received_today=deadlines.term_deadline(now, period) if period else None,
                urgency_due_at=deadlines.term_deadline(now, urgency) if urgency else None,
            )
        )
    return out


def for_task(task: HumanTask, rec: Recommendation | None) -> list[TermPreview] | None:
    """The preview for a task about to send an act (its own deployment's table), else None."""
    if rec is None or task.element_id not in PREVIEW_TASKS or task.status != "open":
        return None
    try:
        return preview(rec.severity, deployment_id=task.deployment_id)
    except NotFound:
        return None
