"""One recommendation's story as the page tells it: the audit log and the notices (from
`workflows.recommendations.queries.timeline`) merged with the documents the domain recorded — acts,
replies, extension requests, verifications, escalations — oldest first, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from engine.db import db
from engine.models import ProcessInstance
from workflows.access.views import RecommendationView
from workflows.authorities.models import Authority

from ..filters import kyiv_date
from ..forms import jsonschema_form
from ..labels import label, language, named
from ..people import actor_names
from ..tasks.kinds import form_of_element, task_label

# Engine events too small for a lawyer's reading of the story.
QUIET_EVENTS = ("draft_saved",)
ORDER = {"audit": 0, "record": 1, "notice": 2}


@dataclass
class Item:
    at: datetime
    kind: str  # audit | record | notice
    code: str  # the event, record kind or notice topic
    title: str
    actor: str = ""
    lines: list[str] = field(default_factory=list)
    delivery: str | None = None  # pending | sending | sent | failed (notices)
    error: str | None = None


def _answers(entry, instance: ProcessInstance | None) -> list[str]:
    """A completed task's answers ("Оцінка виконання: Виконано"), from the audit event's data."""
    if instance is None:
        return []
    form = form_of_element(instance.deployment_id, instance.process_id, entry.element_id)
    data = entry.details.get("data") or {}
    submitted = {**(data.get("added") or {}), **(data.get("changed") or {})}
    lines = []
    for name, prop in ((form or {}).get("properties") or {}).items():
        if name in submitted and submitted[name] not in (None, "", []):
            view = jsonschema_form.build({"properties": {name: prop}}, language=language()).fields[0]
            answer = jsonschema_form.answer(form, name, submitted[name], language())
            if view.widget == "date":
                answer = kyiv_date(answer)
            lines.append(f"{view.label}: {answer}")
    return lines


def _audit(entry, instance, names) -> Item:
    title = label("event", entry.event)
    lines: list[str] = []
    if entry.event == "task_completed":
        title = _("Completed: %(task)s", task=task_label(entry.element_id, entry.subject))
        lines = _answers(entry, instance)
    elif entry.event in ("task_claimed", "task_unclaimed"):
        title = f"{label('event', entry.event)}: {task_label(entry.element_id, entry.subject)}"
    elif entry.event == "task_reassigned":
        title = f"{label('event', entry.event)}: {task_label(entry.element_id, entry.subject)}"
        to = entry.details.get("to")
        lines = [_("To %(name)s", name=names.get(to, to or ""))]
        if entry.details.get("reason"):
            lines.append(_("Reason: %(reason)s", reason=entry.details["reason"]))
    elif entry.event == "timer_fired":
        title = _("Time reached: %(timer)s", timer=entry.subject or entry.element_id or "")
    elif entry.event == "incident":
        lines = [str(entry.details.get("message", ""))[:300]]
    elif entry.event == "instance_migrated":
        lines = [_("Version %(old)s → %(new)s", old=entry.details.get("from"), new=entry.details.get("to"))]
    elif entry.event == "instance_migration_undone":
        lines = [_("Back to version %(version)s", version=entry.details.get("back_to"))]
    elif entry.event == "follow_up_visit_check":  # what a follow-up visit found (visit planning)
        lines = [label("outcome", entry.details.get("outcome")), str(entry.details.get("found", ""))]
    return Item(entry.at, "audit", entry.event, title, names.get(entry.actor, entry.actor or ""), lines)


def _notice(entry) -> Item:
    d = entry.details
    lines = [f"{label('channel', d.get('channel'))}: {entry.subject}"]
    if d.get("attempts"):
        lines.append(_("Attempts: %(n)s", n=d["attempts"]))
    return Item(
        entry.at,
        "notice",
        entry.event,
        label("topic", entry.event),
        lines=lines,
        delivery=d.get("status"),
        error=d.get("last_error") if d.get("status") == "failed" else None,
    )


def _records(view: RecommendationView) -> list[Item]:
    items = []
    for act in view.acts:
        lines = [act.signatory]
        if act.legal_basis:
            lines.append(_("Term: %(basis)s", basis=act.legal_basis))
        if act.urgency_due_at:
            lines.append(_("Urgency request: act by %(date)s", date=kyiv_date(act.urgency_due_at)))
        if act.due_at:
            lines.insert(0, _("Reply due %(date)s", date=kyiv_date(act.due_at)))
        items.append(
            Item(
                act.sent_at,
                "record",
                "act",
                _("%(kind)s № %(number)s sent", kind=label("act_kind", act.kind), number=act.number),
                lines=lines,
            )
        )
    for r in view.receipts:
        lines = [label("receipt_kind", r.kind)]
        if r.incoming_number:
            lines.append(_("Incoming № %(number)s", number=r.incoming_number))
        if r.note:
            lines.append(r.note[:300])
        if r.started_term:
            lines.append(_("The term counts from this day."))
        items.append(
            Item(
                r.received_at,
                "record",
                "receipt",
                _("Received: %(date)s", date=kyiv_date(r.received_at)),
                lines=lines,
            )
        )
    for reply in view.replies:
        lines = [reply.text[:300]]
        if reply.attachments:
            lines.append(_("Attachments: %(names)s", names=", ".join(reply.attachments)))
        if reply.was_overdue:
            lines.append(
                ngettext(
                    "Received %(num)d day after the deadline of %(date)s.",
                    "Received %(num)d days after the deadline of %(date)s.",
                    reply.days_late or 1,
                    date=kyiv_date(reply.deadline_at),
                )
                if reply.deadline_at
                else _("Received after the deadline.")
            )
        items.append(Item(reply.received_at, "record", "reply", label("record", "reply"), lines=lines))
    for x in view.extensions:
        items.append(
            Item(
                x.requested_at,
                "record",
                "extension",
                _("Extension requested until %(date)s", date=kyiv_date(x.requested_until)),
                lines=[x.reason[:300]],
            )
        )
        if x.decided_at:
            lines = [x.decision_note[:300]] if x.decision_note else []
            if x.new_due_at:
                lines.insert(0, _("New deadline %(date)s", date=kyiv_date(x.new_due_at)))
            items.append(
                Item(
                    x.decided_at, "record", "extension", label("extension_decision", x.decision), lines=lines
                )
            )
    for v in view.verifications:
        title = f"{label('record', 'verification')}: {label('outcome', v.outcome)}"
        lines = [label("verification_method", v.method)] + ([v.note[:300]] if v.note else [])
        items.append(Item(v.verified_at, "record", "verification", title, lines=lines))
    for e in view.escalations:
        lines = [e.reason[:300]] if e.reason else []
        if e.target_authority_id and e.kind == "superior_authority":
            lines.insert(0, named(db.session.get(Authority, e.target_authority_id)))
        if e.due_at:
            lines.append(_("Reply due %(date)s", date=kyiv_date(e.due_at)))
        items.append(
            Item(e.created_at, "record", "escalation", label("escalation_kind", e.kind), lines=lines)
        )
    return items


def items(view: RecommendationView, instance: ProcessInstance | None) -> list[Item]:
    """The story as `view` may read it: the Office's whole log for insiders; for an authority the
    records of its own exchange and the notices it was sent."""
    entries = [e for e in view.history if e.event not in QUIET_EVENTS]
    if not view.insider:
        entries = [e for e in entries if e.kind == "notice"]
    names = (
        actor_names(
            [e.actor for e in entries]
            + [e.details.get("to") for e in entries if e.event == "task_reassigned"]
        )
        if view.show_people
        else {}
    )
    out = [_audit(e, instance, names) if e.kind == "audit" else _notice(e) for e in entries]
    out += _records(view)
    out.sort(key=lambda item: (item.at, ORDER[item.kind]))
    return out
