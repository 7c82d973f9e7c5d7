"""Answering a letter: per recommendation it covers — what was done, the measures with planned dates
and responsible persons, the status the authority claims (with reasons when not implemented) — the
official's name and position, and the evidence kept with the draft. One call, one transaction:

    submit(doc, authority_id, items=[ItemInput…], official=Official(…), idempotency_key=…, actor=…,
           user=None | User, link_id=None | int) -> DocumentAnswer

completes each covered recommendation's open `authority_reply` task through the engine (as the
signed-in official, or as `link:authority:<id>` for a link), keeps the structured answer, moves the
draft's files to it, renders the receipt PDF and e-mails a copy to the official through the outbox.
A second submission of the same form (same idempotency key) returns the first answer; a second
answer to the same letter by the same authority is refused by the database (`AlreadyAnswered`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit, outbox
from engine import errors as engine_errors
from engine import tasks as engine_tasks
from engine.clock import clock
from engine.db import db
from engine.models import HumanTask

from .. import deadlines
from .. import tasks as work
from ..authorities.models import Authority
from ..documents.models import Document
from ..errors import Conflict, Invalid
from ..files import store
from ..recommendations import extensions
from ..recommendations.models import ExtensionRequest, Recommendation
from ..users.models import User
from . import evidence, receipt
from .labels import claimed_status_label
from .models import CLAIMED_STATUSES, NEEDS_REASONS, AnswerItem, DocumentAnswer

MAX_TEXT = 10_000
# The outbox topic of the official's copy of the receipt (a pre-written message, see notifications/topics.py).
RECEIPT_TOPIC = "answer_receipt"
MAX_MEASURES = 30
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class ItemInput:
    recommendation_id: int
    claimed_status: str = ""
    done_text: str = ""
    reasons: str = ""
    # [{"measure", "planned_on" (YYYY-MM-DD), "responsible"}]
    measures: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Official:
    name: str = ""
    position: str = ""
    email: str = ""


@dataclass
class Covered:
    """A recommendation the document covers, the authority's open reply task on it (None when
    nothing is awaited), and the extension request waiting for a decision."""

    rec: Recommendation
    task: HumanTask | None
    pending_extension: ExtensionRequest | None


class AlreadyAnswered(Conflict):
    def __init__(self, answer: DocumentAnswer) -> None:
        super().__init__(
            _("This letter has already been answered (reference %(ref)s).", ref=answer.reference)
        )
        self.answer = answer


def covered(doc: Document, authority_id: int) -> list[Covered]:
    recs = [db.session.get(Recommendation, rid) for rid in doc.recommendation_ids]
    return [
        Covered(rec, work.open_task_for_authority(rec, authority_id), extensions.pending(rec))
        for rec in recs
        if rec is not None
    ]


def answer_of(document_id: int, authority_id: int) -> DocumentAnswer | None:
    return db.session.scalar(
        sa.select(DocumentAnswer).where(
            DocumentAnswer.document_id == document_id, DocumentAnswer.authority_id == authority_id
        )
    )


def accepting(doc: Document, authority_id: int) -> bool:
    """Whether the letter still takes an answer: not answered, and a reply is awaited on at least
    one of its recommendations (a closed recommendation awaits none)."""
    return answer_of(doc.id, authority_id) is None and any(
        c.task is not None for c in covered(doc, authority_id)
    )


def _clean(text: Any, limit: int = MAX_TEXT) -> str:
    return str(text or "").replace("\r\n", "\n").strip()[: limit + 1]


def validate(items: list[ItemInput], official: Official, answerable: set[int]) -> dict[str, list[str]]:
    """Field errors, keyed as the form names its fields (items-<rec>-<field>, official_name, …)."""
    errors: dict[str, list[str]] = {}
    today = deadlines.kyiv_date(clock.now())
    if len(official.name.strip()) < 3:
        errors["official_name"] = [_("Enter your full name.")]
    if len(official.position.strip()) < 2:
        errors["official_position"] = [_("Enter your position.")]
    if official.email and not _EMAIL.match(official.email.strip()):
        errors["official_email"] = [_("Enter a valid e-mail address, or leave it empty.")]
    given = {item.recommendation_id for item in items}
    for rec_id in sorted(answerable - given):
        errors[f"items-{rec_id}-done_text"] = [_("Answer on this recommendation as well.")]
    for item in items:
        prefix = f"items-{item.recommendation_id}-"
        if item.recommendation_id not in answerable:
            errors[prefix + "done_text"] = [_("No answer is awaited on this recommendation.")]
            continue
        if item.claimed_status not in CLAIMED_STATUSES:
            errors[prefix + "claimed_status"] = [_("Choose the state of implementation.")]
        if len(item.done_text.strip()) < 2:
            errors[prefix + "done_text"] = [_("Say what was done.")]
        elif len(item.done_text) > MAX_TEXT:
            errors[prefix + "done_text"] = [_("At most %(n)d characters.", n=MAX_TEXT)]
        if item.claimed_status in NEEDS_REASONS and len(item.reasons.strip()) < 10:
            errors[prefix + "reasons"] = [_("Give the reasons (at least 10 characters).")]
        if len(item.measures) > MAX_MEASURES:
            errors[prefix + "measures"] = [_("At most %(n)d measures.", n=MAX_MEASURES)]
        for i, measure in enumerate(item.measures):
            mp = f"{prefix}measures-{i}-"
            if len(measure.get("measure", "").strip()) < 2:
                errors[mp + "measure"] = [_("Describe the measure.")]
            if len(measure.get("responsible", "").strip()) < 3:
                errors[mp + "responsible"] = [_("Name the person responsible.")]
            try:
                planned = deadlines.as_day(measure.get("planned_on") or "")
            except (TypeError, ValueError):
                planned = None
            if planned is None:
                errors[mp + "planned_on"] = [_("Enter a valid date (YYYY-MM-DD).")]
            elif item.claimed_status == "in_progress" and planned < today:
                errors[mp + "planned_on"] = [_("A measure still in progress is planned for today or later.")]
        if item.claimed_status in ("in_progress", "partly") and not item.measures:
            errors[prefix + "measures"] = [
                _("List the measures planned, with dates and responsible persons.")
            ]
    return errors


def _reply_data(item: ItemInput, names: list[str]) -> dict[str, Any]:
    """The engine task's form (bpmn/forms/authority_reply.schema.json) filled from the item."""
    text = f"{claimed_status_label(item.claimed_status)}. {item.done_text.strip()}"
    if item.reasons.strip():
        text += "\n\n" + _("Reasons: %(text)s", text=item.reasons.strip())
    measures = "\n".join(
        f"{m['measure'].strip()} — {m['planned_on']} — {m['responsible'].strip()}" for m in item.measures
    )
    return {"reply_text": text[:20000], "measures": measures[:20000], "attachments": names[:50]}


