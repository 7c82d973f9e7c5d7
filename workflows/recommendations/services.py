"""Creating a recommendation starts its process: one transaction, one instance, nothing forgotten."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from engine import audit, instances
from engine.clock import clock
from engine.db import db

from ..access import CREATE_RECOMMENDATION, can, may_see_visit
from ..authorities.models import Authority
from ..deadlines import kyiv_date
from ..errors import Forbidden, Invalid
from ..numbering import recommendation_number
from ..users.models import User
from ..visits.models import FINDING_CATEGORIES, SEVERITIES, Finding
from .models import Recommendation

PROCESS_ID = "recommendation"


def start_data(rec: Recommendation) -> dict[str, Any]:
    """What the standard process starts with. Optional fields are present as None so that diagram
    expressions (`next_hearing_date if next_hearing_date else …`) never meet an undefined name."""
    return {
        "recommendation_id": rec.id,
        "authority_id": rec.authority_id,
        "addressee_id": rec.addressee_id,
        "facility_id": rec.facility_id,
        "severity": rec.severity,
        "category": rec.category,
        "lawyer_id": rec.responsible_lawyer_id,
        "outcome": None,
        "follow_up_date": None,
        "next_hearing_date": None,
        "new_due_date": None,
        "extension_until": None,
        "court_note": "",
        "assessment_note": "",
        "decision_reason": "",
        # The deadline watch: set when the act is sent and on receipt.
        "reply_due_at": None,
        "urgency_due_at": None,
        "receipt_pending": False,
        "alarms_done": [],
        "escalations": 0,
        "work_stage": "decide",
        "work_exit": None,
    }


def create(
    *, finding_id: int, authority_id: int, text: str, severity: str, category: str, user: User
) -> Recommendation:
    if not can(user, CREATE_RECOMMENDATION):
        raise Forbidden(_("Your role may not create recommendations."))
    errors: dict[str, list[str]] = {}
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        errors["finding_id"] = [_("The finding does not exist.")]
    elif not may_see_visit(user, finding.visit):
        raise Forbidden(_("You may not add recommendations to this visit."))
    authority = db.session.get(Authority, authority_id)
    if authority is None or not authority.active:
        errors["authority_id"] = [_("The authority does not exist.")]
    if len((text or "").strip()) < 10:
        errors["text"] = [_("Write the recommendation in at least 10 characters.")]
    if severity not in SEVERITIES:
        errors["severity"] = [_("Unknown severity.")]
    if category not in FINDING_CATEGORIES:
        errors["category"] = [_("Unknown category.")]
    if errors:
        raise Invalid(_("The recommendation was not created."), errors)
    now = clock.now()
    facility = finding.visit.facility
    rec = Recommendation(
        number=recommendation_number(kyiv_date(now).year),
        finding_id=finding.id,
        authority_id=authority.id,
        addressee_id=authority.id,
        facility_id=facility.id,
        region_code=facility.region_code,
        facility_kind=facility.kind_code,
        text=text.strip(),
        search_text=text.strip().casefold(),
        severity=severity,
        category=category,
        status="draft",
        responsible_lawyer_id=user.id if user.role == "lawyer" else None,
        created_by=user.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(rec)
    db.session.flush()
    audit.record(
        "recommendation_created",
        actor=user.actor,
        business_key=rec.business_key,
        subject=rec.number,
        details={"authority": authority.code, "severity": severity},
    )
    result = instances.start(
        PROCESS_ID, data=start_data(rec), business_key=rec.business_key, actor=user.actor
    )
    rec.process_instance_id = result.instance_id
    db.session.flush()
    return rec
