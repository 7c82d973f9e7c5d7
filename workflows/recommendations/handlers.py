"""Service tasks of the standard process: what each step of the diagram records and tells.

Each handler runs inside the engine command's transaction: it updates the recommendation row (its
status and current deadline — the domain projection every list reads), writes the domain record of
what happened (act, reply, verification, escalation) and enqueues notices. The diagram decides
*when*; these decide *what it means*.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from engine import services
from engine.clock import clock, parse_instant
from engine.db import db

from .. import notices
from ..authorities.models import Authority
from ..deadlines import kyiv_date
from ..documents import acts
from ..escalations.models import Escalation
from ..numbering import act_number
from .models import AuthorityReply, ExtensionRequest, Recommendation, ResponseAct, Verification


def _recommendation(ctx: services.ServiceContext) -> Recommendation:
    rec = db.session.scalar(
        sa.select(Recommendation).where(Recommendation.id == int(ctx.business_key)).with_for_update()
    )
    if rec is None:
        raise LookupError(f"recommendation {ctx.business_key} does not exist")
    return rec


def _instant(value: Any) -> datetime | None:
    return parse_instant(str(value)) if value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _touch(rec: Recommendation, status: str | None = None) -> None:
    if status:
        rec.status = status
    rec.updated_at = clock.now()


@services.register("send_act")
def send_act(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Акт реагування надіслано: number it, set the deadline, send it to the addressee."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    now = clock.now()
    due = _instant(data["reply_due_at"])
    act = ResponseAct(
        recommendation_id=rec.id,
        kind=data["act_kind"],
        number=act_number(kyiv_date(now).year),
        act_date=kyiv_date(now),
        signatory=data["signatory"],
        text=data["act_text"],
        addressee_id=rec.addressee_id,
        sent_at=now,
        due_at=due,
        created_by=ctx.actor,
    )
    db.session.add(act)
    rec.due_at, rec.overdue_since = due, None
    _touch(rec, "awaiting_reply")
    db.session.flush()
    notices.to_authority(
        rec,
        rec.addressee,
        "act_sent",
        {
            "act": {
                "kind": act.kind,
                "number": act.number,
                "date": act.act_date.isoformat(),
                "signatory": act.signatory,
                "text": act.text,
            },
            # The act as a PDF, kept in the file store as it was sent (workflows/documents).
            "attachments": [acts.attachment(act, rec, rec.addressee, ctx.actor)],
        },
        dedupe=f"act:{act.id}",
    )
    notices.publish("act_sent", rec, {"act": {"id": act.id, "kind": act.kind, "number": act.number}})
    return {"act_id": act.id, "act_number": act.number}


@services.register("send_reminder")
def send_reminder(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Нагадування before the deadline; once per deadline and reminder, whatever retries happen."""
    rec = _recommendation(ctx)
    if rec.due_at is None or clock.now() >= rec.due_at:
        # A sweep that catches up after downtime fires the reminder and the deadline together;
        # a reminder after the deadline would contradict the overdue notice sent with it.
        return {"sent": 0}
    days_left = (kyiv_date(rec.due_at) - kyiv_date(clock.now())).days
    which = params.get("which", "1")
    sent = notices.to_authority(
        rec,
        rec.addressee,
        "reminder",
        {"days_left": days_left},
        dedupe=f"reminder:{rec.id}:{rec.due_at.isoformat()}:{which}",
    )
    return {"sent": sent, "days_left": days_left}


