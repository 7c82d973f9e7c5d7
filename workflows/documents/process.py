"""The first act of response as a Document, step by step in the standard process.

`draft_act` (the lawyer) → `prepare_act_document` (this module: the lawyer's text becomes a
document — drafted from the kind's template, the lawyer's text kept as its newest version — and is
submitted for approval where bpmn/document_approval.dmn says so) → `approve_act` (the manager sees
the whole text and its PDF, may edit it, approves or returns it with a comment) →
`review_act_document` (approve: the document takes its register number; return: it goes back to
its author — the diagram assigns `draft_act` to `act_author` — with the comment, the text kept).
`send_act` (workflows/recommendations/handlers.py) then keeps the PDF as sent.

A grouped submission (grouping.py) drafts one document for several recommendations and completes
each one's `draft_act` with its `document_id`: each process then meets the same document here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import decisions, forms, services
from engine.clock import clock
from engine.db import db
from engine.models import ProcessInstance

from ..deadlines import kyiv_date, term_deadline
from ..recommendations.models import Recommendation
from ..users import grants
from ..users.models import User
from . import approval
from . import services as documents
from .kinds import EDITABLE
from .models import Document


def user_of(actor: str) -> User:
    """The person an engine actor string (`user:<id>`) names."""
    if not actor.startswith("user:") or not actor[5:].isdigit():
        raise LookupError(f"{actor!r} is not a person")
    user = db.session.get(User, int(actor[5:]))
    if user is None:
        raise LookupError(f"{actor!r} does not exist")
    return user


def signatory_of(data: dict[str, Any]) -> User | None:
    """Who signs: the chosen registry person (`signatory_id`), or the holder of `sign_documents`
    whose name or position is the text typed in `signatory`."""
    if data.get("signatory_id"):
        return db.session.get(User, int(data["signatory_id"]))
    named = " ".join(str(data.get("signatory") or "").split()).casefold()
    if not named:
        return None
    for person in grants.signatories():
        if named in (person.name.casefold(), " ".join((person.position or "").split()).casefold()):
            return person
    return None


def _recommendation(ctx: services.ServiceContext) -> Recommendation:
    rec = db.session.get(Recommendation, int(ctx.business_key))
    if rec is None:
        raise LookupError(f"recommendation {ctx.business_key} does not exist")
    return rec


def term_of(ctx: services.ServiceContext, kind: str, severity: str) -> documents.Term | None:
    """The statutory term the document states: the `reply_terms` row of the instance's deployment."""
    deployment_id = db.session.scalar(
        sa.select(ProcessInstance.deployment_id).where(ProcessInstance.id == ctx.instance_id)
    )
    row = decisions.evaluate(
        "reply_terms", {"act_kind": kind, "severity": severity}, deployment_id=deployment_id
    ).outputs
    period = row.get("statutory_period")
    return documents.Term(str(period), str(row.get("legal_basis") or "")) if period else None


def term_of_kind(rec: Recommendation, kind: str) -> documents.Term | None:
    """The term of `kind` for `rec`, from its own instance's deployment (a grouped submission)."""
    row = decisions.evaluate(
        "reply_terms",
        {"act_kind": kind, "severity": rec.severity},
        deployment_id=db.session.scalar(
            sa.select(ProcessInstance.deployment_id).where(ProcessInstance.id == rec.process_instance_id)
        ),
    ).outputs
    period = row.get("statutory_period")
    return documents.Term(str(period), str(row.get("legal_basis") or "")) if period else None


def urgent_by(ctx: services.ServiceContext, kind: str, severity: str):
    """The urgency request's date if the act went out today (fixed again when it is sent)."""
    deployment_id = db.session.scalar(
        sa.select(ProcessInstance.deployment_id).where(ProcessInstance.id == ctx.instance_id)
    )
    period = decisions.evaluate(
        "reply_terms", {"act_kind": kind, "severity": severity}, deployment_id=deployment_id
    ).outputs.get("urgency_period")
    return kyiv_date(term_deadline(clock.now(), period)) if period else None


@services.register("prepare_act_document")
def prepare_act_document(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    data = ctx.task_data
    rec = _recommendation(ctx)
    author = user_of(ctx.actor)
    person = signatory_of(data)
    doc = db.session.get(Document, int(data["document_id"])) if data.get("document_id") else None
    if doc is not None and doc.status not in (*EDITABLE, "submitted", "approved"):
        doc = None  # a document sent or cancelled earlier: this is a new act
    if doc is None:
        doc = documents.draft(
            kind=data["act_kind"],
            addressee_id=rec.addressee_id,
            recommendation_ids=[rec.id],
            author=author,
            language=rec.addressee.language or "uk",
            term=term_of(ctx, data["act_kind"], rec.severity),
            urgent_by=urgent_by(ctx, data["act_kind"], rec.severity),
            signatory_id=person.id if person else None,
        )
    if doc.status in EDITABLE and doc.author_id == author.id:
        text = data.get("act_text") or None
        documents.edit(
            author,
            doc.id,
            expected_version=None,
            body=text,
            signatory_id=person.id if person else None,
        )
        if person is None and data.get("signatory"):
            # Named in the form but not (yet) in the registry of signatories: printed as typed.
            doc.signatory_name = " ".join(str(data["signatory"]).split())
        if approval.needs_approval(doc.kind):
            documents.submit(author, doc.id, expected_version=None)
    return {"document_id": doc.id, "author": doc.author.actor, "number": doc.number}


@services.register("review_act_document")
def review_act_document(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """The manager's decision on the act's document. A document another process of a grouped
    submission approved already stays approved: this recommendation goes on with it."""
    data = ctx.task_data
    manager = user_of(ctx.actor)
    doc = db.session.get(Document, int(data["document_id"]))
    approved = bool(data.get("approved"))
    if doc.status == "submitted":
        if approved:
            edited = data.get("act_text") or None
            documents.approve(manager, doc.id, expected_version=None, body=edited)
        else:
            documents.return_for_rework(
                manager, doc.id, comment=data.get("approval_comment") or "", expected_version=None
            )
    elif doc.status in EDITABLE and not approval.needs_approval(doc.kind):
        pass  # numbered when it is sent
    elif doc.status == "returned":
        approved = False
    return {"approved": approved, "document_id": doc.id, "number": doc.number}


@forms.rule("draft_act")
def check_signatory(submitted: dict[str, Any], data: dict[str, Any]) -> dict[str, list[str]]:
    """Someone signs: a person from the registry holding `sign_documents`, or a name typed in."""
    if submitted.get("signatory_id"):
        person = db.session.get(User, int(submitted["signatory_id"]))
        if person is None or not grants.has_grant(person, "sign_documents"):
            return {
                "signatory_id": [_("Choose a person who may sign documents (an admin grants this right).")]
            }
        return {}
    if not " ".join(str(submitted.get("signatory") or "").split()):
        return {"signatory": [_("Choose who signs the document.")]}
    return {}
