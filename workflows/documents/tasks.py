"""The document a task of the standard process is about, for the task's page and the API: the
manager approving an act sees its whole text and its PDF; the author of a returned draft finds the
manager's comment and the text as it was, already in the form."""

from __future__ import annotations

from typing import Any

from engine.models import HumanTask

from ..recommendations.models import Recommendation
from .models import Document
from .queries import of_recommendation
from .templating import TemplateFailed

ACTS = ("submission", "information_request", "letter")
LETTERS = ("repeat_request", "superior_letter")
# Which documents each task works on: (kinds, the statuses they are in while the task is open).
TASK_DOCUMENTS = {
    "approve_act": (ACTS, ("submitted", "approved")),
    "draft_act": (ACTS, ("returned", "draft")),
    "approve_letter": (LETTERS, ("submitted",)),
    "revise_letter": (LETTERS, ("returned",)),
}


def document_of_task(task: HumanTask, rec: Recommendation | None) -> Document | None:
    kinds, statuses = TASK_DOCUMENTS.get(task.element_id, ((), ()))
    if rec is None or not kinds or task.status != "open":
        return None
    for doc in of_recommendation(rec.id):  # newest first
        if doc.status in statuses and doc.kind in kinds:
            return doc
    return None


def generated_text(rec: Recommendation, author, kind: str = "submission") -> str:
    """The text the kind's template makes for `rec`, for the lawyer to edit on `draft_act` (nothing
    is written: the document is drafted when the task is completed)."""
    from . import context, templating

    language = rec.addressee.language or "uk"
    filename, _deployment_id, source = templating.newest(kind, language)
    sketch = Document(kind=kind, language=language, addressee=rec.addressee, author=author, details={})
    try:
        return templating.render(filename, source, context.build(sketch, [rec]))
    finally:
        from engine.db import db

        if sketch in db.session:
            db.session.expunge(sketch)


def form_values(
    task: HumanTask, doc: Document | None, rec: Recommendation | None = None, user=None
) -> dict[str, Any]:
    """What the task's form starts with: the document's current text (and, for a returned draft,
    its kind and signatory), so nothing the author or the manager wrote has to be typed again; on
    a first `draft_act`, the text the submission template makes."""
    if doc is None:
        if task.element_id == "draft_act" and task.status == "open" and rec is not None and user is not None:
            try:
                return {"act_kind": "submission", "act_text": generated_text(rec, user)}
            except TemplateFailed:  # no template deployed, or one that fails: the lawyer writes it
                return {}
        return {}
    if task.element_id == "approve_act":
        return {"act_text": doc.body}
    if task.element_id in ("approve_letter", "revise_letter"):
        return {"letter_text": doc.body}
    signatory = doc.signatory_name or (doc.signatory.name if doc.signatory else "")
    values: dict[str, Any] = {"act_kind": doc.kind, "act_text": doc.body, "signatory": signatory}
    if doc.signatory_id:
        values["signatory_id"] = doc.signatory_id
    return values
