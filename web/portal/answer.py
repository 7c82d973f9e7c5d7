"""The answer form of a letter: for a signed-in official (`/portal/documents/<id>/answer`,
endpoint `portal.answer`) and, the same form without an account, behind the letter's signed link
(`/respond/<token>`, registry in workflows/answers/links.py). One page, two ways in: `Answering`
says who answers (the actor, the authority, the link) and where the form's addresses are.

Actions of the one form (`action`): `submit` (the answer; completes the authority's tasks, shows the
receipt), `draft` (keeps what was typed and attaches chosen files; `remove_evidence=<id>` takes a
file off the draft), and `extension`
(a request for more time — its own action, never the answer). `…/draft` takes the same fields as
JSON-answering autosave; when the session or the link has ended meanwhile it says so (401/410) and
the page keeps the text and asks to sign in again (web/static/answer.js).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.clock import clock
from engine.db import db
from workflows.access import ANSWER_LETTERS, can
from workflows.actors import link_actor
from workflows.answers import evidence, services
from workflows.answers import links as reply_links
from workflows.answers.labels import CLAIMED_STATUS_LABELS
from workflows.answers.models import DocumentAnswer, ReplyLink
from workflows.authorities.models import Authority
from workflows.documents.models import Document
from workflows.errors import Conflict, Invalid
from workflows.users.models import User

from ..auth import allowed
from ..files import send_bytes, send_stored
from . import bp, extension

ANSWERABLE_DOCUMENTS = ("sent", "received")


@dataclass
class Answering:
    """Who answers which letter, and how they came (an account or the letter's link)."""

    doc: Document
    authority: Authority
    actor: str
    user: User | None = None
    link: ReplyLink | None = None
    token: str | None = None

    def url(self, what: str = "", **kwargs) -> str:
        if self.token is not None:
            return url_for(f"portal.respond{what}", token=self.token, **kwargs)
        return url_for(f"portal.answer{what}", document_id=self.doc.id, **kwargs)


# --- the two ways in --------------------------------------------------------------------------------


def _for_official(document_id: int) -> Answering:
    """The letter if it was sent to the signed-in official's authority; 404 otherwise (an id of
    another authority's letter says nothing, not even that it exists)."""
    user = g.user
    doc = db.session.get(Document, document_id)
    if doc is None or not user.authority_id or doc.addressee_id != user.authority_id:
        abort(404)
    if doc.status not in ANSWERABLE_DOCUMENTS:
        abort(404)
    return Answering(doc, db.session.get(Authority, user.authority_id), user.actor, user=user)


def _for_link(token: str) -> Answering:
    link = reply_links.resolve(token)
    doc = db.session.get(Document, link.document_id)
    if doc is None or doc.status == "cancelled":
        # A cancelled letter is withdrawn: its link says so, like a revoked one.
        raise reply_links.LinkRefused(reply_links.REVOKED, link)
    authority = db.session.get(Authority, link.authority_id)
    return Answering(doc, authority, link_actor(authority.id), link=link, token=token)


def refused(exc: reply_links.LinkRefused, kept: dict | None = None):
    """The page of a link that does not open: why, what to do, whom to write to, and (when the
    link ended while an answer was being written) the text that was typed, to copy."""
    doc = db.session.get(Document, exc.link.document_id) if exc.link is not None else None
    return (
        render_template(
            "portal/link_refused.html",
            reason=exc.reason,
            doc=doc,
            office_email=current_app.config.get("OMBUDSFLOW_OFFICE_EMAIL", ""),
            office_phone=current_app.config.get("OMBUDSFLOW_OFFICE_PHONE", ""),
            kept=kept or {},
        ),
        exc.status,
    )


def respond_by_link(token: str):
    """/respond/<token> for a link of the registry (called by portal.respond)."""
    try:
        who = _for_link(token)
    except reply_links.LinkRefused as exc:
        return refused(exc, _typed_texts() if request.method == "POST" else None)
    if request.method == "GET":
        reply_links.opened(who.link, user_agent=request.headers.get("User-Agent", ""))
        db.session.commit()
        return _page(who)
    return _post(who)


@bp.route("/portal/documents/<int:document_id>/answer", methods=["GET", "POST"])
@allowed(ANSWER_LETTERS)
def answer(document_id: int):
    who = _for_official(document_id)
    if request.method == "GET":
        return _page(who)
    return _post(who)


# --- the form -------------------------------------------------------------------------------------------


def _page(who: Answering, *, items=None, official=None, errors=None, message=None, status=200, ext=None):
    existing = services.answer_of(who.doc.id, who.authority.id)
    covered = services.covered(who.doc, who.authority.id)
    kept_items, kept_official = services.load_draft(who.doc, who.authority.id)
    items = items if items is not None else kept_items
    if official is None:
        official = kept_official or services.Official(
            name=who.user.name if who.user else "", email=who.user.email if who.user else ""
        )
    return (
        render_template(
            "portal/answer.html",
            who=who,
            doc=who.doc,
            authority=who.authority,
            covered=covered,
            accepting=existing is None and any(c.task is not None for c in covered),
            existing=existing,
            items=items,
            official=official,
            files=evidence.draft_files(who.doc.id, who.authority.id),
            errors=errors or {},
            message=message,
            ext=ext or extension.blank(),
            statuses=CLAIMED_STATUS_LABELS,
            idempotency_key=secrets.token_urlsafe(24),
            max_file_mb=evidence.max_file_bytes() // (1024 * 1024),
            max_answer_mb=evidence.max_answer_bytes() // (1024 * 1024),
            allowed_types=evidence.allowed_labels(),
            today=clock.now().date().isoformat(),
            drafted=bool(kept_items),
        ),
        status,
    )


def _typed_texts() -> dict[str, str]:
    """What the official typed, to show back when the form cannot be taken (to copy it)."""
    machine = ("csrf_token", "idempotency_key", "action", "recommendation", "evidence_for", "remove_evidence")
    return {k: v for k, v in request.form.items(multi=True) if k not in machine and v.strip()}


def _parse() -> tuple[list[services.ItemInput], services.Official]:
    form = request.form
    items: list[services.ItemInput] = []
    for raw in form.getlist("recommendation"):
        if not raw.isdigit():
            continue
        rid = int(raw)
        prefix = f"items-{rid}-"
        measures = []
        for i in range(services.MAX_MEASURES + 1):
            row = {
                k: form.get(f"{prefix}measures-{i}-{k}", "").strip()
                for k in ("measure", "planned_on", "responsible")
            }
            if any(row.values()):
                measures.append(row)
        items.append(
            services.ItemInput(
                recommendation_id=rid,
                claimed_status=form.get(prefix + "claimed_status", ""),
                done_text=form.get(prefix + "done_text", ""),
                reasons=form.get(prefix + "reasons", ""),
                measures=measures,
            )
        )
    official = services.Official(
        name=form.get("official_name", "").strip(),
        position=form.get("official_position", "").strip(),
        email=form.get("official_email", "").strip(),
    )
    return items, official


def _uploads(who: Answering) -> list[str]:
    """Attach the files chosen in this request to the answer being written; their problems, if any."""
    chosen = [f for f in request.files.getlist("evidence") if f and f.filename]
    if not chosen:
        return []
    target = request.form.get("evidence_for", "")
    rec_id = int(target) if target.isdigit() and int(target) in who.doc.recommendation_ids else None
    try:
        evidence.attach_to_draft(
            [evidence.Upload(f.filename, f.stream) for f in chosen],
            document_id=who.doc.id,
            authority_id=who.authority.id,
            recommendation_id=rec_id,
            actor=who.actor,
        )
        problems: list[str] = []
    except evidence.PartlyRefused as exc:
        problems = exc.fields[evidence.FIELD]
    db.session.commit()  # what was accepted stays, whatever happens to the rest of the form
    return problems


def _post(who: Answering):
    action = request.form.get("action", "submit")
    if action == "extension":
        return _extension(who)
    items, official = _parse()
    existing = services.answer_of(who.doc.id, who.authority.id)
    if existing is not None:
        if existing.idempotency_key != request.form.get("idempotency_key"):
            flash(_("This letter has already been answered: here is the receipt."), "info")
        return redirect(who.url("_receipt"))
    if not services.accepting(who.doc, who.authority.id):
        return _page(
            who,
            items=_by_rec(items),
            official=official,
            message=_("No answer is awaited on this letter any more."),
            status=409,
        )
    problems = _uploads(who)
    services.save_draft(who.doc, who.authority.id, items=items, official=official, actor=who.actor)
    db.session.commit()
    removing = request.form.get("remove_evidence", "")
    if removing:
        evidence.remove_from_draft(
            int(removing) if removing.isdigit() else 0,
            document_id=who.doc.id,
            authority_id=who.authority.id,
            actor=who.actor,
        )
        db.session.commit()
        return redirect(who.url() + "#evidence")
    if problems:
        errors = {evidence.FIELD: problems}
        return _page(
            who,
            items=_by_rec(items),
            official=official,
            errors=errors,
            message=_("Some files were not accepted."),
            status=422,
        )
    if action == "draft":
        flash(_("Your answer is saved as a draft. You can come back to it later."), "success")
        return redirect(who.url())
    try:
        services.submit(
            who.doc,
            who.authority.id,
            items=items,
            official=official,
            idempotency_key=request.form.get("idempotency_key", ""),
            actor=who.actor,
            user=who.user,
            link_id=who.link.id if who.link else None,
        )
        db.session.commit()
    except services.AlreadyAnswered:
        db.session.rollback()
        flash(_("This letter has already been answered: here is the receipt."), "info")
        return redirect(who.url("_receipt"))
    except Invalid as exc:
        db.session.rollback()
        return _page(
            who, items=_by_rec(items), official=official, errors=exc.fields, message=exc.message, status=422
        )
    except Conflict as exc:
        db.session.rollback()
        return _page(who, items=_by_rec(items), official=official, message=exc.message, status=409)
    return redirect(who.url("_receipt"))


def _by_rec(items: list[services.ItemInput]) -> dict[int, services.ItemInput]:
    return {i.recommendation_id: i for i in items}


def _extension(who: Answering):
    return extension.handle(
        lambda values: services.request_extension(
            who.doc,
            who.authority.id,
            recommendation_id=_number(values["recommendation_id"]),
            requested_until=values["requested_until"],
            reason=values["reason"],
            actor=who.actor,
        ),
        render=lambda ext, status: _page(who, ext=ext, status=status),
        done=who.url() + "#extension",
    )


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0


# --- autosave ----------------------------------------------------------------------------------------


def _draft(who: Answering):
    if not services.accepting(who.doc, who.authority.id):
        return jsonify({"saved": False, "reason": "closed"}), 409
    items, official = _parse()
    saved = services.save_draft(who.doc, who.authority.id, items=items, official=official, actor=who.actor)
    db.session.commit()
    return jsonify({"saved": bool(saved), "saved_at": clock.now().isoformat()})


@bp.route("/portal/documents/<int:document_id>/answer/draft", methods=["POST"])
def answer_draft(document_id: int):
    if g.get("user") is None:
        # Not the sign-in page: the form in the browser keeps its text and asks to sign in again.
        return jsonify({"saved": False, "reason": "signed_out", "message": _("Your session has ended.")}), 401
    if not can(g.user, ANSWER_LETTERS):
        abort(403)
    return _draft(_for_official(document_id))


@bp.route("/respond/<token>/draft", methods=["POST"])
def respond_draft(token: str):
    try:
        who = _for_link(token)
    except reply_links.LinkRefused as exc:
        return jsonify({"saved": False, "reason": exc.reason}), exc.status
    return _draft(who)


# --- the receipt ------------------------------------------------------------------------------------


def _receipt(who: Answering, *, pdf: bool):
    answer = services.answer_of(who.doc.id, who.authority.id)
    if answer is None:
        return redirect(who.url())
    if pdf:
        return send_bytes(
            services.receipt_pdf(answer),
            content_type="application/pdf",
            name=f"receipt-{answer.reference}.pdf",
        )
    return render_template(
        "portal/answer_receipt.html",
        who=who,
        answer=answer,
        doc=who.doc,
        authority=who.authority,
        covered={c.rec.id: c.rec for c in services.covered(who.doc, who.authority.id)},
        files=evidence.of_answer(answer.id),
        statuses=CLAIMED_STATUS_LABELS,
    )


@bp.route("/portal/documents/<int:document_id>/answer/receipt")
@allowed(ANSWER_LETTERS)
def answer_receipt(document_id: int):
    return _receipt(_for_official(document_id), pdf=False)


@bp.route("/portal/documents/<int:document_id>/answer/receipt.pdf")
@allowed(ANSWER_LETTERS)
def answer_receipt_pdf(document_id: int):
    return _receipt(_for_official(document_id), pdf=True)


def _link_or_refused(token: str):
    try:
        return _for_link(token), None
    except reply_links.LinkRefused as exc:
        return None, refused(exc)


@bp.route("/respond/<token>/receipt")
def respond_receipt(token: str):
    who, page = _link_or_refused(token)
    return page or _receipt(who, pdf=False)


@bp.route("/respond/<token>/receipt.pdf")
def respond_receipt_pdf(token: str):
    who, page = _link_or_refused(token)
    return page or _receipt(who, pdf=True)


# --- the authority's own evidence files ---------------------------------------------------------------------


def _own_file(who: Answering, evidence_id: int):
    row = db.session.get(evidence.EvidenceFile, evidence_id)
    if (
        row is None
        or row.document_id != who.doc.id
        or not evidence.may_see(row, authority_id=who.authority.id)
    ):
        abort(404)
    return send_stored(row.stored, inline=request.args.get("download") != "1")


@bp.route("/portal/documents/<int:document_id>/answer/files/<int:evidence_id>")
@allowed(ANSWER_LETTERS)
def answer_file(document_id: int, evidence_id: int):
    return _own_file(_for_official(document_id), evidence_id)


@bp.route("/respond/<token>/files/<int:evidence_id>")
def respond_file(token: str, evidence_id: int):
    who, page = _link_or_refused(token)
    return page or _own_file(who, evidence_id)


__all__ = ["DocumentAnswer", "answer", "refused", "respond_by_link"]
