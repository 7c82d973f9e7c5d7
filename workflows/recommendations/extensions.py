"""Клопотання про продовження строку: an authority asks; a lawyer decides; no one is locked out.

The request is not the authority's reply task: it is recorded here and handed to the process as a
message (`extension_requested`) that starts its own event subprocess with the lawyer's decision,
while the reply task stays open — the authority can still send its real reply meanwhile.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import decisions, instances
from engine.clock import clock
from engine.db import db
from engine.models import ProcessInstance

from .. import deadlines
from ..errors import Conflict, Invalid
from .models import WAITING_STATUSES, ExtensionRequest, Recommendation

MESSAGE = "extension_requested"


def pending(rec: Recommendation) -> ExtensionRequest | None:
    return pending_for([rec.id]).get(rec.id)


def pending_for(recommendation_ids: list[int]) -> dict[int, ExtensionRequest]:
    """The undecided extension request of each recommendation (the latest), in one statement: a
    page of recommendations costs the same as one."""
    if not recommendation_ids:
        return {}
    found = db.session.scalars(
        sa.select(ExtensionRequest)
        .where(
            ExtensionRequest.recommendation_id.in_(recommendation_ids), ExtensionRequest.decision.is_(None)
        )
        .order_by(ExtensionRequest.id)
    )
    return {x.recommendation_id: x for x in found}  # the latest wins


def limit_for(rec: Recommendation) -> Any:
    """The latest day an extension may reach: the current deadline plus the designer's
    `extension_limit` (DMN `reply_terms`, of the instance's own deployment); None without one."""
    if rec.due_at is None or not rec.acts:
        return None
    deployment_id = db.session.scalar(
        sa.select(ProcessInstance.deployment_id).where(ProcessInstance.id == rec.process_instance_id)
    )
    terms = decisions.evaluate(
        "reply_terms", {"act_kind": rec.acts[-1].kind, "severity": rec.severity}, deployment_id=deployment_id
    ).outputs
    period = terms.get("extension_limit")
    if not period:
        return None
    return deadlines.add_period(deadlines.kyiv_date(rec.due_at), period)


def request(
    rec: Recommendation, authority_id: int, *, requested_until: Any, reason: str, actor: str
) -> ExtensionRequest:
    """Record the request and start the lawyer's decision; field errors in the user's language."""
    if rec.status not in WAITING_STATUSES or rec.addressee_id != authority_id:
        raise Conflict(_("No reply of yours is awaited on this recommendation: there is no term to extend."))
    if pending(rec) is not None:
        raise Conflict(_("Your earlier extension request is still waiting for the Commissioner's decision."))
    errors: dict[str, list[str]] = {}
    try:
        until = deadlines.as_day(requested_until) if requested_until else None
    except (TypeError, ValueError):
        until = None
    current = deadlines.kyiv_date(rec.due_at) if rec.due_at else None
    limit = limit_for(rec)
    if until is None:
        errors["requested_until"] = [_("Enter a valid date (YYYY-MM-DD).")]
    elif current is None:
        errors["requested_until"] = [
            _(
                "The term has not started yet (it counts from the day you received the act); "
                "there is nothing to extend."
            )
        ]
    elif until <= current:
        errors["requested_until"] = [
            _("Ask for a day after your current deadline (%(date)s).", date=current.strftime("%d.%m.%Y"))
        ]
    elif until <= deadlines.kyiv_date(clock.now()):
        # The deadline has passed already: a day that is gone extends nothing.
        errors["requested_until"] = [_("Ask for a day after today.")]
    elif limit is not None and until > limit:
        errors["requested_until"] = [
            _("The term may be extended until %(date)s at the latest.", date=limit.strftime("%d.%m.%Y"))
        ]
    if len((reason or "").strip()) < 10:
        errors["reason"] = [_("Give the reasons for your request (at least 10 characters).")]
    if errors:
        raise Invalid(_("The extension request was not sent."), errors)
    now = clock.now()
    row = ExtensionRequest(
        recommendation_id=rec.id,
        authority_id=authority_id,
        requested_until=until,
        reason=reason.strip(),
        requested_at=now,
        requested_by=actor,
        previous_due_at=rec.due_at,
    )
    db.session.add(row)
    db.session.flush()
    instances.send_message(
        rec.process_instance_id,
        MESSAGE,
        payload={
            "request_id": row.id,
            "requested_until": until.isoformat(),
            "reason": row.reason,
            "current_due_at": rec.due_at.isoformat(),
            "max_until": limit.isoformat() if limit else None,
        },
        actor=actor,
    )
    return row