def submit(
    doc: Document,
    authority_id: int,
    *,
    items: list[ItemInput],
    official: Official,
    idempotency_key: str,
    actor: str,
    user: User | None = None,
    link_id: int | None = None,
) -> DocumentAnswer:
    """Register the answer (see the module's docstring). Invalid with field errors; AlreadyAnswered
    when another answer to this letter exists; the caller commits."""
    if not _KEY.match(idempotency_key or ""):
        raise Invalid(_("The form is incomplete; reload the page."), {"idempotency_key": [_("Missing.")]})
    again = db.session.scalar(
        sa.select(DocumentAnswer).where(DocumentAnswer.idempotency_key == idempotency_key)
    )
    if again is not None:
        if again.document_id != doc.id or again.authority_id != authority_id:
            raise Conflict(_("The form is incomplete; reload the page."))
        return again
    earlier = answer_of(doc.id, authority_id)
    if earlier is not None:
        raise AlreadyAnswered(earlier)
    cover = {c.rec.id: c for c in covered(doc, authority_id)}
    answerable = {rid for rid, c in cover.items() if c.task is not None}
    if not answerable:
        raise Conflict(_("No answer is awaited on the recommendations of this letter any more."))
    items = [i for i in items if i.recommendation_id in cover]
    errors = validate(items, official, answerable)
    if errors:
        raise Invalid(_("Some fields need your attention."), errors)
    now = clock.now()
    answer = DocumentAnswer(
        idempotency_key=idempotency_key,
        document_id=doc.id,
        authority_id=authority_id,
        link_id=link_id,
        official_name=official.name.strip()[:200],
        official_position=official.position.strip()[:300],
        official_email=official.email.strip()[:254],
        submitted_at=now,
        submitted_by=actor,
    )
    # The row first: a concurrent second submission waits here on the unique keys and fails, before
    # either completes a task.
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except sa.exc.IntegrityError:
        existing = db.session.scalar(
            sa.select(DocumentAnswer).where(DocumentAnswer.idempotency_key == idempotency_key)
        ) or answer_of(doc.id, authority_id)
        if existing is not None and existing.idempotency_key == idempotency_key:
            return existing
        if existing is not None:
            raise AlreadyAnswered(existing) from None
        raise
    answer.reference = f"ВД-{now.year}-{answer.id:06d}"
    files = evidence.draft_files(doc.id, authority_id)
    for item in items:
        row = AnswerItem(
            answer_id=answer.id,
            recommendation_id=item.recommendation_id,
            claimed_status=item.claimed_status,
            done_text=_clean(item.done_text),
            reasons=_clean(item.reasons),
            measures=[
                {k: str(m.get(k, "")).strip()[:500] for k in ("measure", "planned_on", "responsible")}
                for m in item.measures
            ],
            task_id=cover[item.recommendation_id].task.id,
        )
        answer.items.append(row)
        names = [
            f.stored.original_name for f in files if f.recommendation_id in (None, item.recommendation_id)
        ]
        data = _reply_data(item, names)
        task_id = cover[item.recommendation_id].task.id
        if user is not None:
            work.complete(user, task_id, data, None)
        else:
            work.complete_for_authority(authority_id, task_id, data, None)
    for row in files:
        row.answer_id = answer.id
        if row.recommendation_id is None and len(items) == 1:
            row.recommendation_id = items[0].recommendation_id
    db.session.flush()
    _receipt_and_copy(answer, doc, files, actor)
    audit.record(
        "document_answered",
        actor=actor,
        subject=f"document:{doc.id}",
        details={
            "answer_id": answer.id,
            "reference": answer.reference,
            "authority_id": authority_id,
            "recommendations": [i.recommendation_id for i in items],
            "files": [f.stored.sha256 for f in files],
            "link_id": link_id,
        },
    )
    return answer


