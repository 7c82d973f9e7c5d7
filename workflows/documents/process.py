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

from datetime import date
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
from .models import Document, DocumentRecommendation


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
    # Locked and read afresh: the processes of a grouped submission approved at once take turns
    # (the first approves, the others find it approved and go on with it).
    doc = db.session.scalar(
        sa.select(Document)
        .where(Document.id == int(data["document_id"]))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
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


# --- letters the process sends later: repeat request, letter to the superior authority --------------


def latest_sent(rec: Recommendation) -> Document | None:
    """The newest document sent about `rec` (what a later letter refers to, and who signed it)."""
    return db.session.scalar(
        sa.select(Document)
        .join(DocumentRecommendation, DocumentRecommendation.document_id == Document.id)
        .where(
            DocumentRecommendation.recommendation_id == rec.id,
            Document.status.in_(("sent", "received")),
        )
        .order_by(Document.id.desc())
        .limit(1)
    )


def _previous(rec: Recommendation) -> tuple[dict[str, Any], Document | None]:
    earlier = latest_sent(rec)
    if earlier is None:
        return {}, None
    return {"previous_number": earlier.number, "previous_date": earlier.number_date.isoformat()}, earlier


def _letter_term(ctx: services.ServiceContext, kind: str, rec: Recommendation) -> documents.Term | None:
    data = ctx.task_data
    if kind == "superior_letter":
        period = data.get("escalation_period")
        return documents.Term(str(period), str(data.get("escalation_basis") or "")) if period else None
    due = str(data.get("new_due_date") or "")[:10]
    if not due:
        return None
    days = max((date.fromisoformat(due) - kyiv_date(clock.now())).days, 1)
    return documents.Term(f"P{days}D", rec.legal_basis or "")


def issue(
    ctx: services.ServiceContext,
    rec: Recommendation,
    *,
    kind: str,
    addressee_id: int,
    details: dict[str, Any],
    term: documents.Term | None = None,
) -> Document:
    """A document the process issues on a lawyer's step (a closing notice, an extension decision):
    drafted from its template, signed by whoever signed the recommendation's last letter, and —
    when bpmn/document_approval.dmn says it needs no approval — numbered and sent at once (its PDF
    kept; the caller's notice e-mails it). A kind that needs approval stays submitted for the
    manager (its page shows it)."""
    author = user_of(ctx.actor)
    previous, earlier = _previous(rec)
    doc = documents.draft(
        kind=kind,
        addressee_id=addressee_id,
        recommendation_ids=[rec.id],
        author=author,
        language=_language(addressee_id),
        term=term,
        signatory_id=earlier.signatory_id if earlier else None,
        details={**previous, **details},
    )
    if doc.signatory_id is None and earlier is not None:
        doc.signatory_name, doc.signatory_position = earlier.signatory_name, earlier.signatory_position
    if approval.needs_approval(kind):
        documents.submit(author, doc.id, expected_version=None)
    else:
        documents.mark_sent(author, doc.id, email=False)
    return doc


def _language(addressee_id: int) -> str:
    from ..authorities.models import Authority

    return (db.session.get(Authority, addressee_id).language or "uk") if addressee_id else "uk"


@services.register("prepare_letter_document", params=("kind",))
def prepare_letter_document(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """A repeat request or a letter to the superior authority as a document: drafted from its
    template on the lawyer's decision, revised by its author after a return, and submitted for
    approval where the DMN table says so."""
    data = ctx.task_data
    rec = _recommendation(ctx)
    author = user_of(ctx.actor)
    kind = params.get("kind") or data.get("letter_kind")
    known = data.get("letter_document_id")
    doc = db.session.get(Document, int(known)) if known else None
    if doc is None or doc.kind != kind or doc.status not in EDITABLE:
        details: dict[str, Any] = {}
        if kind == "superior_letter":
            details["subordinate"] = rec.addressee.name(_language(int(data["addressee_id"])))
        elif data.get("new_due_date"):
            details["due_on"] = str(data["new_due_date"])[:10]
        previous, earlier = _previous(rec)
        doc = documents.draft(
            kind=kind,
            addressee_id=int(data["addressee_id"]),
            recommendation_ids=[rec.id],
            author=author,
            language=_language(int(data["addressee_id"])),
            term=_letter_term(ctx, kind, rec),
            signatory_id=earlier.signatory_id if earlier else None,
            details={**previous, **details},
        )
        if doc.signatory_id is None and earlier is not None:
            doc.signatory_name, doc.signatory_position = earlier.signatory_name, earlier.signatory_position
    elif data.get("letter_text"):
        documents.edit(author, doc.id, expected_version=None, body=data["letter_text"])
    needs = approval.needs_approval(kind)
    if needs and doc.status in EDITABLE:
        documents.submit(author, doc.id, expected_version=None)
    return {"document_id": doc.id, "author": doc.author.actor, "needs_approval": needs}


@services.register("review_letter_document")
def review_letter_document(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    data = ctx.task_data
    manager = user_of(ctx.actor)
    doc = db.session.get(Document, int(data["letter_document_id"]))
    approved = bool(data.get("approved"))
    if approved:
        documents.approve(manager, doc.id, expected_version=None, body=data.get("letter_text") or None)
    else:
        documents.return_for_rework(
            manager, doc.id, comment=data.get("approval_comment") or "", expected_version=None
        )
    return {"approved": approved, "document_id": doc.id, "number": doc.number}


def letter_sent(ctx: services.ServiceContext, document_id: Any) -> Document | None:
    """The approved letter (or one needing no approval) numbered, its PDF kept, marked sent; the
    process's notice e-mails it (see `services.attachment`)."""
    if not document_id:
        return None
    doc = db.session.get(Document, int(document_id))
    if doc.status in (*EDITABLE, "approved"):
        documents.mark_sent(user_of(ctx.actor), doc.id, email=False)
    return doc


def by_person(ctx: services.ServiceContext) -> bool:
    """Whether a person took the step (a document needs an author); timers and links do not."""
    return ctx.actor.startswith("user:")
