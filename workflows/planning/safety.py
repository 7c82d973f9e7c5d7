"""Безпекова перевірка перед візитом до місця в районі бойових дій.

A visit to a place flagged as lying in an area of hostilities cannot start (become a visit record)
until the safety check of that planned visit is complete: coordination with the regional military
administration (and whom), a shelter on site, communication, and an evacuation route. The situation
changes quickly, so a check holds for `OMBUDSFLOW_SAFETY_CHECK_DAYS` days (7 by default): an older
one is done again.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..deadlines import kyiv_date
from ..errors import Conflict, Forbidden, Invalid
from ..users.models import User
from .models import PlannedVisit, SafetyCheck


def required(visit: PlannedVisit) -> bool:
    return bool(visit.facility.in_hostilities_area)


def valid_days() -> int:
    return int(current_app.config.get("OMBUDSFLOW_SAFETY_CHECK_DAYS", 7))


def is_valid(visit: PlannedVisit, on: date | None = None) -> bool:
    """Whether the visit may start on `on` (today by default) as far as safety goes."""
    if not required(visit):
        return True
    check = visit.safety_check
    if check is None:
        return False
    on = on or kyiv_date(clock.now())
    done_on = kyiv_date(check.completed_at)
    return done_on <= on and on - done_on <= timedelta(days=valid_days())


def expires_on(visit: PlannedVisit) -> date | None:
    check = visit.safety_check
    return kyiv_date(check.completed_at) + timedelta(days=valid_days()) if check else None


def complete(
    visit: PlannedVisit,
    *,
    military_coordination: bool,
    military_contact: str,
    shelter: bool,
    shelter_note: str,
    communication: bool,
    communication_note: str,
    evacuation_route: str,
    user: User,
) -> SafetyCheck:
    """Record the safety check; every item must be confirmed and described."""
    from .. import access

    if not access.can(user, access.PLAN_EDIT) and not any(
        m.monitor.user_id == user.id for m in visit.members
    ):
        raise Forbidden(_("Only the Office's staff or the group complete the safety check."))
    if not required(visit):
        raise Conflict(_("This place is not in an area of hostilities: no safety check is needed."))
    if visit.status not in ("planned",):
        raise Conflict(_("The safety check is done for a planned visit before it starts."))
    errors: dict[str, list[str]] = {}
    if not military_coordination:
        errors["military_coordination"] = [_("Coordinate the visit with the military administration first.")]
    if len((military_contact or "").strip()) < 3:
        errors["military_contact"] = [_("Say with whom the visit was coordinated (name, position, contact).")]
    if not shelter:
        errors["shelter"] = [_("Confirm that there is a shelter on site or nearby.")]
    if len((shelter_note or "").strip()) < 3:
        errors["shelter_note"] = [_("Say where the shelter is.")]
    if not communication:
        errors["communication"] = [_("Confirm the group's means of communication.")]
    if len((communication_note or "").strip()) < 3:
        errors["communication_note"] = [
            _("Say how the group stays in contact (phones, radio, check-in times).")
        ]
    if len((evacuation_route or "").strip()) < 10:
        errors["evacuation_route"] = [_("Describe the evacuation route (at least 10 characters).")]
    if errors:
        raise Invalid(_("The safety check is not complete."), errors)
    check = visit.safety_check or SafetyCheck(planned_visit_id=visit.id)
    check.military_coordination, check.military_contact = True, military_contact.strip()[:500]
    check.shelter, check.shelter_note = True, shelter_note.strip()[:1000]
    check.communication, check.communication_note = True, communication_note.strip()[:1000]
    check.evacuation_route = evacuation_route.strip()
    check.completed_at, check.completed_by = clock.now(), user.actor
    if visit.safety_check is None:
        visit.safety_check = check
    db.session.flush()
    audit.record(
        "safety_check_completed",
        actor=user.actor,
        business_key=visit.plan.business_key,
        subject=f"planned_visit:{visit.id}",
        details={"facility_id": visit.facility_id, "military_contact": check.military_contact},
    )
    return check
