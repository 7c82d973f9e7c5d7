"""The contract between the domain and the e-mail templates: which topics exist and what each payload holds.

The domain enqueues e-mail with `engine.outbox.enqueue(channel="email", topic=…, recipient=<address>,
language="uk"|"en", payload=…, instance_id=…, business_key=…, dedupe_key=…)`. Texts in the payload
(facility, authority, act text) are already in the recipient's language; times are ISO 8601 UTC
strings ("2026-12-23T07:00:00Z"), dates ISO dates ("2026-11-23").

Common keys (every topic but `digest`):
    recommendation: {id, number ("Р-2026-0007"), text, severity (critical|high|medium|low),
                     category (a finding category code such as material_conditions, shown with its
                     label; any other text is shown as is), url (the lawyers' page; shown to lawyers)}
    facility:       {name, kind, oblast}
    authority:      {name, code}
    due_at:         ISO UTC or null          the statutory deadline in force (optional)
    legal_basis:    text or null             the law that gives it, in the recipient's language
    urgency_due_at: ISO UTC or null          a date asked for on critical findings: a request,
                                             never a legal term (optional)
    lawyer:         {name, email} or null    (optional, default null)

Topics, who receives them, and their own keys:
    act_sent           authority      act: {kind (submission|information_request|letter), number,
                                      date, signatory, text, statutory_period (ISO period or
                                      null), legal_basis, urgency_due_at}, reply_url. The act goes
                                      along as a PDF (in `attachments`, see below). The statutory
                                      deadline is not known yet: it counts from the receipt, so the
                                      letter states the term. recommendations: [{id, number,
                                      text, severity, category}] (optional): every recommendation
                                      the act's document covers — a grouped submission goes out
                                      in ONE e-mail naming each; reply_url is then the document's
                                      own signed link (workflows/answers/links.py).
    reminder           authority      days_left (int), reply_url
    urgency_reminder   authority      days_left (int) before urgency_due_at, reply_url
    overdue            authority, and days_overdue (int), reply_url (authority's row only: a row
                       the lawyer      without it is the lawyer's notice)
    repeat_request     authority      escalation: {kind, reason}, subordinate: {name}, reply_url
    escalation         superior       escalation: {kind (superior_authority), reason,
                       authority      statutory_period, legal_basis}, subordinate: {name},
                                      reply_url (its term counts from its receipt)
    protocol_notice    authority      escalation: {kind (protocol), reason, protocol_number,
                                      protocol_date, court}, subordinate: {name}, reply_url
    reply_receipt      authority      reply: {received_at (ISO UTC), deadline_at, days_late}
    extension_receipt  authority      extension: {requested_until (date), requested_at,
                                      current_due_at}, reply_url
    extension_decision authority      extension: {decision (granted|refused), requested_until,
                                      previous_due_at, new_due_at, grace (bool), note}, reply_url
    closed             authority      outcome (workflows.recommendations.models.OUTCOMES), reason,
                                      document {id, kind, number, date} and the closing notice's PDF
    digest             lawyer (daily) lawyer: {name, email}, due_soon: [{task, recommendation_number,
                                      facility, due_at, url}], overdue: [same], inbox_url
    alert              manager        manager: {name}, alert: {id, description (in the recipient's
                                      language), count, threshold, url (the list counted)}

Any topic, besides:
    attachments    [{sha256, filename, content_type}]: stored files sent along (attachments.py)
    message        {subject, text, html (optional)}: a message the sender wrote in full, in the
                   recipient's language; sent as it is, without a template (e.g. topic
                   `document_sent`, the covering note of an outgoing document)

A payload that breaks the contract fails its row at once with a message naming the missing key: a
retry cannot fix it, a code change can.
"""

from __future__ import annotations

from typing import Any

from notifications.errors import PayloadError
from notifications.rendering import language_of

from ..escalations.models import KINDS as ESCALATION_KINDS
from ..recommendations.models import ACT_KINDS, OUTCOMES
from ..visits.models import SEVERITIES

__all__ = ["TOPICS", "PayloadError", "checked_payload", "language_of"]

