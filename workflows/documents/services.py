"""Every change of an outgoing document, one function each, for the pages, the API and the process's
service tasks alike: draft from the template, edit (the author), submit for approval, approve
(maybe with edits; takes the register number), return with a comment (back to the author, text
kept), mark sent (keeps the PDF, e-mails it through the outbox), record receipt, cancel.

Each runs in the caller's transaction, locks the document row, refuses a stale `expected_version`
(Conflict), says what is wrong field by field in the user's language (Invalid), and audits what it
did with subject `document:<id>`. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from engine import audit, outbox
from engine.clock import clock
from engine.db import db

from .. import access
from ..authorities.models import Authority
from ..deadlines import kyiv_date
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..files import store
from ..recommendations.models import Recommendation
from ..users.grants import has_grant
from ..users.models import User
from . import approval, context, letters, mail, pdf, registers, templating
from .formatting import PeriodError, parse_period
from .kinds import (
    CANCELLABLE,
    EDITABLE,
    KINDS,
    LANGUAGES,
    RECEIPT_WAYS,
    TERM_REQUIRED,
    TO_RECOMMENDATION_ADDRESSEE,
    register_of,
)
from .models import Document, DocumentRecommendation, DocumentVersion

MAX_BODY = 100_000
MAX_COMMENT = 5_000


@dataclass(frozen=True)
class Term:
    """The statutory term a document states: an ISO 8601 duration ("P1M", "P15D") and its legal
    basis ("ст. 15 Закону України «Про Уповноваженого…»"). The process takes it from its deadline
    table and hands it to `draft`."""

    period: str
    basis: str = ""


def subject_of(doc: Document) -> str:
    return f"document:{doc.id}"


# --- reading and locking --------------------------------------------------------------------------


def _locked(document_id: int, expected_version: int | None) -> Document:
    """The document, its row locked to the end of the transaction (PostgreSQL; SQLite holds the
    write lock already) and read afresh, so two people acting at once take turns."""
    doc = db.session.scalar(
        sa.select(Document)
        .where(Document.id == document_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if doc is None:
        raise NotFound(_("Document %(id)s does not exist.", id=document_id))
    if expected_version is not None and expected_version != doc.version:
        raise Conflict(
            _("The document changed meanwhile; reload it and try again."),
            {"version": [_("The document changed meanwhile; reload it and try again.")]},
        )
    return doc


def _touch(doc: Document) -> datetime:
    now = clock.now()
    doc.version += 1
    doc.updated_at = now
    return now


def recommendations_of(doc: Document) -> list[Recommendation]:
    ids = doc.recommendation_ids
    if not ids:
        return []
    rows = {r.id: r for r in db.session.scalars(sa.select(Recommendation).where(Recommendation.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _audit(event: str, doc: Document, actor: str, **details: Any) -> None:
    audit.record(
        event,
        actor=actor,
        subject=subject_of(doc),
        details={
            "kind": doc.kind,
            "status": doc.status,
            "recommendations": doc.recommendation_ids,
            **details,
        },
    )


def _require(user: User, capability: str, message: str) -> None:
    """The access policy decides; the message says what this step needs."""
    if not access.can(user, capability):
        raise Forbidden(message)


def _status_conflict(doc: Document) -> Conflict:
    from .kinds import STATUS_LABELS

    return Conflict(
        _(
            "Not possible while the document is “%(status)s”.",
            status=str(STATUS_LABELS.get(doc.status, doc.status)),
        )
    )


def _signatory(
    signatory_id: int | None, errors: dict[str, list[str]], field: str = "signatory_id"
) -> User | None:
    if signatory_id is None:
        return None
    person = db.session.get(User, signatory_id)
    if person is None:
        errors[field] = [_("User %(id)s does not exist.", id=signatory_id)]
        return None
    if not has_grant(person, "sign_documents"):
        errors[field] = [_("%(name)s may not sign documents (an admin grants this right).", name=person.name)]
        return None
    return person


def _check_term(term: Term | None, errors: dict[str, list[str]]) -> None:
    if term is None:
        return
    try:
        parse_period(term.period)
    except PeriodError:
        errors["term"] = [_("Give the term as an ISO 8601 duration, such as P1M or P15D.")]
    if len(term.basis or "") > 1000:
        errors["term"] = [_("At most %(n)d characters.", n=1000)]


def _new_version(doc: Document, body: str, reason: str, actor: str) -> DocumentVersion:
    seq = (doc.versions[-1].seq if doc.versions else 0) + 1
    version = DocumentVersion(seq=seq, body=body, reason=reason, created_at=clock.now(), created_by=actor)
    doc.versions.append(version)
    return version


def _check_body(body: str, errors: dict[str, list[str]]) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        errors["body"] = [_("The text of the document is empty.")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("At most %(n)d characters.", n=MAX_BODY)]
    return body


# --- drafting -------------------------------------------------------------------------------------


def draft(
    *,
    kind: str,
    addressee_id: int,
    recommendation_ids: list[int],
    author: User,
    language: str = "uk",
    term: Term | None = None,
    urgent_by: date | None = None,
    signatory_id: int | None = None,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> Document:
    """A new draft of `kind` to `addressee_id` about recommendations of one visit, its text made
    from the newest deployed template `documents/<kind>.<language>.j2`."""
    _require(author, access.DRAFT_DOCUMENTS, _("Only the Office's lawyers and managers draft documents."))
    if kind == "protocol" and not has_grant(author, "draw_protocols"):
        raise Forbidden(_("You may not draw up protocols: an admin grants this right."))
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [_("Choose one of: %(values)s", values=", ".join(KINDS))]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose one of: %(values)s", values=", ".join(LANGUAGES))]
    addressee = db.session.get(Authority, addressee_id)
    if addressee is None:
        errors["addressee_id"] = [_("No authority with id %(id)s.", id=addressee_id)]
    ids = list(dict.fromkeys(int(i) for i in recommendation_ids or []))
    recs = {r.id: r for r in db.session.scalars(sa.select(Recommendation).where(Recommendation.id.in_(ids)))}
    if not ids:
        errors["recommendation_ids"] = [_("Choose at least one recommendation.")]
    elif missing := [i for i in ids if i not in recs]:
        errors["recommendation_ids"] = [_("Recommendation %(id)s does not exist.", id=missing[0])]
    else:
        ordered = [recs[i] for i in ids]
        if len({r.finding.visit_id for r in ordered}) > 1:
            errors["recommendation_ids"] = [
                _("The recommendations of one document must come from one visit.")
            ]
        elif addressee is not None and kind in TO_RECOMMENDATION_ADDRESSEE:
            other = [r.number for r in ordered if r.addressee_id != addressee.id]
            if other:
                errors["recommendation_ids"] = [
                    _("Recommendation %(number)s is addressed to another authority.", number=other[0])
                ]
    if kind in TERM_REQUIRED and term is None:
        errors["term"] = [_("This kind of document states the statutory term: give it.")]
    _check_term(term, errors)
    _signatory(signatory_id, errors)
    if len(subject or "") > 500:
        errors["subject"] = [_("At most %(n)d characters.", n=500)]
    if errors:
        raise Invalid(_("The document was not drafted."), errors)

    filename, deployment_id, source = templating.newest(kind, language)
    now = clock.now()
    ordered = [recs[i] for i in ids]
    doc = Document(
        kind=kind,
        language=language,
        status="draft",
        version=1,
        addressee=addressee,
        visit_id=ordered[0].finding.visit_id,
        subject=(subject or "").strip(),
        term_period=parse_period_text(term.period) if term else None,
        term_basis=(term.basis or "").strip() if term else "",
        urgent_by=urgent_by,
        details=dict(details or {}),
        author=author,
        signatory_id=signatory_id,
        created_at=now,
        updated_at=now,
    )
    doc.links = [DocumentRecommendation(recommendation_id=r.id, position=n) for n, r in enumerate(ordered)]
    db.session.add(doc)
    db.session.flush()
    doc.template_name, doc.template_deployment_id = filename, deployment_id
    doc.body = templating.render(filename, source, context.build(doc, ordered))
    _new_version(doc, doc.body, "drafted", author.actor)
    db.session.flush()
    _audit("document_drafted", doc, author.actor, template=filename, deployment_id=deployment_id)
    return doc


def parse_period_text(period: str) -> str:
    """ "P1M" as stored: upper case, without the quotes a DMN output carries."""
    return period.strip().strip('"').upper()


def edit(
    user: User,
    document_id: int,
    *,
    expected_version: int | None,
    body: str | None = None,
    subject: str | None = None,
    signatory_id: int | None = None,
) -> Document:
    """The author changes the draft (a returned draft becomes a draft again); None leaves a field as
    it is. A changed text is kept as a new version beside the earlier ones."""
    doc = _locked(document_id, expected_version)
    if doc.author_id != user.id:
        raise Forbidden(_("Only the author edits a draft."))
    if doc.status not in EDITABLE:
        raise _status_conflict(doc)
    errors: dict[str, list[str]] = {}
    new_body = _check_body(body, errors) if body is not None else doc.body
    person = _signatory(signatory_id, errors)
    if subject is not None and len(subject) > 500:
        errors["subject"] = [_("At most %(n)d characters.", n=500)]
    if errors:
        raise Invalid(_("The draft was not saved."), errors)
    changed = []
    if new_body != doc.body:
        doc.body = new_body
        _new_version(doc, new_body, "edited", user.actor)
        changed.append("body")
    if subject is not None and subject.strip() != doc.subject:
        doc.subject = subject.strip()
        changed.append("subject")
    if person is not None and person.id != doc.signatory_id:
        doc.signatory_id = person.id
        changed.append("signatory")
    previous = doc.status
    doc.status = "draft"
    if changed or previous != "draft":
        _touch(doc)
        _audit("document_edited", doc, user.actor, changed=changed, was=previous)
    return doc


def submit(user: User, document_id: int, *, expected_version: int | None) -> Document:
    """The author hands the draft to a manager for approval."""
    doc = _locked(document_id, expected_version)
    if doc.author_id != user.id:
        raise Forbidden(_("Only the author submits a draft for approval."))
    if doc.status not in EDITABLE:
        raise _status_conflict(doc)
    rule = approval.rule_for(doc.kind)
    if not rule.needs_approval:
        raise Conflict(_("This kind of document needs no approval: send it."))
    errors: dict[str, list[str]] = {}
    _check_body(doc.body, errors)
    if doc.signatory_id is None and not doc.signatory_name:
        errors["signatory_id"] = [_("Choose who signs the document.")]
    elif doc.signatory_id is not None:
        _signatory(doc.signatory_id, errors)
    if errors:
        raise Invalid(_("The draft cannot be submitted yet."), errors)
    doc.status = "submitted"
    doc.submitted_at = _touch(doc)
    _audit("document_submitted", doc, user.actor, approval_rule=rule.rule_id)
    return doc


# --- approval -------------------------------------------------------------------------------------


def _snapshot_signatory(doc: Document, errors: dict[str, list[str]]) -> None:
    person = _signatory(doc.signatory_id, errors) if doc.signatory_id else None
    # A signatory named in the act's form, not chosen from the registry, is printed as named.
    if doc.signatory_id is None and not doc.signatory_name:
        errors["signatory_id"] = [_("Choose who signs the document.")]
    if person is not None:
        doc.signatory_name, doc.signatory_position = person.name, person.position


def _take_number(doc: Document, now: datetime) -> None:
    taken = registers.take(register_of(doc.kind), kyiv_date(now))
    doc.register, doc.register_year, doc.register_seq = taken.register, taken.year, taken.seq
    doc.number, doc.number_date = taken.number, taken.on


def approve(
    user: User,
    document_id: int,
    *,
    expected_version: int | None,
    body: str | None = None,
    signatory_id: int | None = None,
) -> Document:
    """The manager approves, perhaps after editing the text or choosing another signatory; the
    document takes its number from the register in this same transaction."""
    _require(user, access.APPROVE_DOCUMENTS, _("Only a manager approves documents."))
    doc = _locked(document_id, expected_version)
    if doc.status != "submitted":
        raise _status_conflict(doc)
    if doc.author_id == user.id:
        raise Forbidden(_("You cannot approve a document you wrote."))
    errors: dict[str, list[str]] = {}
    new_body = _check_body(body, errors) if body is not None else doc.body
    if signatory_id is not None:
        _signatory(signatory_id, errors)
        if not errors:
            doc.signatory_id = signatory_id
    if errors:
        raise Invalid(_("The document was not approved."), errors)
    _snapshot_signatory(doc, errors)
    if errors:
        raise Invalid(_("The document was not approved."), errors)
    edited = new_body != doc.body
    if edited:
        doc.body = new_body
        _new_version(doc, new_body, "approved_with_edits", user.actor)
    now = _touch(doc)
    _take_number(doc, now)
    doc.status, doc.approver_id, doc.approved_at = "approved", user.id, now
    db.session.flush()
    _audit(
        "document_approved", doc, user.actor, number=doc.number, edited=edited, signatory=doc.signatory_name
    )
    return doc


def return_for_rework(
    user: User, document_id: int, *, comment: str, expected_version: int | None
) -> Document:
    """Повернути на доопрацювання: back to its author with the manager's comment; the text that was
    commented on stays as it was (its version carries the comment)."""
    _require(user, access.APPROVE_DOCUMENTS, _("Only a manager returns documents."))
    doc = _locked(document_id, expected_version)
    if doc.status != "submitted":
        raise _status_conflict(doc)
    comment = (comment or "").strip()
    if not comment:
        raise Invalid(_("Say what to change."), {"comment": [_("Say what to change.")]})
    if len(comment) > MAX_COMMENT:
        raise Invalid(
            _("At most %(n)d characters.", n=MAX_COMMENT),
            {"comment": [_("At most %(n)d characters.", n=MAX_COMMENT)]},
        )
    now = _touch(doc)
    doc.versions[-1].return_comment = comment
    doc.status, doc.return_comment, doc.returned_at, doc.returned_by_id = "returned", comment, now, user.id
    _audit("document_returned", doc, user.actor, comment=comment, version=doc.versions[-1].seq)
    return doc


# --- sending and receipt --------------------------------------------------------------------------


def mark_sent(
    user: User,
    document_id: int,
    *,
    expected_version: int | None = None,
    reply_url: str | None = None,
    email: bool = True,
) -> Document:
    """Send an approved document (or, for a kind that needs no approval, a draft: it takes its
    number now): the PDF is rendered once, kept in the file store, and e-mailed to every address of
    the addressee through the outbox, all in the caller's transaction. With `email=False` the
    caller e-mails it (the process's own notice carries the kept PDF, see `attachment`)."""
    doc = _locked(document_id, expected_version)
    if not access.can(user, access.APPROVE_DOCUMENTS) and doc.author_id != user.id:
        raise Forbidden(_("Only the author or a manager sends a document."))
    now = clock.now()
    if doc.status in EDITABLE:
        if approval.needs_approval(doc.kind):
            raise Conflict(_("This document needs a manager's approval before it is sent."))
        errors: dict[str, list[str]] = {}
        _check_body(doc.body, errors)
        _snapshot_signatory(doc, errors)
        if errors:
            raise Invalid(_("The document cannot be sent yet."), errors)
        _take_number(doc, now)
    elif doc.status != "approved":
        raise _status_conflict(doc)
    doc.status = "sent"
    letter = letters.of_document(doc)
    data = pdf.render(letter)
    name = pdf.filename(letter.title, doc.number, doc.language)
    stored = store.store(data, filename=name, actor=user.actor, purpose="document_pdf")
    doc.pdf_sha256, doc.pdf_file_id = stored.sha256, stored.id
    doc.sent_at, doc.sent_by_id = now, user.id
    _touch(doc)
    recs = recommendations_of(doc)
    if email and reply_url is None and recs:
        # The letter's own signed link (one authority, one document); it supersedes earlier links
        # of this authority on the same recommendations (workflows/answers/links.py).
        from ..answers import links as reply_links

        _link, token = reply_links.issue(doc, actor=user.actor)
        reply_url = reply_links.url(token)
    recipients = _enqueue_mail(doc, recs, stored.sha256, name, reply_url) if email else 0
    db.session.flush()
    _audit(
        "document_sent", doc, user.actor, number=doc.number, pdf_sha256=stored.sha256, recipients=recipients
    )
    return doc


def _enqueue_mail(
    doc: Document, recs: list[Recommendation], sha256: str, filename: str, reply_url: str | None
) -> int:
    addresses = list(doc.addressee.emails or [])
    if not addresses:
        current_app.logger.warning(
            "authority %s has no e-mail address; document %s not e-mailed", doc.addressee.code, doc.id
        )
        return 0
    payload = {
        "message": mail.message(doc, [r.number for r in recs], reply_url),
        "attachments": [{"sha256": sha256, "filename": filename, "content_type": "application/pdf"}],
        "document_id": doc.id,
    }
    # A document about one recommendation appears in that recommendation's history.
    single = recs[0] if len(recs) == 1 else None
    for address in addresses:
        outbox.enqueue(
            channel="email",
            topic=mail.TOPIC,
            recipient=address,
            language=doc.language,
            payload=payload,
            instance_id=single.process_instance_id if single else None,
            business_key=single.business_key if single else None,
            dedupe_key=f"document:{doc.id}:{address}",
        )
    return len(addresses)


def record_receipt(
    document_id: int,
    *,
    how: str,
    actor: str,
    received_at: datetime | None = None,
    incoming_number: str | None = None,
    incoming_date: date | None = None,
) -> Document:
    """Доказ отримання: the addressee has the document. The first receipt sets when and how (the
    statutory term counts from it); a later one (the authority's registration, say) adds its
    incoming number and date without moving the day of receipt."""
    doc = _locked(document_id, None)
    if doc.status not in ("sent", "received"):
        raise _status_conflict(doc)
    errors: dict[str, list[str]] = {}
    if how not in RECEIPT_WAYS:
        errors["how"] = [_("Choose one of: %(values)s", values=", ".join(RECEIPT_WAYS))]
    now = clock.now()
    at = received_at or now
    if at > now:
        errors["received_at"] = [_("The date of receipt cannot be in the future.")]
    if doc.sent_at and at < doc.sent_at:
        errors["received_at"] = [_("The document cannot be received before it was sent.")]
    if incoming_number is not None and len(incoming_number.strip()) > 60:
        errors["incoming_number"] = [_("At most %(n)d characters.", n=60)]
    if errors:
        raise Invalid(_("The receipt was not recorded."), errors)
    first = doc.status == "sent"
    if first:
        doc.status, doc.received_at, doc.received_how = "received", at, how
    if incoming_number and incoming_number.strip():
        doc.incoming_number = incoming_number.strip()
    if incoming_date:
        doc.incoming_date = incoming_date
    _touch(doc)
    _audit(
        "document_received",
        doc,
        actor,
        how=how,
        received_at=at.isoformat(),
        first=first,
        incoming_number=doc.incoming_number,
        incoming_date=doc.incoming_date.isoformat() if doc.incoming_date else None,
    )
    return doc


def cancel(user: User, document_id: int, *, reason: str, expected_version: int | None) -> Document:
    """A document not yet sent is withdrawn; a number it took stays used (the register shows why)."""
    doc = _locked(document_id, expected_version)
    if not access.can(user, access.APPROVE_DOCUMENTS) and doc.author_id != user.id:
        raise Forbidden(_("Only the author or a manager cancels a document."))
    if doc.status not in CANCELLABLE:
        raise _status_conflict(doc)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Say why the document is cancelled."), {"reason": [_("Say why the document is cancelled.")]}
        )
    now = _touch(doc)
    doc.status, doc.cancelled_at, doc.cancel_reason = "cancelled", now, reason[:MAX_COMMENT]
    _audit("document_cancelled", doc, user.actor, reason=doc.cancel_reason, number=doc.number)
    return doc


def attachment(doc: Document) -> dict[str, Any]:
    """The kept PDF of a sent document as an outbox attachment."""
    if doc.pdf_sha256 is None:
        raise _status_conflict(doc)
    name = pdf.filename(str(letters.of_document(doc).title), doc.number, doc.language)
    return {"sha256": doc.pdf_sha256, "filename": name, "content_type": "application/pdf"}


# --- the PDF --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentPdf:
    filename: str
    data: bytes | None = None  # a preview made now
    stored_file_id: int | None = None  # the PDF as sent


def pdf_of(doc: Document) -> DocumentPdf:
    """The PDF as sent, once a document is sent; until then a preview of the current text (marked
    as a draft until it is approved)."""
    title_pdf = letters.of_document(doc)
    name = pdf.filename(title_pdf.title, doc.number, doc.language)
    if doc.pdf_file_id is not None:
        return DocumentPdf(name, stored_file_id=doc.pdf_file_id)
    return DocumentPdf(name, data=pdf.render(title_pdf))
