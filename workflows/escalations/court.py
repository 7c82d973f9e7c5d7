"""The protocol and court path of a recommendation (ст. 188-40, 38, 294 КУпАП), as the service tasks
and form rules of `bpmn/recommendation.bpmn` run it:

draw_protocol (a lawyer holding `draw_protocols`; names the official and the date of the offence)
→ record_protocol (the protocol drafted as a document and submitted) → approve_protocol (a manager)
→ send_protocol (numbered in the protocols' register, the official's copy sent, the limitation
reminders queued) → follow_court_case (hearings) → record_court_decision → decide_appeal (the appeal
window) → [follow_appeal] → resume_follow_up: a court decision never closes the recommendation, its
follow-up goes back to the lawyer's next steps. A protocol returned for rework goes back to
draw_protocol. Once the limitation period has run out, draw_protocol offers only closing the
recommendation with a reason or continuing the follow-up (its rule refuses sending a protocol).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from engine import audit, forms, services
from engine.clock import clock
from engine.db import db
from engine.models import OutboxMessage
from workflows.recommendations.rules import day_or_none, shown
from workflows.recommendations.rules import today as today_kyiv

from .. import deadlines, notices
from ..documents.models import Document
from ..recommendations.models import Recommendation
from ..users.models import User
from . import protocols
from .models import Escalation

Errors = dict[str, list[str]]
REMINDER_TOPIC = "limitation_reminder"


# --- small helpers ----------------------------------------------------------------------------------


def _user(actor: str) -> User:
    """The person behind an engine actor ("user:<id>")."""
    kind, _sep, ident = (actor or "").partition(":")
    user = db.session.get(User, int(ident)) if kind == "user" and ident.isdigit() else None
    if user is None:
        raise LookupError(f"no user for actor {actor!r}")
    return user


def _recommendation(ctx: services.ServiceContext) -> Recommendation:
    rec = db.session.scalar(
        sa.select(Recommendation).where(Recommendation.id == int(ctx.business_key)).with_for_update()
    )
    if rec is None:
        raise LookupError(f"recommendation {ctx.business_key} does not exist")
    return rec


def _latest(rec_id: int, kind: str) -> Escalation | None:
    return db.session.scalar(
        sa.select(Escalation)
        .where(Escalation.recommendation_id == rec_id, Escalation.kind == kind)
        .order_by(Escalation.id.desc())
        .limit(1)
    )


def act_sent_on(data: dict[str, Any]) -> date | None:
    """The day the recommendation's act went out (an offence cannot precede it)."""
    sent = (data.get("sent") or {}).get("sent_at")
    return deadlines.kyiv_date(datetime.fromisoformat(sent.replace("Z", "+00:00"))) if sent else None


def suggested_offence_date(rec: Recommendation) -> date | None:
    """The day after the statutory term ran out (the first day of non-compliance)."""
    if rec.overdue_since is not None:
        return deadlines.kyiv_date(rec.overdue_since)
    return None


def pending_protocol(rec_id: int) -> Escalation | None:
    """The recommendation's protocol still waiting for a court's decision, if any."""
    protocol = _latest(rec_id, "protocol")
    if protocol is None or protocol.offence_date is None:
        return None
    if protocol.protocol_number is None:
        # Not approved yet: it counts while it waits for the manager, not once returned or dropped.
        return protocol if protocol.document is not None and protocol.document.status == "submitted" else None
    case = _latest(rec_id, "court")
    if (
        case is not None
        and case.decision is not None
        and protocol.protocol_number
        and case.protocol_number == protocol.protocol_number
    ):
        return None
    return protocol


def limitation_for(rec_id: int, today: date | None = None) -> protocols.Limitation | None:
    """The countdown shown on the recommendation's page and in the inbox."""
    protocol = pending_protocol(rec_id)
    if protocol is None:
        return None
    return protocols.limitation_of(protocol.offence_date, today or today_kyiv())


def limitations_for(rec_ids: list[int], today: date | None = None) -> dict[int, protocols.Limitation]:
    """The countdowns of several recommendations at once (the inbox's page): one indexed query."""
    if not rec_ids:
        return {}
    awaiting_approval = sa.and_(
        Escalation.kind == "protocol",
        Escalation.protocol_number.is_(None),
        Escalation.document_id.in_(sa.select(Document.id).where(Document.status == "submitted")),
    )
    rows = db.session.execute(
        sa.select(Escalation.recommendation_id, Escalation.offence_date)
        .where(
            Escalation.recommendation_id.in_(rec_ids),
            sa.or_(protocols.pending_clause(), awaiting_approval),
            Escalation.offence_date.is_not(None),
        )
        .order_by(Escalation.id)
    ).all()
    today = today or today_kyiv()
    months = protocols.limitation_months() if rows else 0
    return {r.recommendation_id: protocols.limitation_of(r.offence_date, today, months) for r in rows}


