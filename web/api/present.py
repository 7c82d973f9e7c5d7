"""Turning domain rows into the plain dicts the API schemas dump (names in the caller's language)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale

from engine.clock import clock
from workflows.access import views as access_views
from workflows.recommendations.models import Recommendation
from workflows.reference import catalog


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


def _reference_name(entry, en: bool) -> str:
    return "" if entry is None else entry.name("en" if en else "uk")


def facility(f) -> dict[str, Any]:
    en = language() == "en"
    return {
        "id": f.id,
        "name": named(f),
        "name_uk": f.name_uk,
        "name_en": f.name_en,
        "kind_code": f.kind_code,
        "kind_name": _reference_name(catalog.facility_kind(f.kind_code), en),
        "region_code": f.region_code,
        "region_iso": region.iso if (region := catalog.region(f.region_code)) else None,
        "region_name": _reference_name(region, en),
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


def task_summary(t, now=None, *, internal: bool = True) -> dict[str, Any]:
    """An open task; outside the Office (`internal` false) without its internal due time or who
    holds it."""
    now = now or clock.now()
    return {
        "id": t.id,
        "name": t.name,
        "element_id": t.element_id,
        "role": t.role,
        "candidate_group": t.candidate_group,
        "assignee": t.assignee if internal else None,
        "due_at": t.due_at if internal else None,
        "overdue": bool(internal and t.due_at and t.due_at < now and t.status == "open"),
        "version": t.version,
    }


def recommendation(rec: Recommendation, now=None, *, internal: bool = True) -> dict[str, Any]:
    """The row as every list shows it. Without `internal`, the Office's own dates and ids are
    left out (an authority's view)."""
    now = now or clock.now()
    return {
        "id": rec.id,
        "number": rec.number,
        "text": rec.text,
        "severity": rec.severity,
        "category": rec.category,
        "status": rec.status,
        "due_at": rec.due_at,
        "legal_basis": legal_basis(rec),
        "received_at": rec.received_at,
        "urgency_due_at": rec.urgency_due_at,
        "next_step_at": rec.next_step_at if internal else None,
        "overdue": rec.is_overdue(now),
        "overdue_since": rec.overdue_since,
        "authority": ref(rec.authority),
        "addressee": ref(rec.addressee),
        "facility": ref(rec.facility, code=rec.facility.kind_code),
        "region": rec.region_code,
        "finding_id": rec.finding_id,
        "outcome": rec.outcome,
        # The reason may be the lawyer's internal reasoning (workflows/access/internal.py): staff only.
        "close_reason": rec.close_reason if internal else None,
        "process_instance_id": rec.process_instance_id if internal else None,
        "created_at": rec.created_at,
        "updated_at": rec.updated_at,
        "closed_at": rec.closed_at,
    }


def legal_basis(rec: Recommendation) -> str | None:
    return (rec.legal_basis_en or rec.legal_basis) if language() == "en" else rec.legal_basis


def recommendation_detail(rec: Recommendation, viewer) -> dict[str, Any]:
    """Everything `viewer` may read of one recommendation: the view of `workflows.access`."""
    now = clock.now()
    seen = access_views.view(rec, viewer)
    out = recommendation(rec, now, internal=seen.insider)
    if seen.due_at != rec.due_at:  # an authority no longer addressed reads its own deadline
        out.update(
            due_at=seen.due_at,
            legal_basis=(seen.legal_basis_en or seen.legal_basis) if language() == "en" else seen.legal_basis,
            overdue=False,
            urgency_due_at=None,
        )
    out.update(
        acts=seen.acts,
        replies=seen.replies,
        extensions=seen.extensions,
        verifications=seen.verifications,
        escalations=seen.escalations,
        receipts=seen.receipts,
        extension_pending=seen.extension_pending is not None,
        open_tasks=[task_summary(t, now, internal=seen.insider) for t in seen.open_tasks],
        history=[history_entry(e, seen.show_people) for e in seen.history],
    )
    return out


def history_entry(entry, show_people: bool) -> dict[str, Any]:
    out = vars(entry).copy()
    if not show_people and out.get("actor") and out["actor"].startswith("user:"):
        out["actor"] = None  # an authority reads what happened, not which of the Office's staff did it
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


def person(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "position": user.position}


def document(doc) -> dict[str, Any]:
    """A document as the API lists it (the caller's language for its kind)."""
    from flask import url_for

    from web.labels import label
    from workflows.documents import queries as documents

    signatory = (
        {"id": doc.signatory_id, "name": doc.signatory_name, "position": doc.signatory_position}
        if doc.signatory_name
        else person(doc.signatory)
    )
    return {
        "id": doc.id,
        "kind": doc.kind,
        "kind_title": label("document_kind", doc.kind),
        "language": doc.language,
        "status": doc.status,
        "version": doc.version,
        "number": doc.number,
        "number_date": doc.number_date,
        "register": doc.register,
        "addressee": ref(doc.addressee),
        "recommendations": [{"id": r.id, "number": r.number} for r in documents.recommendations(doc)],
        "author": person(doc.author),
        "signatory": signatory,
        "approver": person(doc.approver),
        "submitted_at": doc.submitted_at,
        "approved_at": doc.approved_at,
        "sent_at": doc.sent_at,
        "received_at": doc.received_at,
        "received_how": doc.received_how,
        "incoming_number": doc.incoming_number,
        "incoming_date": doc.incoming_date,
        "pdf_sha256": doc.pdf_sha256,
        "pdf_url": url_for("documents.get_document_pdf", document_id=doc.id),
        "url": url_for("document.show", document_id=doc.id),
        "created_at": doc.created_at,
        "updated_at": doc.updated_at,
    }


def document_detail(doc) -> dict[str, Any]:
    from workflows.documents import queries as documents

    out = document(doc)
    out.update(
        subject=doc.subject,
        body=doc.body,
        term={"period": doc.term_period, "basis": doc.term_basis} if doc.term_period else None,
        urgent_by=doc.urgent_by,
        details=dict(doc.details or {}),
        return_comment=doc.return_comment,
        returned_at=doc.returned_at,
        cancelled_at=doc.cancelled_at,
        cancel_reason=doc.cancel_reason,
        template={"name": doc.template_name, "deployment_id": doc.template_deployment_id},
        versions=[
            {
                "seq": v.seq,
                "body": v.body,
                "reason": v.reason,
                "created_at": v.created_at,
                "created_by": v.created_by,
                "return_comment": v.return_comment,
            }
            for v in doc.versions
        ],
        history=[vars(h) for h in documents.history(doc)],
    )
    return out


# What an authority's officials read of a document sent to them: what the letter itself says and
# when it went and arrived — never the Office's drafting (author, approver, versions, comments,
# history). The access policy (`access.document_filter`) has already said they may read it.
ADDRESSEE_FIELDS = (
    "id",
    "kind",
    "kind_title",
    "language",
    "status",
    "number",
    "number_date",
    "addressee",
    "recommendations",
    "signatory",
    "sent_at",
    "received_at",
    "received_how",
    "incoming_number",
    "incoming_date",
    "pdf_sha256",
    "pdf_url",
    "subject",
    "body",
    "term",
    "urgent_by",
)


def document_for(doc, user, *, detail: bool = False) -> dict[str, Any]:
    """`document`/`document_detail` for the Office's staff; the addressee's part for officials."""
    from workflows import access

    if access.can(user, access.READ_DOCUMENTS):
        return document_detail(doc) if detail else document(doc)
    out = document_detail(doc) if detail else document(doc)
    return {k: v for k, v in out.items() if k in ADDRESSEE_FIELDS}
