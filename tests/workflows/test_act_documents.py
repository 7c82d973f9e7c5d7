"""The first act of response is a document the manager reads before approving: the approval task
carries the lawyer's whole text and its PDF; a return goes back to the lawyer who wrote it (not the
group's queue) with the comment and the text kept; approval numbers it from the register and the
PDF e-mailed is the one kept."""

from __future__ import annotations

import sqlalchemy as sa

from engine.db import db
from engine.models import HumanTask, OutboxMessage
from workflows.documents.models import Document
from workflows.files import store
from workflows.users import grants
from workflows.users import services as users

from .cycle_helpers import ACT, complete, create, deliver_mail, one_task, sweep, topics
from .documents_world import pdf_text

TEXT = (
    "Уповноважений вимагає забезпечити цілодобовий доступ до питної води "
    "в камерах дільниці карантину Львівської виправної колонії."
)


def signer():
    person = users.create_user(
        "signatory@ombudsman.example",
        name="Дмитро ЛУБІНЕЦЬ",
        role="manager",
        position="Уповноважений Верховної Ради України з прав людини",
        password="correct horse battery",
    )
    grants.grant(person, "sign_documents", actor="test")
    db.session.commit()
    return person


def test_the_manager_sees_the_lawyers_text_and_its_pdf(api, world):
    person = signer()
    rec = create(api, world)
    complete(api, "lawyer", "draft_act", {**ACT, "act_text": TEXT, "signatory": person.name})

    task = one_task(api, "manager", "approve_act")
    document = task["document"]
    assert document["status"] == "submitted" and document["body"] == TEXT
    assert document["author"]["name"] == "Олена Юрист"
    assert task["form_values"] == {"act_text": TEXT}
    # The PDF the manager previews, read back: the same text, the addressee, the signatory, the
    # statutory term, and "draft" until approved.
    pdf = api["manager"].get(document["pdf_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert " ".join(TEXT.split()) in text
    assert "Дмитро ЛУБІНЕЦЬ" in text and "ПОДАННЯ" in text
    assert "Адміністрація" in text and "місяць" in text
    assert "ПРОЄКТ" in text.upper() or "ЧЕРНЕТКА" in text.upper()
    assert [r["id"] for r in document["recommendations"]] == [rec["id"]]

    complete(api, "manager", "approve_act", {"approved": True})
    doc = db.session.get(Document, document["id"])
    assert (
        doc.status == "sent"
        and doc.number == "01-12/0001-26"
        and doc.approver_id == world.users["manager"].id
    )
    sent_pdf = pdf_text(store.read_bytes(doc.pdf_sha256))
    assert "01-12/0001-26" in sent_pdf and "ЧЕРНЕТКА" not in sent_pdf.upper()
    # The e-mail carries exactly the kept PDF.
    mail = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.topic == "act_sent", OutboxMessage.business_key == str(rec["id"])
        )
    )
    assert [a["sha256"] for a in mail.payload["attachments"]] == [doc.pdf_sha256]
    # The authority's mail server accepts it: the document's receipt, as the recommendation's.
    deliver_mail()
    db.session.refresh(doc)
    assert (doc.status, doc.received_how) == ("received", "smtp_accepted")


def test_a_return_lands_with_the_author_with_the_comment_and_the_text(api, world):
    rec = create(api, world)
    complete(api, "lawyer", "draft_act", {**ACT, "act_text": TEXT})
    edited = TEXT + " Строк — невідкладно."
    complete(
        api,
        "manager",
        "approve_act",
        {"approved": False, "approval_comment": "Додайте посилання на акт огляду.", "act_text": edited},
    )

    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.element_id == "draft_act", HumanTask.status == "open")
    )
    # To its author, not the lawyers' queue.
    assert task.assignee == world.users["lawyer"].actor
    assert api["lawyer2"].get("/api/v1/tasks?task=draft_act&scope=mine").json["items"] == []
    detail = one_task(api, "lawyer", "draft_act")
    document = detail["document"]
    assert document["status"] == "returned"
    assert document["return_comment"] == "Додайте посилання на акт огляду."
    # The text the manager commented on is kept, with the comment, and is in the form again.
    assert document["body"] == TEXT
    assert document["versions"][-1]["return_comment"] == "Додайте посилання на акт огляду."
    assert detail["form_values"]["act_text"] == TEXT and detail["form_values"]["act_kind"] == "submission"

    # The author revises; the same document goes back for approval with both texts in its history.
    revised = TEXT + " Акт огляду від 20.11.2026."
    complete(api, "lawyer", "draft_act", {**ACT, "act_text": revised})
    again = one_task(api, "manager", "approve_act")["document"]
    assert again["id"] == document["id"] and again["body"] == revised and again["status"] == "submitted"
    assert [v["body"] for v in again["versions"]][-2:] == [TEXT, revised]
    assert rec["id"] in [r["id"] for r in again["recommendations"]]


