"""Service tasks of the standard process: what each step of the diagram records and tells.

Each handler runs inside the engine command's transaction: it updates the recommendation row (its
status and dates — the domain projection every list reads), writes the domain record of what
happened (act, receipt, reply, verification, escalation) and enqueues notices. The diagram decides
*when*; these decide *what it means*. Every date comes from `workflows.deadlines`.

The recommendation keeps three dates apart: `due_at`, the statutory deadline of the request the
addressee must answer (the only one ever overdue); `urgency_due_at`, a date asked for on critical
findings (reminded, never a breach); `next_step_at`, the Office's own next step (a follow-up check,
a hearing).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from engine import decisions, services
from engine.clock import clock, parse_instant
from engine.db import db
from engine.models import HumanTask, ProcessInstance

from .. import deadlines, notices
from ..access import internal
from ..actors import authority_group
from ..authorities.models import Authority
from ..documents import acts
from ..documents import process as document_steps
from ..documents import services as document_services
from ..escalations.models import Escalation
from ..numbering import act_number
from . import receipts
from .extensions import pending as pending_extension
from .models import (
    WAITING_STATUSES,
    AuthorityReply,
    ExtensionRequest,
    Recommendation,
    ResponseAct,
    Verification,
)


def _recommendation(ctx: services.ServiceContext) -> Recommendation:
    rec = db.session.scalar(
        sa.select(Recommendation).where(Recommendation.id == int(ctx.business_key)).with_for_update()
    )
    if rec is None:
        raise LookupError(f"recommendation {ctx.business_key} does not exist")
    return rec


def _instant(value: Any) -> datetime | None:
    return parse_instant(str(value)) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _touch(rec: Recommendation, status: str | None = None) -> None:
    if status:
        rec.status = status
    rec.updated_at = clock.now()


def reply_terms(ctx: services.ServiceContext, rec: Recommendation) -> dict[str, Any]:
    """The `reply_terms` row of the recommendation's act, from the instance's own deployment
    (grace term, extension limit): what the designer's table says for this kind of act."""
    kind = rec.acts[-1].kind if rec.acts else "submission"
    deployment_id = db.session.scalar(
        sa.select(ProcessInstance.deployment_id).where(ProcessInstance.id == ctx.instance_id)
    )
    return decisions.evaluate(
        "reply_terms", {"act_kind": kind, "severity": rec.severity}, deployment_id=deployment_id
    ).outputs


def _deployment_of(ctx: services.ServiceContext) -> int | None:
    return db.session.scalar(
        sa.select(ProcessInstance.deployment_id).where(ProcessInstance.id == ctx.instance_id)
    )


def _said_outside(ctx: services.ServiceContext, text: Any) -> str:
    """`text` as it may go out: empty when it is an internal field's (workflows/access/internal.py)."""
    if internal.is_internal(text, ctx.task_data, _deployment_of(ctx)):
        return ""
    return str(text or "")


def _document_part(doc) -> dict[str, Any]:
    """What a notice carries of the document it delivers: its number and date, and the kept PDF."""
    if doc is None or doc.pdf_sha256 is None:
        return {}
    return {
        "document": {
            "id": doc.id,
            "kind": doc.kind,
            "number": doc.number,
            "date": doc.number_date.isoformat(),
        },
        "attachments": [document_services.attachment(doc)],
    }


def _has_open_reply_task(ctx: services.ServiceContext, authority_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(HumanTask.id)
            .where(
                HumanTask.instance_id == ctx.instance_id,
                HumanTask.status == "open",
                HumanTask.candidate_group == authority_group(authority_id),
            )
            .limit(1)
        )
        is not None
    )


def _receipt_check_at(emailed: bool, wait_days: Any) -> str:
    """When to ask a lawyer for the paper receipt: at once when nothing was e-mailed, else after
    the designer's waiting time."""
    if not emailed:
        return clock.now().isoformat()
    return deadlines.work_due(clock.now(), int(wait_days or 3)).isoformat()


