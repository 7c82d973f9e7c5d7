"""One submission, several recommendations (одне подання за результатами візиту): from a visit,
the lawyer groups the recommendations addressed to one authority whose act is still to be drafted
into one document — one text, one register number, one PDF. Each recommendation keeps its own
process: its `draft_act` task is completed here with the shared `document_id`, and from then on it
is approved, sent, received, answered and verified on its own terms (workflows/documents/process.py
meets the same document in each process; the register number is taken once, on approval).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine.db import db
from engine.models import HumanTask

from .. import access
from .. import tasks as work
from ..errors import Forbidden, Invalid
from ..recommendations.models import Recommendation
from ..users.models import User
from . import services as documents
from .models import Document
from .process import signatory_of

GROUPABLE_KINDS = ("submission", "information_request", "letter")


def _draft_task(rec: Recommendation) -> HumanTask | None:
    return db.session.scalar(
        sa.select(HumanTask).where(
            HumanTask.instance_id == rec.process_instance_id,
            HumanTask.element_id == "draft_act",
            HumanTask.status == "open",
        )
    )


def groupable(visit_id: int, addressee_id: int | None = None) -> list[Recommendation]:
    """The recommendations of a visit whose act is still to be drafted (optionally: to one
    authority), in number order: what the visit page offers to group."""
    from ..visits.models import Finding

    query = (
        sa.select(Recommendation)
        .join(Finding, Finding.id == Recommendation.finding_id)
        .join(HumanTask, HumanTask.instance_id == Recommendation.process_instance_id)
        .where(Finding.visit_id == visit_id, HumanTask.element_id == "draft_act", HumanTask.status == "open")
        .order_by(Recommendation.id)
    )
    if addressee_id is not None:
        query = query.where(Recommendation.addressee_id == addressee_id)
    return list(db.session.scalars(query))


def submit_group(
    user: User,
    *,
    recommendation_ids: list[int],
    visit_id: int | None = None,
    kind: str = "submission",
    text: str | None = None,
    signatory: str = "",
    signatory_id: int | None = None,
) -> Document:
    """Draft one document covering `recommendation_ids` (one visit, one addressee: `documents.draft`
    checks both) and hand it to each recommendation's process. Runs in the caller's transaction."""
    if not access.can(user, access.DRAFT_DOCUMENTS):
        raise Forbidden(_("Only the Office's lawyers and managers draft documents."))
    errors: dict[str, list[str]] = {}
    if kind not in GROUPABLE_KINDS:
        errors["kind"] = [_("Choose one of: %(values)s", values=", ".join(GROUPABLE_KINDS))]
    ids = list(dict.fromkeys(int(i) for i in recommendation_ids or []))
    recs = [db.session.get(Recommendation, i) for i in ids]
    if len(ids) < 2:
        errors["recommendation_ids"] = [_("Choose at least two recommendations to group.")]
    elif any(r is None for r in recs):
        errors["recommendation_ids"] = [_("Choose recommendations that exist.")]
    elif visit_id is not None and any(r.finding.visit_id != visit_id for r in recs):
        errors["recommendation_ids"] = [_("Choose recommendations of this visit.")]
    else:
        waiting = [r.number for r in recs if _draft_task(r) is None]
        if waiting:
            errors["recommendation_ids"] = [
                _("The act of %(number)s is no longer being drafted.", number=waiting[0])
            ]
    person = signatory_of({"signatory_id": signatory_id, "signatory": signatory})
    if person is None and not (signatory or "").strip():
        errors["signatory"] = [_("Choose who signs the document.")]
    if errors:
        raise Invalid(_("The recommendations were not grouped."), errors)
    from .process import term_of_kind

    doc = documents.draft(
        kind=kind,
        addressee_id=recs[0].addressee_id,
        recommendation_ids=ids,
        author=user,
        language=recs[0].addressee.language or "uk",
        term=term_of_kind(recs[0], kind),
        signatory_id=person.id if person else None,
    )
    body = (text or "").strip() or doc.body
    data: dict[str, Any] = {
        "act_kind": kind,
        "act_text": body,
        "signatory": person.name if person else signatory.strip(),
        "document_id": doc.id,
    }
    if person is not None:
        data["signatory_id"] = person.id
    for rec in recs:
        task = _draft_task(rec)
        work.complete(user, task.id, data, None)
    return doc