def _receipt_and_copy(answer: DocumentAnswer, doc: Document, files, actor: str) -> None:
    authority = db.session.get(Authority, answer.authority_id)
    recs = {i.recommendation_id: db.session.get(Recommendation, i.recommendation_id) for i in answer.items}
    printed = receipt.lines(answer, doc, authority, recs, files)
    stored = store.store(
        receipt.render(printed), filename=receipt.filename(answer), actor=actor, purpose="answer_receipt"
    )
    answer.receipt_file_id = stored.id
    if not answer.official_email:
        return
    text = "\n".join(line for _style, line in printed) + "\n"
    outbox.enqueue(
        channel="email",
        topic=RECEIPT_TOPIC,
        recipient=answer.official_email,
        language="uk",
        payload={
            # Written here in full (the domain's words); notifications/ sends it as it is.
            "message": {
                "subject": _("Your answer is registered: %(ref)s", ref=answer.reference),
                "text": text,
            },
            "attachments": [
                {
                    "sha256": stored.sha256,
                    "filename": receipt.filename(answer),
                    "content_type": "application/pdf",
                }
            ],
            "document_id": doc.id,
        },
        dedupe_key=f"answer:{answer.id}:copy",
    )


def receipt_pdf(answer: DocumentAnswer) -> bytes:
    row = store.get(answer.receipt_file_id)
    return store.read_bytes(row.sha256)


# --- the half-written answer, kept with each recommendation's task (engine task drafts) ----------------

DRAFT_KEY = "answer_form"


def save_draft(
    doc: Document, authority_id: int, *, items: list[ItemInput], official: Official, actor: str
) -> int:
    """Keep what was typed so far with each open reply task (the engine's task draft), so it comes
    back whichever way the official reopens the letter. Returns how many tasks kept it."""
    saved = 0
    by_rec = {i.recommendation_id: i for i in items}
    for c in covered(doc, authority_id):
        if c.task is None:
            continue
        item = by_rec.get(c.rec.id) or ItemInput(c.rec.id)
        data = {
            "reply_text": item.done_text[:20000],
            DRAFT_KEY: {"document_id": doc.id, "item": asdict(item), "official": asdict(official)},
        }
        try:
            engine_tasks.save_draft(c.task.id, data=data, actor=actor, expected_version=None)
        except engine_errors.Conflict:
            continue  # completed meanwhile: nothing left to keep
        saved += 1
    return saved


def load_draft(doc: Document, authority_id: int) -> tuple[dict[int, ItemInput], Official | None]:
    items: dict[int, ItemInput] = {}
    official: Official | None = None
    for c in covered(doc, authority_id):
        kept = ((c.task.draft or {}).get(DRAFT_KEY) if c.task is not None else None) or {}
        if kept.get("document_id") != doc.id:
            continue
        raw = kept.get("item") or {}
        items[c.rec.id] = ItemInput(
            recommendation_id=c.rec.id,
            claimed_status=str(raw.get("claimed_status", "")),
            done_text=str(raw.get("done_text", "")),
            reasons=str(raw.get("reasons", "")),
            measures=[dict(m) for m in raw.get("measures") or [] if isinstance(m, dict)],
        )
        if kept.get("official"):
            official = Official(
                **{k: str(kept["official"].get(k, "")) for k in ("name", "position", "email")}
            )
    return items, official


def request_extension(
    doc: Document, authority_id: int, *, recommendation_id: int, requested_until: Any, reason: str, actor: str
) -> ExtensionRequest:
    """Клопотання про продовження строку on one recommendation of the letter: its own action (the
    extension event subprocess of workflows/recommendations/extensions.py), never the answer."""
    if recommendation_id not in doc.recommendation_ids:
        raise Invalid(
            _("Choose a recommendation of this letter."),
            {"recommendation_id": [_("Choose a recommendation of this letter.")]},
        )
    rec = db.session.get(Recommendation, recommendation_id)
    return extensions.request(rec, authority_id, requested_until=requested_until, reason=reason, actor=actor)