def _sent_document(ctx: services.ServiceContext, data: dict[str, Any], urgency: datetime | None):
    """The act's document (workflows/documents/process.py) marked sent, its PDF kept: once, even
    when a grouped submission reaches this step in each of its recommendations' processes. Returns
    the document and whether this process sent it (then it also e-mails it, `_act_mail`).

    The document's row is locked and read afresh first, so two processes of one grouped submission
    reaching this step at once (PostgreSQL) take turns: the first sends, the second sees it sent."""
    from ..documents.models import Document
    from ..documents.process import user_of

    if not data.get("document_id"):
        return None, False  # an instance started before acts became documents
    doc = db.session.scalar(
        sa.select(Document)
        .where(Document.id == int(data["document_id"]))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if doc.status in ("sent", "received"):
        return doc, False
    # The urgency request counts from the day it goes out (act_terms ran just before).
    doc.urgent_by = deadlines.kyiv_date(urgency) if urgency else None
    document_services.mark_sent(user_of(ctx.actor), doc.id, email=False)
    return doc, True


def _covered(doc) -> list[dict[str, Any]]:
    """The recommendations a document covers, as its covering e-mail names them (in the order of
    the document)."""
    return [
        {
            "id": r.id,
            "number": r.number,
            "text": r.text,
            "severity": r.severity,
            "category": r.category,
        }
        for r in document_services.recommendations_of(doc)
    ]


def _document_mailed(doc) -> bool:
    """Whether the document's covering e-mail is in the outbox (sent by the process that reached
    `send_act` first, or by the document's own page): key `document:<id>:<address>`."""
    from engine.models import OutboxMessage

    return (
        db.session.scalar(
            sa.select(OutboxMessage.id)
            .where(OutboxMessage.dedupe_key.like(f"document:{doc.id}:%"), OutboxMessage.channel == "email")
            .limit(1)
        )
        is not None
    )


def _act_mail(ctx: services.ServiceContext, rec: Recommendation, doc, act_part: dict[str, Any]) -> int:
    """ONE `act_sent` e-mail per document, whatever number of recommendations it covers: it names
    each of them and carries the document's own signed link from the registry of links
    (workflows/answers/links.py: one authority, one document, revocable; the answer form lists
    every covered recommendation). The outbox key `document:<id>` keeps it to one row per address
    even if two processes got here (the lock in `_sent_document` already makes them take turns)."""
    from ..answers import links as reply_links

    _link, token = reply_links.issue(doc, actor=ctx.actor)
    return notices.to_authority(
        rec,
        rec.addressee,
        "act_sent",
        {
            "act": act_part,
            "recommendations": _covered(doc),
            "reply_url": reply_links.url(token),
            "document": _document_part(doc)["document"],
            "attachments": [document_services.attachment(doc)],
        },
        dedupe=f"document:{doc.id}",
        with_reply_link=False,
    )


@services.register("send_act")
def send_act(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Акт реагування надіслано: number it, note its term and basis, ask for an urgency date on
    critical findings, and send it. The statutory deadline waits for the receipt."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    now = clock.now()
    urgency_period = data.get("urgency_period") or None
    urgency = deadlines.term_deadline(now, urgency_period) if urgency_period else None
    doc, first = _sent_document(ctx, data, urgency)
    act = ResponseAct(
        recommendation_id=rec.id,
        kind=data["act_kind"],
        number=doc.number if doc else act_number(deadlines.kyiv_date(now).year),
        act_date=doc.number_date if doc else deadlines.kyiv_date(now),
        signatory=(doc.signatory_name if doc else None) or data.get("signatory") or "",
        text=doc.body if doc else data["act_text"],
        addressee_id=rec.addressee_id,
        sent_at=now,
        statutory_period=data.get("statutory_period") or None,
        legal_basis=data.get("legal_basis") or "",
        legal_basis_en=data.get("legal_basis_en") or "",
        urgency_due_at=urgency,
        due_at=None,
        created_by=ctx.actor,
    )
    db.session.add(act)
    rec.due_at, rec.received_at, rec.overdue_since, rec.next_step_at = None, None, None, None
    rec.urgency_due_at = urgency
    rec.legal_basis, rec.legal_basis_en = act.legal_basis or None, act.legal_basis_en or None
    _touch(rec, "awaiting_receipt")
    db.session.flush()
    language = rec.addressee.language or "uk"
    act_part = {
        "kind": act.kind,
        "number": act.number,
        "date": act.act_date.isoformat(),
        "signatory": act.signatory,
        "text": act.text,
        "statutory_period": act.statutory_period,
        "legal_basis": notices.legal_basis(act.legal_basis, act.legal_basis_en, language),
        "urgency_due_at": _iso(urgency),
    }
    if doc is None:
        emailed = notices.to_authority(
            rec,
            rec.addressee,
            "act_sent",
            {"act": act_part, "attachments": [acts.attachment(act, rec, rec.addressee, ctx.actor)]},
            dedupe=f"act:{act.id}",
        )
    elif first:
        emailed = _act_mail(ctx, rec, doc, act_part)
    else:
        # Another recommendation of the same document sent its one e-mail: this process waits for
        # the receipt of that e-mail like the one that sent it (receipts fan out to every covered
        # recommendation: workflows/recommendations/receipts.py).
        emailed = 1 if _document_mailed(doc) else 0
    notices.publish("act_sent", rec, {"act": {"id": act.id, "kind": act.kind, "number": act.number}})
    return {
        "document_id": doc.id if doc else None,
        "act_id": act.id,
        "act_number": act.number,
        "urgency_due_at": _iso(urgency),
        "emailed": emailed > 0,
        "sent_at": now.isoformat(),
        "receipt_check_at": _receipt_check_at(emailed > 0, data.get("receipt_wait_days")),
    }


@services.register("record_paper_receipt")
def record_paper_receipt(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """The lawyer registered the day an authority received the act or letter on paper."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    received_at = receipts.paper_received_at(data["received_on"])
    receipt = receipts.record(
        rec,
        rec.addressee_id,
        "paper",
        received_at,
        actor=ctx.actor,
        incoming_number=(data.get("incoming_number") or "").strip() or None,
        note=(data.get("receipt_note") or "").strip(),
        tell_process=False,  # the process is here, taking this very step
    )
    return {
        "received_at": received_at.isoformat(),
        "kind": "paper",
        "receipt_id": receipt.id if receipt else None,
    }


@services.register("record_deadline")
def record_deadline(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Received: the statutory deadline (counted by the diagram from the day of receipt) is in force."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    due = _instant(data.get("reply_due_at"))
    received_at = _instant((data.get("receipt") or {}).get("received_at"))
    request = receipts.pending_request(rec, rec.addressee_id)
    if request is not None:
        request.received_at, request.due_at = received_at, due
        if isinstance(request, Escalation):
            rec.legal_basis, rec.legal_basis_en = request.legal_basis or None, request.legal_basis_en or None
    rec.due_at, rec.received_at, rec.overdue_since = due, received_at, None
    _touch(rec, "escalated" if isinstance(request, Escalation) else "awaiting_reply")
    db.session.flush()
    return {"due_at": _iso(due)}


@services.register("deadline_alarm")
def deadline_alarm(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """A reminder before the deadline or the urgency date, or the deadline itself.

    At the deadline the breach is recorded — unless the authority asked for an extension in time
    and the lawyer has not decided yet: then the breach waits for the decision.
    """
    kind = params.get("kind") or "deadline"
    rec = _recommendation(ctx)
    now = clock.now()
    if kind in ("reminder_1", "reminder_2"):
        if rec.due_at is None or now >= rec.due_at:
            return {"breach": False, "sent": 0}
        days_left = deadlines.days_between(now, rec.due_at)
        sent = notices.to_authority(
            rec,
            rec.addressee,
            "reminder",
            {"days_left": days_left},
            dedupe=f"reminder:{rec.id}:{rec.due_at.isoformat()}:{kind}",
        )
        return {"breach": False, "sent": sent}
    if kind == "urgency_reminder":
        if rec.urgency_due_at is None or now >= rec.urgency_due_at:
            return {"breach": False, "sent": _missed_reminder(ctx, rec, now)}
        sent = notices.to_authority(
            rec,
            rec.addressee,
            "urgency_reminder",
            {"days_left": deadlines.days_between(now, rec.urgency_due_at)},
            dedupe=f"urgency:{rec.id}:{rec.urgency_due_at.isoformat()}",
        )
        return {"breach": False, "sent": sent}
    if rec.due_at is None or now < rec.due_at:
        return {"breach": False}
    if pending_extension(rec) is not None:
        return {"breach": False, "deferred": True}
    mark_overdue(rec, now)
    return {"breach": True}


def _missed_reminder(ctx: services.ServiceContext, rec: Recommendation, now: datetime) -> int:
    """An alarm that fired late (the scheduler was down) and has nothing to say any more — the
    urgency date it reminded of has passed — while reminders of the reply deadline fell due in the
    gap: send one of them now (the latest), not none. The alarms computed after this one skip the
    moments already past, so none of them follows it."""
    data = ctx.task_data
    scheduled = (data.get("next_alarm_info") or {}).get("at")
    if not scheduled or rec.due_at is None or now >= rec.due_at:
        return 0
    scheduled_at = deadlines.as_instant(scheduled)
    done = set(data.get("alarms_done") or [])
    missed = [
        kind
        for moment, kind in deadlines.alarms(
            data.get("reply_due_at"),
            None,
            data.get("reminder_1_days"),
            data.get("reminder_2_days"),
            None,
            include_past=True,
        )
        if kind in ("reminder_1", "reminder_2")
        and scheduled_at < moment <= now
        and deadlines.alarm_key(kind, data.get("reply_due_at"), data.get("urgency_due_at")) not in done
    ]
    if not missed:
        return 0
    return notices.to_authority(
        rec,
        rec.addressee,
        "reminder",
        {"days_left": deadlines.days_between(now, rec.due_at)},
        dedupe=f"reminder:{rec.id}:{rec.due_at.isoformat()}:{missed[-1]}",
    )


def mark_overdue(rec: Recommendation, now: datetime) -> None:
    """Прострочено: the statutory deadline passed with no reply. The notices wait for the working
    morning: a letter about a breach is not sent at midnight."""
    rec.overdue_since = now
    _touch(rec, "reply_overdue")
    days = max(deadlines.days_between(rec.due_at, now), 1)
    key = f"overdue:{rec.id}:{rec.due_at.isoformat()}"
    morning = deadlines.working_morning(now)
    notices.to_authority(
        rec, rec.addressee, "overdue", {"days_overdue": days}, dedupe=key, not_before=morning
    )
    notices.to_lawyer(rec, "overdue", {"days_overdue": days}, dedupe=key, not_before=morning)
    notices.publish("overdue", rec, {"days_overdue": days})


def deadline_for(rec: Recommendation, authority_id: int) -> datetime | None:
    """The deadline the authority's latest request (act, repeat request, letter) gave it — as
    extended or given a grace term; it stays on the request after a protocol clears the
    recommendation's own deadline."""
    if authority_id == rec.addressee_id and rec.due_at is not None:
        return rec.due_at  # kept equal to its latest request's (receipt, extension, repeat request)
    letters = [a for a in rec.acts if a.addressee_id == authority_id]
    moments = [(a.sent_at, a.due_at) for a in letters]
    moments += [
        (e.created_at, e.due_at)
        for e in db.session.scalars(
            sa.select(Escalation).where(
                Escalation.recommendation_id == rec.id,
                Escalation.target_authority_id == authority_id,
                Escalation.kind.in_(("repeat_request", "superior_authority")),
            )
        )
    ]
    return max(moments, key=lambda m: m[0])[1] if moments else None


@services.register("record_reply")
def record_reply(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Відповідь органу received: keep it with its delay, confirm receipt, and say whether the
    process was waiting for it (else the lawyer, already acting, assesses it where things stand)."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    now = clock.now()
    authority_id = int(data.get("addressee_id") or rec.addressee_id)
    deadline = deadline_for(rec, authority_id)
    late = bool(deadline and now > deadline)
    awaited = rec.status in WAITING_STATUSES
    # A reply proves the act or letter arrived, whatever else did or did not (only worth looking
    # up while a receipt is missing: the usual reply comes long after it).
    if rec.received_at is None or authority_id != rec.addressee_id:
        receipts.record(rec, authority_id, "reply", now, actor=ctx.actor, tell_process=False)
    reply = AuthorityReply(
        recommendation_id=rec.id,
        authority_id=authority_id,
        text=data.get("reply_text") or "",
        measures=data.get("measures") or "",
        attachments=list(data.get("attachments") or []),
        received_at=now,
        deadline_at=deadline,
        was_overdue=late,
        days_late=max(deadlines.days_between(deadline, now), 1) if late else None,
        submitted_by=ctx.actor,
    )
    db.session.add(reply)
    rec.overdue_since = None  # the authority has answered: no longer in breach
    if awaited:
        rec.due_at = None
        _touch(rec, "under_verification")
    else:
        # The lawyer is already acting; a reply came after all and is being assessed (a court case
        # stays in court until the lawyer decides the reply changes the path).
        _touch(rec, "under_verification" if rec.status == "reply_overdue" else None)
    db.session.flush()
    authority = db.session.get(Authority, authority_id)
    notices.to_authority(
        rec,
        authority,
        "reply_receipt",
        {
            "reply": {
                "received_at": now.isoformat(),
                "deadline_at": _iso(deadline),
                "days_late": reply.days_late,
            }
        },
        dedupe=f"reply:{reply.id}",
        with_reply_link=False,
    )
    notices.publish("reply_received", rec, {"reply": {"id": reply.id, "received_at": now.isoformat()}})
    return {"reply_id": reply.id, "awaited": awaited, "days_late": reply.days_late}


@services.register("record_extension_request")
def record_extension_request(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Клопотання про продовження строку arrived (recorded by the domain when it was made): the
    authority gets a receipt that says what was received, and that it may still reply."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    request = db.session.get(ExtensionRequest, int((data.get("extension_request") or {})["request_id"]))
    authority = db.session.get(Authority, request.authority_id)
    notices.to_authority(
        rec,
        authority,
        "extension_receipt",
        {
            "extension": {
                "requested_until": request.requested_until.isoformat(),
                "requested_at": request.requested_at.isoformat(),
                "current_due_at": _iso(request.previous_due_at),
            }
        },
        dedupe=f"extension-receipt:{request.id}",
    )
    return {"extension_request_id": request.id}


@services.register("record_extension")
def record_extension(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """The lawyer's decision, e-mailed to the authority. Granted: the new date. Refused in time:
    the deadline stands. Refused after the deadline passed: a grace term of working days (DMN)
    before the breach is recorded. Returns the deadline now in force for the deadline watch."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    now = clock.now()
    request = db.session.get(ExtensionRequest, int((data.get("extension_request") or {})["request_id"]))
    granted = bool(data.get("extension_granted"))
    current = rec.due_at if rec.status in WAITING_STATUSES else None
    grace = False
    if granted:
        new_due = deadlines.end_of_day(deadlines.as_day(data["extension_until"]))
    elif current is not None and now > current:
        new_due = deadlines.grace_deadline(now, int(reply_terms(ctx, rec).get("grace_days") or 0))
        grace = True
    else:
        new_due = current
    request.decision = "granted" if granted else "refused"
    request.new_due_at = new_due if (granted or grace) else None
    request.decision_note = data.get("extension_decision_note") or ""
    request.decided_at, request.decided_by = now, ctx.actor
    if current is not None:
        rec.due_at = new_due
        _touch(rec)
        latest = receipts.latest_request(rec)
        if latest is not None:
            latest.due_at = new_due
    db.session.flush()
    authority = db.session.get(Authority, request.authority_id)
    letter = None
    if document_steps.by_person(ctx):
        letter = document_steps.issue(
            ctx,
            rec,
            kind="extension_decision",
            addressee_id=request.authority_id,
            details={
                "granted": granted,
                "requested_until": request.requested_until.isoformat(),
                "new_due": deadlines.kyiv_date(new_due).isoformat() if new_due else None,
                "reason": request.decision_note,
            },
        )
    notices.to_authority(
        rec,
        authority,
        "extension_decision",
        {
            "extension": {
                "decision": request.decision,
                "requested_until": request.requested_until.isoformat(),
                "previous_due_at": _iso(request.previous_due_at),
                "new_due_at": _iso(new_due),
                "grace": grace,
                "note": request.decision_note,
            },
            **_document_part(letter),
        },
        dedupe=f"extension-decision:{request.id}",
    )
    return {"reply_due_at": _iso(new_due), "granted": granted, "grace": grace}


@services.register("record_verification")
def record_verification(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Перевірка виконання: the lawyer's assessment. A later check date puts the recommendation in
    follow-up (its next step, never overdue). The assessment of a late reply that does not change
    the path is kept without moving the recommendation."""
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
    keeps_path = "changes_path" in data and not data["changes_path"]
    if not keeps_path:
        rec.due_at = None
        if later:
            rec.next_step_at = deadlines.working_morning(data["follow_up_date"])
            _touch(rec, "follow_up")
        else:
            rec.next_step_at = None
            _touch(rec, "under_verification")
    db.session.flush()
    return {
        "verification_id": verification.id,
        "outcome": data.get("outcome"),
        "verification_method": data.get("verification_method"),
        "verify_later": later,
        "follow_up_date": data.get("follow_up_date") if later else None,
        "assessment_note": data.get("assessment_note") or "",
    }


@services.register("escalate")
def escalate(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Повторний запит to the same authority (the lawyer's date), or звернення до вищестоящого
    органу (its own statutory term, counted from its receipt)."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    kind = params["kind"]
    previous = rec.addressee
    target_id = int(data["addressee_id"])
    letter = document_steps.letter_sent(ctx, data.get("letter_document_id"))
    target = db.session.get(Authority, target_id)
    now = clock.now()
    due = _instant(data.get("reply_due_at")) if kind == "repeat_request" else None
    escalation = Escalation(
        recommendation_id=rec.id,
        kind=kind,
        target_authority_id=target_id,
        reason=data.get("decision_reason") or "",
        due_at=due,
        statutory_period=data.get("escalation_period") if kind == "superior_authority" else None,
        legal_basis=(data.get("escalation_basis") if kind == "superior_authority" else rec.legal_basis) or "",
        legal_basis_en=(
            data.get("escalation_basis_en") if kind == "superior_authority" else rec.legal_basis_en
        )
        or "",
        created_at=now,
        created_by=ctx.actor,
    )
    db.session.add(escalation)
    rec.addressee_id, rec.due_at, rec.overdue_since, rec.next_step_at = target_id, due, None, None
    rec.urgency_due_at = None
    if kind == "superior_authority":
        rec.received_at = None
        rec.legal_basis, rec.legal_basis_en = (
            escalation.legal_basis or None,
            escalation.legal_basis_en or None,
        )
    _touch(rec, "escalated" if kind == "superior_authority" else "awaiting_reply")
    db.session.flush()
    db.session.refresh(rec, ["addressee"])
    language = target.language or "uk"
    sent = notices.to_authority(
        rec,
        target,
        "escalation" if kind == "superior_authority" else "repeat_request",
        {
            "escalation": {
                "kind": kind,
                # The lawyer's reasoning (decide_next_steps) is internal: never in the letter.
                "reason": _said_outside(ctx, escalation.reason),
                "statutory_period": escalation.statutory_period,
                "legal_basis": notices.legal_basis(
                    escalation.legal_basis, escalation.legal_basis_en, language
                ),
            },
            "subordinate": {"name": previous.name(language)},
            **_document_part(letter),
        },
        dedupe=f"escalation:{escalation.id}",
    )
    notices.publish(
        "escalated", rec, {"escalation": {"id": escalation.id, "kind": kind, "target_code": target.code}}
    )
    result: dict[str, Any] = {
        "escalation_id": escalation.id,
        "sent_at": now.isoformat(),
        "reply_task_needed": not _has_open_reply_task(ctx, target_id),
    }
    if kind == "superior_authority":
        result["receipt_check_at"] = _receipt_check_at(sent > 0, data.get("receipt_wait_days"))
    return result


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
    """Судове засідання: the hearing held or scheduled; the next one is the Office's next step."""
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
    rec.next_step_at = (
        deadlines.working_morning(data["next_hearing_date"]) if data.get("next_hearing_date") else None
    )
    _touch(rec, "in_court")
    db.session.flush()
    return {"court_case_id": case.id, "hearings": len(hearings)}


@services.register("close_recommendation")
def close_recommendation(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Виконано, or закрито with a reason: the end of the follow-up."""
    rec = _recommendation(ctx)
    outcome = params.get("outcome") or "not_implemented"
    reason = params.get("reason") or ""
    rec.outcome, rec.close_reason = outcome, reason
    rec.due_at, rec.overdue_since, rec.next_step_at, rec.urgency_due_at = None, None, None, None
    rec.closed_at = clock.now()
    _touch(rec, "implemented" if outcome == "implemented" else "closed")
    db.session.flush()
    told = _said_outside(ctx, reason)
    notice = None
    if document_steps.by_person(ctx):
        notice = document_steps.issue(
            ctx, rec, kind="closing_notice", addressee_id=rec.addressee_id, details={"reason": told}
        )
    notices.to_authority(
        rec,
        rec.addressee,
        "closed",
        {"outcome": outcome, "reason": told, **_document_part(notice)},
        dedupe=f"closed:{rec.id}",
        with_reply_link=False,
    )
    notices.publish("closed", rec, {"outcome": outcome, "reason": told})
    return {"status": rec.status}
