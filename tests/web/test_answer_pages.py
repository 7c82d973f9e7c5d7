"""Answering a letter (issue 16): through its signed link and through an official's account — the
form per recommendation, evidence files checked by content, the receipt with its reference number
and PDF, the copy by e-mail, drafts, one answer however often it is sent, the extension request,
links that no longer open, and what another authority cannot reach by guessing ids."""

from __future__ import annotations

import io

import sqlalchemy as sa

from engine.models import AuditEvent, HumanTask, OutboxMessage
from workflows.answers.models import DocumentAnswer, EvidenceFile, ReplyLink
from workflows.documents.models import Document
from workflows.recommendations.models import AuthorityReply, ExtensionRequest

from . import evidence_samples as samples
from .answer_world import answer_form, letter, send_letter  # noqa: F401
from .conftest import Pages, text


def files(*pairs):
    return [(io.BytesIO(data), name) for name, data in pairs]


def test_an_official_answers_through_the_link_and_gets_a_receipt(app, pages, letter, db, world):
    first = pages.get(letter.url)
    assert first.status_code == 200
    page = text(first)
    assert f"Рекомендація {letter.recs[0].number}" in page and f"Рекомендація {letter.recs[1].number}" in page
    assert "Надіслати відповідь" in page and "Клопотати про продовження строку" in page
    # The first opening is the letter's proof of receipt; every opening is counted.
    pages.get(letter.url)
    db.session.expire_all()
    link = db.session.scalar(sa.select(ReplyLink).where(ReplyLink.document_id == letter.doc.id))
    assert link.openings == 2 and link.first_opened_at is not None
    assert db.session.get(Document, letter.doc.id).received_how == "link_opened"

    form = answer_form(letter, evidence=files(("акт виконання.pdf", samples.pdf())))
    done = pages.post(letter.url, form, content_type="multipart/form-data")
    assert done.status_code == 302 and done.headers["Location"] == f"{letter.url}/receipt"
    receipt = pages.get(done.headers["Location"])
    answer = db.session.scalar(sa.select(DocumentAnswer))
    assert answer.reference.startswith("ВД-2026-") and answer.reference in text(receipt)
    assert "Вашу відповідь зареєстровано" in text(receipt) and "акт виконання.pdf" in text(receipt)
    pdf = pages.get(f"{letter.url}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    # Each recommendation's reply task was completed through the engine, as the link's authority.
    actor = f"link:authority:{world.colony_admin.id}"
    for rec in letter.recs:
        task = db.session.scalar(
            sa.select(HumanTask).where(
                HumanTask.instance_id == rec.process_instance_id, HumanTask.element_id == "authority_reply"
            )
        )
        assert task.status == "completed" and task.completed_by == actor
    replies = db.session.scalars(sa.select(AuthorityReply).order_by(AuthorityReply.recommendation_id)).all()
    assert [r.recommendation_id for r in replies] == [r.id for r in letter.recs]
    assert replies[0].text.startswith("Виконано. Встановлено припливно-витяжну вентиляцію")
    assert "Підведення водогону до корпусу 2 — 2027-02-15 — Заступник начальника Іван Петренко" in replies[1].measures
    assert replies[0].attachments == ["акт виконання.pdf"]
    # The evidence belongs to the answer now; its metadata is in the database.
    row = db.session.scalar(sa.select(EvidenceFile))
    assert row.answer_id == answer.id and row.stored.content_type == "application/pdf"
    assert row.uploaded_by == actor and len(row.stored.sha256) == 64
    # A copy for the official, with the receipt PDF, goes through the outbox.
    copy = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "message"))
    assert copy.recipient == "koval@colony48.example" and answer.reference in copy.payload["subject"]
    assert copy.payload["attachments"][0]["content_type"] == "application/pdf"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "document_answered")) is not None
    # The link still opens (to read), but takes no second answer.
    again = pages.get(letter.url)
    assert "Цей лист уже має відповідь" in text(again) and "Надіслати відповідь" not in text(again)


def test_an_incomplete_answer_is_refused_by_field_and_keeps_the_text(pages, letter, db):
    pages.get(letter.url)
    first, second = letter.recs[0].id, letter.recs[1].id
    form = answer_form(letter)
    form[f"items-{second}-claimed_status"] = "impossible"
    form[f"items-{first}-done_text"] = ""
    form["official_name"] = ""
    refused = pages.post(letter.url, form)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="items-%d-done_text-error"' % first in body
    assert 'id="items-%d-reasons-error"' % second in body and 'id="official_name-error"' in body
    assert "Укладено договір на підведення водогону." in body  # kept
    assert db.session.scalar(sa.select(sa.func.count(DocumentAnswer.id))) == 0


def test_each_allowed_type_is_kept_and_bad_files_are_refused_with_clear_messages(app, pages, letter, db):
    pages.get(letter.url)
    kept = pages.post(
        letter.url,
        {"action": "draft", "idempotency_key": "d" * 24, "evidence": files(*((n, f()) for n, f in samples.ALLOWED.items()))},
        content_type="multipart/form-data",
    )
    assert kept.status_code == 302
    rows = db.session.scalars(sa.select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert [r.stored.content_type for r in rows] == [
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/heic",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    ]
    app.config["OMBUDSFLOW_EVIDENCE_MAX_FILE_MB"] = 1
    refused = pages.post(
        letter.url,
        {
            "action": "draft",
            "idempotency_key": "d" * 24,
            "evidence": files(
                ("звіт.pdf", samples.executable()),
                ("великий.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)),
                ("../../etc/passwd.pdf", samples.pdf()),
                ("добрий.png", samples.png()),
            ),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "«звіт.pdf»: Файли такого типу не приймаються (вміст: EXE)" in page and "Дозволено:" in page
    assert "«великий.pdf»: Файл більший" in page
    assert "«passwd.pdf»: Назва файлу не може містити папок або «..»" in page
    # The good one of the batch was kept; the refused ones left no row.
    names = db.session.scalars(sa.select(EvidenceFile.id)).all()
    assert len(names) == 7