def test_a_repeat_request_is_a_document_the_manager_approves_or_returns(api, world, clock):
    person = signer()
    rec = create(api, world)
    complete(api, "lawyer", "draft_act", {**ACT, "signatory": person.name})
    complete(api, "manager", "approve_act", {"approved": True})
    deliver_mail()
    clock.advance(days=32)
    sweep(api)
    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "new_deadline", "new_due_date": "2027-01-29", "decision_reason": "Повторно."},
    )
    # Nothing went out yet: the letter waits for the manager, drafted from its template.
    assert [t for t, _ in topics(rec["id"])].count("repeat_request") == 0
    task = one_task(api, "manager", "approve_letter")
    letter = task["document"]
    assert letter["kind"] == "repeat_request" and letter["status"] == "submitted"
    assert "Повторно вимагаю" in letter["body"] and "01-12/0001-26" in letter["body"]  # refers to the act
    assert "29.01.2027" in letter["body"]
    complete(api, "manager", "approve_letter", {"approved": False, "approval_comment": "Додайте строк."})

    revise = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.element_id == "revise_letter", HumanTask.status == "open")
    )
    assert revise.assignee == world.users["lawyer"].actor  # back to its author
    detail = one_task(api, "lawyer", "revise_letter")
    assert detail["document"]["return_comment"] == "Додайте строк."
    assert detail["form_values"] == {"letter_text": letter["body"]}
    complete(api, "lawyer", "revise_letter", {"letter_text": letter["body"] + "\nВідповідь — до 29.01.2027."})
    complete(api, "manager", "approve_letter", {"approved": True})

    doc = db.session.get(Document, letter["id"])
    assert doc.status == "sent" and doc.number == "01-12/0002-26" and doc.signatory_name == "Дмитро ЛУБІНЕЦЬ"
    printed = pdf_text(store.read_bytes(doc.pdf_sha256))
    assert "ПОВТОРНИЙ ЗАПИТ" in printed and "01-12/0002-26" in printed and "Дмитро ЛУБІНЕЦЬ" in printed
    mail = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.topic == "repeat_request", OutboxMessage.business_key == str(rec["id"])
        )
    )
    assert [a["sha256"] for a in mail.payload["attachments"]] == [doc.pdf_sha256]


def test_a_closing_notice_is_numbered_and_sent_at_once(api, world, clock):
    signer()
    rec = create(api, world)
    complete(api, "lawyer", "draft_act", ACT)
    complete(api, "manager", "approve_act", {"approved": True})
    deliver_mail()
    clock.advance(days=32)
    sweep(api)
    complete(api, "lawyer", "decide_next_steps", {"next_action": "close", "decision_reason": "Закрити."})
    notice = db.session.scalar(sa.select(Document).where(Document.kind == "closing_notice"))
    # document_approval.dmn: a closing notice needs no approval — numbered and sent by the lawyer's step.
    assert notice.status == "sent" and notice.number == "01-12/0002-26"
    assert notice.recommendation_ids == [rec["id"]] and notice.author_id == world.users["lawyer"].id
    printed = pdf_text(store.read_bytes(notice.pdf_sha256))
    assert "01-12/0002-26" in printed and "Закрити." not in printed  # the reasoning is internal
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "closed"))
    assert [a["sha256"] for a in mail.payload["attachments"]] == [notice.pdf_sha256]