COMMON_REQUIRED = (
    "recommendation.id",
    "recommendation.number",
    "recommendation.text",
    "recommendation.severity",
    "recommendation.category",
    "recommendation.url",
    "facility.name",
    "facility.kind",
    "facility.oblast",
    "authority.name",
    "authority.code",
)
COMMON_OPTIONAL = ("due_at", "legal_basis", "urgency_due_at", "lawyer")

TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "act_sent": {
        "required": ("act.kind", "act.number", "act.date", "act.signatory", "act.text", "reply_url"),
        "optional": ("recommendations",),
        "optional_nested": ("act.statutory_period", "act.legal_basis", "act.urgency_due_at"),
    },
    "reminder": {"required": ("days_left", "reply_url")},
    "urgency_reminder": {"required": ("days_left", "reply_url")},
    "overdue": {"required": ("days_overdue",), "optional": ("reply_url",)},
    "repeat_request": {"required": ("escalation.kind", "escalation.reason", "subordinate.name", "reply_url")},
    "escalation": {
        "required": ("escalation.kind", "escalation.reason", "subordinate.name", "reply_url"),
        "optional_nested": ("escalation.statutory_period", "escalation.legal_basis"),
    },
    "protocol_notice": {
        "required": (
            "escalation.kind",
            "escalation.protocol_number",
            "escalation.protocol_date",
            "escalation.court",
            "subordinate.name",
        ),
        "optional": ("reply_url",),
        "optional_nested": ("escalation.reason",),
    },
    "reply_receipt": {
        "required": ("reply.received_at",),
        "optional_nested": ("reply.deadline_at", "reply.days_late"),
    },
    "extension_receipt": {
        "required": ("extension.requested_until", "extension.requested_at", "reply_url"),
        "optional_nested": ("extension.current_due_at",),
    },
    "extension_decision": {
        "required": ("extension.decision", "extension.requested_until", "reply_url"),
        "optional_nested": (
            "extension.previous_due_at",
            "extension.new_due_at",
            "extension.grace",
            "extension.note",
        ),
    },
    "closed": {"required": ("outcome", "reason")},
    "digest": {"required": ("lawyer.name", "lawyer.email", "due_soon", "overdue", "inbox_url"), "common": ()},
    "alert": {
        "required": ("manager.name", "alert.description", "alert.count", "alert.threshold", "alert.url"),
        "common": (),
    },
}

# Allowed values are the domain's own enums, never copies (a copy here once drifted: outcome `closed`).
CHOICES = {
    "recommendation.severity": SEVERITIES,
    "act.kind": ACT_KINDS,
    "escalation.kind": ESCALATION_KINDS,
    "extension.decision": ("granted", "refused"),
    "outcome": OUTCOMES,
}


def checked_payload(topic: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with optional keys filled in, or PayloadError naming what is missing or wrong."""
    spec = TOPICS.get(topic)
    if spec is None:
        raise PayloadError(f"no e-mail template for topic {topic!r} (known: {', '.join(TOPICS)})")
    if not isinstance(payload, dict):
        raise PayloadError(f"payload of {topic!r} must be a JSON object")
    common = spec.get("common", COMMON_REQUIRED)
    missing = [path for path in (*common, *spec["required"]) if _lookup(payload, path) is _MISSING]
    if missing:
        raise PayloadError(f"payload of {topic!r} lacks {', '.join(missing)}")
    for path, allowed in CHOICES.items():
        value = _lookup(payload, path)
        if value is not _MISSING and value not in allowed:
            raise PayloadError(
                f"payload of {topic!r}: {path} is {value!r}, expected one of {', '.join(allowed)}"
            )
    checked = dict(payload)
    optional = (COMMON_OPTIONAL if "common" not in spec else ()) + spec.get("optional", ())
    for key in optional:
        checked.setdefault(key, None)
    for path in spec.get("optional_nested", ()):
        parent, _sep, key = path.rpartition(".")
        holder = checked.get(parent)
        if isinstance(holder, dict) and key not in holder:
            checked[parent] = {**holder, key: None}
    return checked


_MISSING = object()


def _lookup(payload: dict[str, Any], path: str) -> Any:
    value: Any = payload
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value or value[part] is None:
            return _MISSING
        value = value[part]
    return value
