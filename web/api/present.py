"""Turning domain rows into the plain dicts the API schemas dump (names in the caller's language)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale

from engine.clock import clock
from workflows.recommendations import queries
from workflows.recommendations.models import Recommendation


def language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "uk"


def named(obj) -> str:
    return obj.name(language()) if obj is not None else ""


def authority(a) -> dict[str, Any]:
    return {
        "id": a.id,
        "code": a.code,
        "name": named(a),
        "name_uk": a.name_uk,
        "name_en": a.name_en,
        "level": a.level,
        "parent_id": a.parent_id,
        "emails": list(a.emails or []),
        "language": a.language,
    }


def ref(obj, code: str | None = None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {
        "id": obj.id,
        "code": code if code is not None else getattr(obj, "code", None),
        "name": named(obj),
    }


def facility(f) -> dict[str, Any]:
    en = language() == "en"
    return {
        "id": f.id,
        "name": named(f),
        "name_uk": f.name_uk,
        "name_en": f.name_en,
        "kind_code": f.kind_code,
        "kind_name": f.kind.name_en if en else f.kind.name_uk,
        "region_code": f.region_code,
        "region_name": f.region.name_en if en else f.region.name_uk,
        "address": f.address,
        "authority_id": f.authority_id,
        "in_hostilities_area": f.in_hostilities_area,
        "access_note": f.access_note,
        "code": f.code,
        "district": f.district,
        "capacity": f.capacity,
        "access_suspended": f.access_suspended,
    }


def finding(f) -> dict[str, Any]:
    import sqlalchemy as sa

    from engine.db import db

    ids = db.session.scalars(sa.select(Recommendation.id).where(Recommendation.finding_id == f.id)).all()
    return {
        "id": f.id,
        "visit_id": f.visit_id,
        "text": f.text,
        "category": f.category,
        "severity": f.severity,
        "evidence": list(f.evidence or []),
        "created_at": f.created_at,
        "recommendation_ids": list(ids),
    }


def visit(v) -> dict[str, Any]:
    return {
        "id": v.id,
        "facility_id": v.facility_id,
        "facility_name": named(v.facility),
        "kind": v.kind,
        "starts_on": v.starts_on,
        "ends_on": v.ends_on,
        "access_problems": v.access_problems,
        "members": [{"name": m.name, "role": m.role, "user_id": m.user_id} for m in v.members],
        "findings": [finding(f) for f in v.findings],
        "created_at": v.created_at,
        "created_by": v.created_by,
    }


def task_summary(t, now=None) -> dict[str, Any]:
    now = now or clock.now()
    return {
        "id": t.id,
        "name": t.name,
        "element_id": t.element_id,
        "role": t.role,
        "candidate_group": t.candidate_group,
        "assignee": t.assignee,
        "due_at": t.due_at,
        "overdue": bool(t.due_at and t.due_at < now and t.status == "open"),
        "version": t.version,
    }


def recommendation(rec: Recommendation, now=None) -> dict[str, Any]:
    now = now or clock.now()
    return {
        "id": rec.id,
        "number": rec.number,
        "text": rec.text,
        "severity": rec.severity,
        "category": rec.category,
        "status": rec.status,
        "due_at": rec.due_at,
        "overdue": queries.is_overdue(rec, now),
        "overdue_since": rec.overdue_since,
        "authority": ref(rec.authority),
        "addressee": ref(rec.addressee),
        "facility": ref(rec.facility, code=rec.facility.kind_code),
        "region": rec.region_code,
        "finding_id": rec.finding_id,
        "outcome": rec.outcome,
        "close_reason": rec.close_reason,
        "process_instance_id": rec.process_instance_id,
        "created_at": rec.created_at,
        "updated_at": rec.updated_at,
        "closed_at": rec.closed_at,
    }


def recommendation_detail(rec: Recommendation, viewer=None) -> dict[str, Any]:
    """Everything about one recommendation; an authority's official gets only what concerns it."""
    now = clock.now()
    out = recommendation(rec, now)
    if viewer is not None and viewer.role == "authority":
        parts = queries.visible_to_authority(rec, viewer.authority_id)
    else:
        parts = {
            "open_tasks": queries.open_tasks(rec),
            "acts": rec.acts,
            "replies": rec.replies,
            "extensions": rec.extensions,
            "verifications": rec.verifications,
            "escalations": queries.escalations(rec),
            "history": queries.timeline(rec),
        }
    out.update(parts)
    out["open_tasks"] = [task_summary(t, now) for t in parts["open_tasks"]]
    out["history"] = [vars(e) for e in parts["history"]]
    return out


def inbox_row(row, now=None) -> dict[str, Any]:
    en = language() == "en"
    now = now or clock.now()
    return {
        "id": row.task_id,
        "name": row.task_name,
        "element_id": row.element_id,
        "role": row.role,
        "candidate_group": row.candidate_group,
        "assignee": row.assignee,
        "due_at": row.due_at,
        "overdue": bool(row.due_at and row.due_at < now),
        "version": row.version,
        "status": "open",
        "created_at": row.created_at,
        "recommendation": {
            "id": row.recommendation_id,
            "number": row.recommendation_number,
            "text": row.recommendation_text,
            "status": row.status,
            "severity": row.severity,
        },
        "facility": {
            "id": row.facility_id,
            "code": None,
            "name": row.facility_name_en if en else row.facility_name_uk,
        },
        "authority": {
            "id": row.authority_id,
            "code": None,
            "name": row.authority_name_en if en else row.authority_name_uk,
        },
    }


def task_detail(task, rec: Recommendation | None, form: dict | None) -> dict[str, Any]:
    out = task_summary(task)
    out.update(
        status=task.status,
        created_at=task.created_at,
        form=form,
        draft=task.draft,
        draft_saved_at=task.draft_saved_at,
        completed_at=task.completed_at,
        completed_by=task.completed_by,
        recommendation=(
            {
                "id": rec.id,
                "number": rec.number,
                "text": rec.text,
                "status": rec.status,
                "severity": rec.severity,
            }
            if rec
            else None
        ),
        facility=ref(rec.facility) if rec else None,
        authority=ref(rec.addressee) if rec else None,
    )
    return out
