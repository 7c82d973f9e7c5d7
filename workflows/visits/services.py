"""Recording monitoring visits, their groups and findings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..access import RECORD_VISITS, can, may_see_visit
from ..deadlines import kyiv_date
from ..errors import Forbidden, Invalid, NotFound
from ..escalations import obstructions
from ..facilities.models import Facility
from ..users.models import User
from .models import FINDING_CATEGORIES, MEMBER_ROLES, SEVERITIES, VISIT_KINDS, Finding, Visit, VisitMember


def get(visit_id: int, user: User) -> Visit:
    visit = db.session.get(Visit, visit_id)
    # A visit the viewer may not see answers exactly as a missing one: ids cannot be probed.
    if visit is None or not may_see_visit(user, visit):
        raise NotFound(_("Visit %(id)s does not exist.", id=visit_id))
    return visit


def create(
    *,
    facility_id: int,
    kind: str,
    starts_on: date,
    ends_on: date,
    access_problems: str = "",
    members: list[dict[str, Any]] | None = None,
    user: User,
) -> Visit:
    if not can(user, RECORD_VISITS):
        raise Forbidden(_("Your role may not record visits."))
    errors: dict[str, list[str]] = {}
    if db.session.get(Facility, facility_id) is None:
        errors["facility_id"] = [_("The facility does not exist.")]
    if kind not in VISIT_KINDS:
        errors["kind"] = [_("Unknown kind of visit.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The visit cannot end before it starts.")]
    if starts_on > kyiv_date(clock.now()) + timedelta(days=1):
        errors["starts_on"] = [_("A visit is recorded after it took place.")]
    for i, member in enumerate(members or []):
        if not (member.get("name") or "").strip():
            errors[f"members.{i}.name"] = [_("Enter the member's name.")]
        if member.get("role") not in MEMBER_ROLES:
            errors[f"members.{i}.role"] = [_("Unknown role in the monitoring group.")]
        if member.get("user_id") and db.session.get(User, member["user_id"]) is None:
            errors[f"members.{i}.user_id"] = [_("No such user.")]
    if errors:
        raise Invalid(_("The visit was not saved."), errors)
    visit = Visit(
        facility_id=facility_id,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        access_problems=access_problems or "",
        created_by=user.id,
        created_at=clock.now(),
    )
    for member in members or []:
        visit.members.append(
            VisitMember(name=member["name"].strip(), role=member["role"], user_id=member.get("user_id"))
        )
    db.session.add(visit)
    db.session.flush()
    audit.record(
        "visit_recorded",
        actor=user.actor,
        subject=f"visit:{visit.id}",
        details={"facility_id": facility_id, "kind": kind, "members": len(visit.members)},
    )
    # An obstruction of access is itself an offence (ст. 188-40 КУпАП): a lawyer decides on a protocol.
    obstructions.open_for_visit(visit, actor=user.actor)
    return visit


def add_finding(
    visit: Visit, *, text: str, category: str, severity: str, evidence: list[str] | None = None, user: User
) -> Finding:
    if not can(user, RECORD_VISITS) or not may_see_visit(user, visit):
        raise Forbidden(_("You may not add findings to this visit."))
    errors: dict[str, list[str]] = {}
    if len((text or "").strip()) < 10:
        errors["text"] = [_("Describe the finding in at least 10 characters.")]
    if category not in FINDING_CATEGORIES:
        errors["category"] = [_("Unknown category.")]
    if severity not in SEVERITIES:
        errors["severity"] = [_("Unknown severity.")]
    if errors:
        raise Invalid(_("The finding was not saved."), errors)
    finding = Finding(
        visit_id=visit.id,
        text=text.strip(),
        category=category,
        severity=severity,
        evidence=[e.strip() for e in (evidence or []) if e and e.strip()],
        created_by=user.id,
        created_at=clock.now(),
    )
    db.session.add(finding)
    db.session.flush()
    audit.record(
        "finding_recorded",
        actor=user.actor,
        subject=f"finding:{finding.id}",
        details={"visit_id": visit.id, "category": category, "severity": severity},
    )
    return finding