@services.register("mark_overdue")
def mark_overdue(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Прострочено: the deadline passed with no reply."""
    rec = _recommendation(ctx)
    now = clock.now()
    rec.overdue_since = now
    _touch(rec, "reply_overdue")
    days = max((kyiv_date(now) - kyiv_date(rec.due_at)).days, 1) if rec.due_at else 1
    key = f"overdue:{rec.id}:{rec.due_at.isoformat() if rec.due_at else 'none'}"
    notices.to_authority(rec, rec.addressee, "overdue", {"days_overdue": days}, dedupe=key)
    notices.to_lawyer(rec, "overdue", {"days_overdue": days}, dedupe=key)
    notices.publish("overdue", rec, {"days_overdue": days})
    return {"days_overdue": days}


@services.register("record_reply")
def record_reply(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Відповідь органу received: keep it, confirm receipt, hand it to the lawyer."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    now = clock.now()
    reply = AuthorityReply(
        recommendation_id=rec.id,
        authority_id=rec.addressee_id,
        text=data.get("reply_text") or "",
        measures=data.get("measures") or "",
        attachments=list(data.get("attachments") or []),
        received_at=now,
        was_overdue=bool(rec.due_at and now > rec.due_at),
        submitted_by=ctx.actor,
    )
    db.session.add(reply)
    rec.due_at, rec.overdue_since = None, None
    _touch(rec, "under_verification")
    db.session.flush()
    notices.to_authority(
        rec,
        rec.addressee,
        "reply_receipt",
        {"reply": {"received_at": now.isoformat()}},
        dedupe=f"reply:{reply.id}",
        with_reply_link=False,
    )
    notices.publish("reply_received", rec, {"reply": {"id": reply.id, "received_at": now.isoformat()}})
    return {"reply_id": reply.id}


@services.register("record_extension_request")
def record_extension_request(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Клопотання про продовження строку: kept for the lawyer to decide."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    request = ExtensionRequest(
        recommendation_id=rec.id,
        authority_id=rec.addressee_id,
        requested_until=_date(data["extension_requested_until"]),
        reason=data.get("extension_reason") or "",
        requested_at=clock.now(),
        requested_by=ctx.actor,
    )
    db.session.add(request)
    _touch(rec)
    db.session.flush()
    return {"extension_request_id": request.id}


@services.register("record_extension")
def record_extension(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """The lawyer's decision: granted moves the deadline (the diagram already did), refused keeps it."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    request = db.session.scalar(
        sa.select(ExtensionRequest)
        .where(ExtensionRequest.recommendation_id == rec.id, ExtensionRequest.decision.is_(None))
        .order_by(ExtensionRequest.id.desc())
        .limit(1)
    )
    granted = bool(data.get("extension_granted"))
    now = clock.now()
    if request is not None:
        request.decision = "granted" if granted else "refused"
        request.new_due_at = _instant(data["reply_due_at"]) if granted else None
        request.decision_note = data.get("extension_decision_note") or ""
        request.decided_at, request.decided_by = now, ctx.actor
    if granted:
        rec.due_at = _instant(data["reply_due_at"])
    _touch(rec)
    return {"granted": granted}