# --- form rules -------------------------------------------------------------------------------------


@forms.rule("draw_protocol")
def check_protocol(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    """The date of the offence lies between the act and today; a protocol goes to court only within
    the limitation period. (Who may draw one up is the capability table's: `policy.TASK_CAPABILITIES`.)"""
    errors: Errors = {}
    action = submitted.get("protocol_action")
    offence = day_or_none(submitted.get("offence_date"))
    today = today_kyiv()
    if offence is not None:
        if offence > today:
            errors["offence_date"] = [
                _(
                    "%(what)s cannot be in the future (today is %(today)s).",
                    what=_("The date of the offence"),
                    today=shown(today),
                )
            ]
        sent = act_sent_on(data)
        if sent is not None and offence < sent:
            errors["offence_date"] = [
                _(
                    "The offence cannot precede the act of response (sent %(date)s).",
                    date=shown(sent),
                )
            ]
    if action == "submit" and offence is not None and "offence_date" not in errors:
        limitation = protocols.limitation_of(offence, today)
        if limitation.expired:
            errors["protocol_action"] = [
                _(
                    "The limitation period ended on %(date)s: a court can no longer impose a penalty "
                    "(Art. 38 of the Code on Administrative Offences). Close the recommendation with "
                    "a reason or continue the follow-up.",
                    date=shown(limitation.ends_on),
                )
            ]
    return errors


@forms.rule("approve_protocol")
def check_protocol_approval(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    """A protocol whose limitation period is over cannot be sent to court: only returned."""
    offence = day_or_none((data.get("protocol") or {}).get("offence_date"))
    if submitted.get("protocol_approval") != "approve" or offence is None:
        return {}
    limitation = protocols.limitation_of(offence, today_kyiv())
    if limitation.expired:
        return {
            "protocol_approval": [
                _(
                    "The limitation period ended on %(date)s: a court can no longer impose a penalty. "
                    "Return the protocol to its author.",
                    date=shown(limitation.ends_on),
                )
            ]
        }
    return {}


@forms.rule("follow_court_case")
def check_court_decision(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    """A penalty states its amount; a decision is not dated before the protocol."""
    errors: Errors = {}
    if submitted.get("court_action") != "decision":
        return errors
    if submitted.get("court_decision") == "offender_liable":
        amount = _amount(submitted.get("penalty_amount"))
        if amount is None or amount <= 0:
            errors["penalty_amount"] = [_("Give the amount of the penalty imposed.")]
    decided = day_or_none(submitted.get("decision_date"))
    drawn = day_or_none((data.get("protocol") or {}).get("protocol_date"))
    if decided and drawn and decided < drawn:
        errors["decision_date"] = [
            _("The decision cannot precede the protocol (%(date)s).", date=shown(drawn))
        ]
    return errors


@forms.rule("decide_appeal")
def check_appeal(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    """An appeal is filed within the window; "not appealed" is known only once the window closed."""
    case = data.get("court_case") or {}
    until, decided = day_or_none(case.get("appeal_until")), day_or_none(case.get("decision_date"))
    today = today_kyiv()
    action = submitted.get("appeal_action")
    if action == "not_appealed" and until is not None and today <= until:
        return {
            "appeal_action": [
                _(
                    "The appeal window is open until %(date)s: the decision takes effect only after it.",
                    date=shown(until),
                )
            ]
        }
    if action == "appealed":
        filed = day_or_none(submitted.get("appeal_filed_on"))
        if filed is None:
            return {}
        if filed > today:
            return {"appeal_filed_on": [_("The day of filing cannot be in the future.")]}
        if decided and filed < decided:
            return {"appeal_filed_on": [_("An appeal cannot precede the decision.")]}
        if until and filed > until:
            return {
                "appeal_filed_on": [
                    _(
                        "The appeal window closed on %(date)s (Art. 294 of the Code on Administrative "
                        "Offences).",
                        date=shown(until),
                    )
                ]
            }
    return {}


@forms.rule("follow_appeal")
def check_appeal_outcome(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    errors: Errors = {}
    decided = day_or_none(submitted.get("appeal_decision_date"))
    if decided and decided > today_kyiv():
        errors["appeal_decision_date"] = [_("The decision date cannot be in the future.")]
    if submitted.get("appeal_outcome") == "changed":
        amount = _amount(submitted.get("penalty_amount"))
        if amount is None or amount < 0:
            errors["penalty_amount"] = [_("Give the amount of the penalty as changed.")]
    return errors


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


# --- service tasks ----------------------------------------------------------------------------------


@services.register("record_protocol")
def record_protocol(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Протокол про адміністративне правопорушення: drafted from its template as a document naming
    the official and the date of the offence, and submitted for the manager's approval."""
    from ..documents import services as documents

    data = ctx.task_data
    rec = _recommendation(ctx)
    author = _user(ctx.actor)
    official = (data.get("official_name") or "").strip()
    position = (data.get("official_position") or "").strip()
    offence = deadlines.as_day(data["offence_date"])
    protocol = _latest(rec.id, "protocol")
    if protocol is not None and protocol.protocol_number is None:
        # A draft the manager returned: redrawn, it replaces its earlier document.
        if protocol.document_id is not None:
            earlier = db.session.get(Document, protocol.document_id)
            if earlier is not None and earlier.status in ("draft", "returned", "submitted"):
                documents.cancel(author, earlier.id, reason=_("Redrawn"), expected_version=None)
    else:
        protocol = Escalation(
            recommendation_id=rec.id, kind="protocol", created_at=clock.now(), created_by=ctx.actor
        )
        db.session.add(protocol)
    protocol.target_authority_id = rec.addressee_id
    protocol.reason = data.get("protocol_note") or ""
    protocol.offence_date = offence
    protocol.official_name, protocol.official_position = official, position
    protocol.offender = f"{official}, {position}"
    protocol.court = data.get("court")
    doc = documents.draft(
        kind="protocol",
        addressee_id=rec.addressee_id,
        recommendation_ids=[rec.id],
        author=author,
        # The person who draws the protocol up signs it (ст. 256 КУпАП).
        signatory_id=author.id,
        details={
            "official_name": official,
            "official_position": position,
            "offence_date": offence.isoformat(),
            "offence": data.get("offence") or "",
            "court": data.get("court") or "",
        },
    )
    documents.submit(author, doc.id, expected_version=None)
    protocol.document_id = doc.id
    rec.status, rec.updated_at = "escalated", clock.now()
    db.session.flush()
    limitation = protocols.limitation_of(offence, today_kyiv())
    return {
        "escalation_id": protocol.id,
        "document_id": doc.id,
        "offence_date": offence.isoformat(),
        "limitation_ends_on": limitation.ends_on.isoformat(),
    }


@services.register("decide_protocol")
def decide_protocol(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """The manager's word on the protocol: approved — numbered in the protocols' register, the
    official's copy sent, the limitation reminders queued — or returned to its author."""
    from ..documents import services as documents

    data = ctx.task_data
    rec = _recommendation(ctx)
    manager = _user(ctx.actor)
    protocol = db.session.get(Escalation, int(data["protocol"]["escalation_id"]))
    if data.get("protocol_approval") != "approve":
        comment = (data.get("return_comment") or "").strip()
        documents.return_for_rework(manager, protocol.document_id, comment=comment, expected_version=None)
        return {**data["protocol"], "approved": False, "return_comment": comment}
    doc = documents.approve(manager, protocol.document_id, expected_version=None)
    documents.mark_sent(manager, doc.id)
    protocol.protocol_number, protocol.protocol_date = doc.number, doc.number_date
    rec.due_at, rec.next_step_at = None, None
    rec.status, rec.updated_at = "in_court", clock.now()
    db.session.flush()
    reminders = queue_reminders(rec, protocol)
    notices.publish(
        "escalated",
        rec,
        {"escalation": {"id": protocol.id, "kind": "protocol", "protocol_number": protocol.protocol_number}},
    )
    return {
        **data["protocol"],
        "approved": True,
        "protocol_number": protocol.protocol_number,
        "protocol_date": protocol.protocol_date.isoformat(),
        "reminders": reminders,
    }


def queue_reminders(rec: Recommendation, protocol: Escalation) -> int:
    """The lawyer's reminders at the table's days before the limitation period ends: outbox rows
    held until their working morning (the outbox is the timer); dropped once the court decides."""
    limitation = protocols.limitation_of(protocol.offence_date, today_kyiv())
    now = clock.now()
    queued = 0
    lawyer = notices._lawyer(rec)
    for days in protocols.reminder_days():
        at = deadlines.working_morning(limitation.ends_on - timedelta(days=days))
        if at <= now or lawyer is None:
            continue
        language = lawyer.language or "uk"
        with force_locale(language):
            message = {
                "subject": ngettext(
                    "%(num)d day left to the limitation period of protocol № %(number)s",
                    "%(num)d days left to the limitation period of protocol № %(number)s",
                    days,
                    number=protocol.protocol_number,
                ),
                "text": _(
                    "Recommendation %(rec)s: the court may impose the penalty under protocol № %(number)s "
                    "until %(date)s (Art. 38 of the Code on Administrative Offences; the offence was "
                    "committed on %(offence)s). After that day the case can only be closed.",
                    rec=rec.number,
                    number=protocol.protocol_number,
                    date=shown(limitation.ends_on),
                    offence=shown(protocol.offence_date),
                ),
            }
        queued += notices.to_lawyer(
            rec,
            REMINDER_TOPIC,
            {"message": message, "days_left": days, "limitation_ends_on": limitation.ends_on.isoformat()},
            dedupe=f"limitation:{protocol.id}:{days}",
            not_before=at,
        )
    return queued


def drop_reminders(protocol: Escalation) -> int:
    """The court decided: the reminders not yet sent have nothing left to remind of."""
    result = db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.dedupe_key.like(f"limitation:{protocol.id}:%"),
            OutboxMessage.status == "pending",
        )
    )
    return result.rowcount or 0


@services.register("record_court_decision")
def record_court_decision(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """Рішення суду: its kind, date, the penalty's amount; the appeal window opens (the table
    `appeal_window`). The recommendation stays followed up."""
    from ..recommendations.handlers import _court_case

    data = ctx.task_data
    rec = _recommendation(ctx)
    case = _court_case(rec, data, ctx.actor)
    case.decision = data["court_decision"]
    case.decision_date = deadlines.as_day(data["decision_date"])
    case.decision_note = data.get("court_note") or ""
    case.penalty_amount = _amount(data.get("penalty_amount")) if case.decision == "offender_liable" else None
    rework = case.decision == "returned_for_revision"
    case.appeal_until = None if rework else protocols.appeal_until(case.decision_date)
    protocol = _latest(rec.id, "protocol")
    if protocol is not None:
        drop_reminders(protocol)
    rec.next_step_at = None if rework else deadlines.end_of_day(case.appeal_until)
    rec.status, rec.updated_at = ("escalated" if rework else "in_court"), clock.now()
    db.session.flush()
    audit.record(
        "court_decision_recorded",
        actor=ctx.actor,
        instance_id=ctx.instance_id,
        business_key=ctx.business_key,
        subject=f"escalation:{case.id}",
        details={"decision": case.decision, "appeal_until": _iso(case.appeal_until)},
    )
    return {
        "court_case_id": case.id,
        "decision": case.decision,
        "decision_date": case.decision_date.isoformat(),
        "appeal_until": _iso(case.appeal_until),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@services.register("record_appeal")
def record_appeal(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """The appeal window: closed without an appeal (the decision took effect), an appeal filed, or
    (after `follow_appeal`) what the appeal court decided."""
    data = ctx.task_data
    _recommendation(ctx)
    case = db.session.get(Escalation, int(data["court_case"]["court_case_id"]))
    stage = params.get("stage") or "window"
    if stage == "window":
        if data.get("appeal_action") == "appealed":
            case.appeal_filed_on = deadlines.as_day(data["appeal_filed_on"])
        else:
            case.appeal_outcome = "not_appealed"
        case.appeal_note = data.get("appeal_note") or ""
    else:
        case.appeal_outcome = data["appeal_outcome"]
        if data.get("appeal_outcome") == "overturned":
            case.penalty_amount = None
        elif data.get("appeal_outcome") == "changed":
            case.penalty_amount = _amount(data.get("penalty_amount"))
        if data.get("appeal_note"):
            case.appeal_note = data["appeal_note"]
    db.session.flush()
    audit.record(
        "appeal_recorded",
        actor=ctx.actor,
        instance_id=ctx.instance_id,
        business_key=ctx.business_key,
        subject=f"escalation:{case.id}",
        details={"outcome": case.appeal_outcome, "filed_on": _iso(case.appeal_filed_on)},
    )
    return {"outcome": case.appeal_outcome, "filed_on": _iso(case.appeal_filed_on)}


@services.register("resume_follow_up")
def resume_follow_up(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """After the court: the recommendation is not implemented yet, so its follow-up goes on — the
    lawyer decides the next step (a new deadline and verification, or closing with a reason)."""
    rec = _recommendation(ctx)
    rec.next_step_at = None
    rec.status, rec.updated_at = "follow_up", clock.now()
    db.session.flush()
    return {"status": rec.status}
