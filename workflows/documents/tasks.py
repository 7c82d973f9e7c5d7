"""The document a task of the standard process is about, for the task's page and the API: the
manager approving an act sees its whole text and its PDF; the author of a returned draft finds the
manager's comment and the text as it was, already in the form."""

from __future__ import annotations

from typing import Any

from engine.models import HumanTask

from ..recommendations.models import Recommendation
from .models import Document
from .queries import of_recommendation

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


def form_values(task: HumanTask, doc: Document | None) -> dict[str, Any]:
    """What the task's form starts with: the document's current text (and, for a returned draft,
    its kind and signatory), so nothing the author or the manager wrote has to be typed again."""
    if doc is None:
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