@services.register("record_verification")
def record_verification(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Перевірка виконання: the lawyer's assessment; a later check date puts it in follow-up."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    later = bool(data.get("verify_later"))
    verification = Verification(
        recommendation_id=rec.id,
        outcome=data.get("outcome"),
        method=data.get("verification_method") or "documents",
        note=data.get("assessment_note") or "",
        follow_up_on=_date(data.get("follow_up_date")) if later else None,
        verified_at=clock.now(),
        verified_by=ctx.actor,
    )
    db.session.add(verification)
    if later:
        rec.due_at = _instant(_kyiv_morning(data["follow_up_date"]))
        _touch(rec, "follow_up")
    else:
        rec.due_at = None
        _touch(rec, "under_verification")
    db.session.flush()
    return {"verification_id": verification.id}


def _kyiv_morning(value: str) -> str:
    from ..deadlines import kyiv_morning

    return kyiv_morning(value)


@services.register("escalate")
def escalate(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Повторний запит to the same authority, or звернення до вищестоящого органу."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    kind = params["kind"]
    previous = rec.addressee
    target_id = int(data["addressee_id"])
    target = db.session.get(Authority, target_id)
    due = _instant(data["reply_due_at"])
    escalation = Escalation(
        recommendation_id=rec.id,
        kind=kind,
        target_authority_id=target_id,
        reason=data.get("decision_reason") or "",
        due_at=due,
        created_at=clock.now(),
        created_by=ctx.actor,
    )
    db.session.add(escalation)
    rec.addressee_id, rec.due_at, rec.overdue_since = target_id, due, None
    _touch(rec, "escalated" if kind == "superior_authority" else "awaiting_reply")
    db.session.flush()
    db.session.refresh(rec, ["addressee"])
    notices.to_authority(
        rec,
        target,
        "escalation",
        {
            "escalation": {"kind": kind, "reason": escalation.reason},
            "subordinate": {"name": previous.name(target.language or "uk")},
        },
        dedupe=f"escalation:{escalation.id}",
    )
    notices.publish(
        "escalated", rec, {"escalation": {"id": escalation.id, "kind": kind, "target_code": target.code}}
    )
    return {"escalation_id": escalation.id}


@services.register("record_protocol")
def record_protocol(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Протокол про адміністративне правопорушення (ст. 188-40 КУпАП), sent to court."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    escalation = Escalation(
        recommendation_id=rec.id,
        kind="protocol",
        target_authority_id=rec.addressee_id,
        reason=data.get("protocol_note") or data.get("decision_reason") or "",
        protocol_number=data["protocol_number"],
        protocol_date=_date(data["protocol_date"]),
        offender=data["offender"],
        court=data["court"],
        created_at=clock.now(),
        created_by=ctx.actor,
    )
    db.session.add(escalation)
    rec.due_at = None
    _touch(rec, "in_court")
    db.session.flush()
    notices.to_authority(
        rec,
        rec.addressee,
        "escalation",
        {
            "escalation": {"kind": "protocol", "reason": escalation.reason or escalation.protocol_number},
            "subordinate": {"name": rec.addressee.name(rec.addressee.language or "uk")},
        },
        dedupe=f"escalation:{escalation.id}",
    )
    notices.publish(
        "escalated",
        rec,
        {
            "escalation": {
                "id": escalation.id,
                "kind": "protocol",
                "protocol_number": escalation.protocol_number,
            }
        },
    )
    return {"escalation_id": escalation.id}


def _court_case(rec: Recommendation, data: dict[str, Any], actor: str) -> Escalation:
    """The court case of the recommendation's latest protocol, opened on first news from court."""
    case = db.session.scalar(
        sa.select(Escalation)
        .where(Escalation.recommendation_id == rec.id, Escalation.kind == "court")
        .order_by(Escalation.id.desc())
        .limit(1)
    )
    if case is None:
        protocol = db.session.scalar(
            sa.select(Escalation)
            .where(Escalation.recommendation_id == rec.id, Escalation.kind == "protocol")
            .order_by(Escalation.id.desc())
            .limit(1)
        )
        case = Escalation(
            recommendation_id=rec.id,
            kind="court",
            target_authority_id=rec.addressee_id,
            court=protocol.court if protocol else data.get("court"),
            protocol_number=protocol.protocol_number if protocol else None,
            offender=protocol.offender if protocol else None,
            hearings=[],
            created_at=clock.now(),
            created_by=actor,
        )
        db.session.add(case)
    if data.get("case_number"):
        case.case_number = data["case_number"]
    return case


@services.register("record_hearing")
def record_hearing(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Судове засідання: the hearing held or scheduled, and the next one."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    case = _court_case(rec, data, ctx.actor)
    hearings = list(case.hearings or [])
    hearings.append(
        {
            "date": data.get("hearing_date"),
            "next": data.get("next_hearing_date"),
            "note": data.get("court_note") or "",
            "recorded_at": clock.now().isoformat(),
        }
    )
    case.hearings = hearings
    rec.due_at = _instant(_kyiv_morning(data["next_hearing_date"])) if data.get("next_hearing_date") else None
    _touch(rec, "in_court")
    db.session.flush()
    return {"court_case_id": case.id, "hearings": len(hearings)}


@services.register("record_court_decision")
def record_court_decision(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Рішення суду."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    case = _court_case(rec, data, ctx.actor)
    case.decision = data["court_decision"]
    case.decision_date = _date(data["decision_date"])
    case.decision_note = data.get("court_note") or ""
    _touch(rec)
    db.session.flush()
    return {"court_case_id": case.id, "decision": case.decision}


@services.register("close_recommendation")
def close_recommendation(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Виконано, or закрито with a reason: the end of the follow-up."""
    rec = _recommendation(ctx)
    outcome = params.get("outcome") or "not_implemented"
    reason = params.get("reason") or ""
    rec.outcome, rec.close_reason = outcome, reason
    rec.due_at, rec.overdue_since = None, None
    rec.closed_at = clock.now()
    _touch(rec, "implemented" if outcome == "implemented" else "closed")
    db.session.flush()
    notices.to_authority(
        rec,
        rec.addressee,
        "closed",
        {"outcome": outcome, "reason": reason},
        dedupe=f"closed:{rec.id}",
        with_reply_link=False,
    )
    notices.publish("closed", rec, {"outcome": outcome, "reason": reason})
    return {"status": rec.status}
