"""The Office's words for the codes the domain stores: statuses, severities, roles, kinds, events.

Codes stay English in the database and the API; the pages say them in the user's language through
the catalog (web/translations). Unknown codes are shown as they are rather than hidden.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l

from workflows.documents import kinds as document_kinds
from workflows.users.models import ROLE_LABELS

STATUS = {
    "draft": _l("Draft"),
    "awaiting_receipt": _l("Sent, awaiting receipt"),
    "awaiting_reply": _l("Awaiting reply"),
    "reply_overdue": _l("Reply overdue"),
    "under_verification": _l("Under verification"),
    "follow_up": _l("Follow-up verification"),
    "escalated": _l("Escalated to the superior authority"),
    "in_court": _l("In court"),
    "implemented": _l("Implemented"),
    "closed": _l("Closed"),
}

SEVERITY = {
    "critical": _l("Critical"),
    "high": _l("High"),
    "medium": _l("Medium"),
    "low": _l("Low"),
}

CATEGORY = {
    "treatment": _l("Treatment"),
    "material_conditions": _l("Material conditions"),
    "health_care": _l("Health care"),
    "legal_safeguards": _l("Legal safeguards"),
    "contact_with_outside_world": _l("Contact with the outside world"),
    "regime_and_activities": _l("Regime and activities"),
    "staff": _l("Staff"),
    "other": _l("Other"),
}

ROLE = ROLE_LABELS

VISIT_KIND = {
    "regular": _l("Regular visit"),
    "follow_up": _l("Follow-up visit"),
    "ad_hoc": _l("Ad hoc visit"),
}

MEMBER_ROLE = {
    "head": _l("Head of the group"),
    "staff": _l("Staff of the Office"),
    "monitor": _l("Civil-society monitor"),
    "expert": _l("Expert"),
    "interpreter": _l("Interpreter"),
}

ACT_KIND = {
    "submission": _l("Submission"),
    "information_request": _l("Request for information"),
    "letter": _l("Letter"),
}

OUTCOME = {
    "implemented": _l("Implemented"),
    "partially_implemented": _l("Partly implemented"),
    "not_implemented": _l("Not implemented"),
    "no_longer_relevant": _l("No longer relevant"),
    "closed": _l("Closed"),
}

ESCALATION_KIND = {
    "repeat_request": _l("Repeat request"),
    "superior_authority": _l("Escalation to the superior authority"),
    "protocol": _l("Administrative-offence protocol (Art. 188-40)"),
    "court": _l("Court case"),
}

VERIFICATION_METHOD = {
    "documents": _l("Documents"),
    "follow_up_visit": _l("Follow-up visit"),
    "interview": _l("Interview"),
}

EXTENSION_DECISION = {
    "granted": _l("Extension granted"),
    "refused": _l("Extension refused"),
    None: _l("Awaiting decision"),
}

COURT_DECISION = {
    "offender_liable": _l("Penalty imposed"),
    "closed_limitation": _l("Closed: the limitation period ran out"),
    "closed_no_offence": _l("Closed: no offence"),
    "returned_for_revision": _l("Protocol returned for rework"),
    "other": _l("Other"),  # recorded before the kinds of issue 15
}

APPEAL_OUTCOME = {
    "not_appealed": _l("Not appealed: the decision took effect"),
    "upheld": _l("Appeal: decision upheld"),
    "overturned": _l("Appeal: decision overturned"),
    "changed": _l("Appeal: decision changed"),
    None: _l("Appeal window open"),
}

DELIVERY = {
    "pending": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Not delivered"),
}

CHANNEL = {"email": _l("E-mail"), "webhook": _l("Webhook")}

# Notices by topic (workflows/notices/topics.py); webhook events carry the domain's event names.
TOPIC = {
    "act_sent": _l("Act of response sent"),
    "reminder": _l("Reminder"),
    "urgency_reminder": _l("Reminder of the urgency request"),
    "overdue": _l("Overdue notice"),
    "repeat_request": _l("Repeat request"),
    "escalation": _l("Letter to the superior authority"),
    "protocol_notice": _l("Notice of the administrative-offence protocol"),
    "extension_receipt": _l("Receipt of the extension request"),
    "extension_decision": _l("Decision on the extension request"),
    "reply_receipt": _l("Receipt of the reply"),
    "closed": _l("Notice of closing"),
    "digest": _l("Daily digest"),
    "document_sent": _l("Document sent"),
    "reply_received": _l("Reply received"),
    "escalated": _l("Escalated"),
}

EVENT = {
    "recommendation_created": _l("Recommendation created"),
    "instance_started": _l("Process started"),
    "instance_completed": _l("Process finished"),
    "instance_cancelled": _l("Process cancelled"),
    "task_completed": _l("Task completed"),
    "task_claimed": _l("Task claimed"),
    "task_unclaimed": _l("Task returned to the queue"),
    "task_reassigned": _l("Task handed over"),
    "draft_saved": _l("Draft saved"),
    "timer_fired": _l("Deadline or reminder time reached"),
    "message_received": _l("Message received"),
    "incident": _l("Failure in the process"),
    "incident_resolved": _l("Failure resolved"),
    "notification_retried": _l("Delivery retried"),
    "instance_migrated": _l("Process moved to a new version"),
    "instance_migration_undone": _l("Process moved back to its earlier version"),
    "document_drafted": _l("Document drafted"),
    "document_edited": _l("Draft edited"),
    "document_submitted": _l("Submitted for approval"),
    "document_returned": _l("Returned for rework"),
    "document_approved": _l("Approved and registered"),
    "document_sent": _l("Document sent"),
    "document_received": _l("Receipt recorded"),
    "document_cancelled": _l("Document cancelled"),
    "permission_granted": _l("Permission granted"),
    "permission_revoked": _l("Permission revoked"),
    "calendar_day_set": _l("Calendar day changed"),
    "calendar_day_removed": _l("Calendar day removed"),
    "calendar_martial_law_set": _l("Martial-law switch changed"),
    "calendar_seeded": _l("Calendar holidays added"),
    "recommendation_published": _l("Published on the transparency page"),
    "recommendation_unpublished": _l("Withdrawn from the transparency page"),
    "observation_added": _l("Monitor's observation added"),
    "observation_published": _l("Monitor's observation published"),
    "observation_unpublished": _l("Monitor's observation no longer public"),
}

PERMISSION = {
    "sign_documents": _l("Signs documents"),
    "draw_protocols": _l("Draws up protocols"),
}

RECEIPT_KIND = {
    "email": _l("e-mail accepted by the recipient's server"),
    "link": _l("reply link opened"),
    "paper": _l("paper post, registered by a lawyer"),
    "reply": _l("proved by the reply"),
}

CALENDAR_KIND = {
    "holiday": _l("Public holiday"),
    "day_off": _l("Day off"),
    "working_day": _l("Working day (on a weekend)"),
}

# Timeline entries that are the domain's own records rather than audit events.
RECORD = {
    "act": _l("Act of response"),
    "reply": _l("Authority reply"),
    "extension": _l("Extension request"),
    "receipt": _l("Receipt"),
    "verification": _l("Verification of implementation"),
    "escalation": _l("Escalation"),
}

# --- visit planning (issue 19) ---------------------------------------------------------------------

PLAN_STATUS = {
    "draft": _l("Draft"),
    "in_approval": _l("Waiting for approval"),
    "returned": _l("Returned for revision"),
    "approved": lazy_pgettext("plan", "Approved"),
}

PLANNED_STATUS = {
    "planned": _l("Planned"),
    "pending": _l("Waiting for approval of the amendment"),
    "done": _l("Took place"),
    "cancelled": _l("Cancelled"),
    "rejected": _l("Amendment rejected"),
}

GROUP_STATUS = {
    "none": _l("No group yet"),
    "proposed": _l("Waiting for the leader's approval"),
    "approved": _l("Approved by the leader"),
}

GROUP_ROLE = {
    "head": _l("Head of the group"),
    "staff": _l("Staff of the Office"),
    "monitor": _l("Civil-society monitor"),
    "expert": _l("Expert"),
}

AMENDMENT_KIND = {
    "add_visit": _l("Visit added"),
    "cancel_visit": _l("Visit cancelled"),
    "reschedule": _l("Visit rescheduled"),
    "change_visit": _l("Visit changed"),
    "change_group": _l("Group changed"),
}

AMENDMENT_STATUS = {
    "applied": _l("In force"),
    "pending": _l("Waiting for approval"),
    "approved": lazy_pgettext("plan", "Approved"),
    "rejected": _l("Rejected"),
}

EXPERTISE = {
    "lawyer": _l("Lawyer"),
    "doctor": _l("Doctor"),
    "psychiatrist": _l("Psychiatrist"),
    "psychologist": _l("Psychologist"),
    "child_rights": _l("Child-rights specialist"),
    "gender": _l("Gender specialist"),
    "military": _l("Military specialist"),
}

MONITOR_KIND = {"staff": _l("Staff of the Office"), "civil_society": _l("Civil-society monitor")}

RISK_LEVEL = {"high": _l("High risk"), "medium": _l("Medium risk"), "low": _l("Low risk")}

PLAN_REASON = {
    "oblast": _l("Coverage of the oblast"),
    "kind": _l("Coverage of the kind of place"),
    "not_visited": _l("Not visited for years"),
    "risk": _l("Risk ranking"),
    "follow_up": _l("Recommendations to check"),
}

SIGNAL_KIND = {
    "complaint": _l("Complaint"),
    "media_report": _l("Media report"),
    "lawyer_report": _l("Report of a lawyer or an NGO"),
    "other": _l("Other signal"),
}

EXPENSE_KIND = {
    "travel": _l("Travel"),
    "accommodation": _l("Accommodation"),
    "per_diem": _l("Per diem"),
    "other": _l("Other expenses"),
}

EXPENSE_STATUS = {"to_reimburse": _l("To reimburse"), "reimbursed": _l("Reimbursed")}

COST_RATE = {
    "per_diem": _l("Per diem, per person and day"),
    "accommodation": _l("Accommodation, per person and night"),
    "travel_regional": _l("Travel within a regional office's oblast, per person"),
    "travel_interregional": _l("Travel from Kyiv or another oblast, per person"),
}

AUTHORITY_LEVEL = {
    "central_body": _l("Central body"),
    "regional_body": _l("Regional body"),
    "facility_administration": _l("Administration of a place"),
}

EVENT.update(
    {
        "visit_plan_created": _l("Plan created"),
        "visit_plan_drafted": _l("Plan drafted from the risk ranking"),
        "visit_plan_submitted": _l("Plan submitted for approval"),
        "visit_plan_returned": _l("Plan returned for revision"),
        "visit_plan_resubmitted": _l("Plan submitted again"),
        "visit_plan_approved": _l("Plan approved"),
        "planned_visit_added": _l("Visit added to the plan"),
        "planned_visit_changed": _l("Planned visit changed"),
        "planned_visit_removed": _l("Visit taken out of the plan"),
        "planned_visit_group_set": _l("Monitoring group set"),
        "planned_visit_group_approved": _l("Group approved by its leader"),
        "planned_visit_done": _l("Planned visit took place"),
        "plan_amended": _l("Amendment to the plan"),
        "plan_amendment_approved": _l("Amendment approved"),
        "plan_amendment_rejected": _l("Amendment rejected"),
        "plan_amendment_failed": _l("Amendment could not be applied"),
        "plan_budget_set": _l("Budget set"),
        "safety_check_completed": _l("Safety check completed"),
        "expense_recorded": _l("Expense recorded"),
        "expense_reimbursed": _l("Expense reimbursed"),
        "follow_up_visit_check": _l("Checked on a follow-up visit"),
    }
)

TABLES = {
    "status": STATUS,
    "severity": SEVERITY,
    "category": CATEGORY,
    "role": ROLE,
    "visit_kind": VISIT_KIND,
    "member_role": MEMBER_ROLE,
    "act_kind": ACT_KIND,
    "outcome": OUTCOME,
    "escalation_kind": ESCALATION_KIND,
    "verification_method": VERIFICATION_METHOD,
    "extension_decision": EXTENSION_DECISION,
    "court_decision": COURT_DECISION,
    "appeal_outcome": APPEAL_OUTCOME,
    "delivery": DELIVERY,
    "channel": CHANNEL,
    "topic": TOPIC,
    "event": EVENT,
    "record": RECORD,
    # The domain's own words for documents (workflows/documents/kinds.py), not copies.
    "document_kind": document_kinds.TITLES,
    "document_status": document_kinds.STATUS_LABELS,
    "receipt": document_kinds.RECEIPT_LABELS,
    "permission": PERMISSION,
    "receipt_kind": RECEIPT_KIND,
    "calendar_kind": CALENDAR_KIND,
    "plan_status": PLAN_STATUS,
    "planned_status": PLANNED_STATUS,
    "group_status": GROUP_STATUS,
    "group_role": GROUP_ROLE,
    "amendment_kind": AMENDMENT_KIND,
    "amendment_status": AMENDMENT_STATUS,
    "expertise": EXPERTISE,
    "monitor_kind": MONITOR_KIND,
    "risk_level": RISK_LEVEL,
    "plan_reason": PLAN_REASON,
    "signal_kind": SIGNAL_KIND,
    "expense_kind": EXPENSE_KIND,
    "expense_status": EXPENSE_STATUS,
    "cost_rate": COST_RATE,
    "authority_level": AUTHORITY_LEVEL,
}


def label(table: str, code) -> str:
    """`label("status", "draft")` -> "Чернетка"; an unknown code is returned as it is."""
    value = TABLES[table].get(code)
    return str(value) if value is not None else ("" if code is None else str(code))


def choices(table: str) -> list[tuple[str, str]]:
    return [(code, str(text)) for code, text in TABLES[table].items() if code is not None]


def language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "uk"


def named(obj) -> str:
    """A registry row's name (authority, facility, region, kind) in the user's language."""
    if obj is None:
        return ""
    if hasattr(obj, "name") and callable(obj.name):
        return obj.name(language())
    if language() == "en" and getattr(obj, "name_en", None):
        return obj.name_en
    return obj.name_uk


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(label=label, choices=choices, named=named, language=language)
