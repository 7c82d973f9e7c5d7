"""Outgoing documents through their services: drafted from the deployed template, edited by the
author, returned with a comment, approved with a number, sent with the PDF kept and e-mailed,
received; each step audited, each refusal a field error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.models import AuditEvent, OutboxMessage
from workflows.documents import queries
from workflows.documents import services as documents
from workflows.documents.models import Document
from workflows.errors import Conflict, Forbidden, Invalid, NotFound
from workflows.files import store

from .documents_world import pdf_text

FROM_TEMPLATE = "Відповідно до статей 13, 15 та 19-1 Закону України"


def events(db, doc):
    return [
        e.event
        for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.subject == f"document:{doc.id}").order_by(AuditEvent.id)
        )
    ]


def test_a_grouped_submission_is_drafted_from_the_template_with_every_recommendation(desk, db):
    doc = desk.draft()
    db.session.commit()

    assert (doc.kind, doc.status, doc.number, doc.version) == ("submission", "draft", None, 1)
    assert doc.recommendation_ids == [r.id for r in desk.recs]
    assert doc.template_name == "documents/submission.uk.j2"
    assert doc.body.startswith(FROM_TEMPLATE)
    assert "10.11.2026–11.11.2026 здійснено плановий моніторинговий візит" in doc.body
    assert "Львівська виправна колонія № 48" in doc.body
    for n, rec in enumerate(desk.recs, 1):
        assert f"{n}) {rec.text.rstrip('.')} (рекомендація {rec.number});" in doc.body
    # Two findings (the first is shared by two recommendations), each listed once.
    assert "1. У камерах дільниці карантину відсутня вентиляція" in doc.body
    assert "2. Відсутній доступ до питної води" in doc.body and "3. " not in doc.body.split("вимагаю")[0]
    assert [(v.seq, v.reason) for v in doc.versions] == [(1, "drafted")]
    assert events(db, doc) == ["document_drafted"]


def test_a_return_goes_back_to_the_author_with_the_comment_and_the_text_kept(desk, db):
    doc = desk.draft()
    first_text = doc.body
    documents.submit(desk.lawyer, doc.id, expected_version=1)
    assert doc.status == "submitted"

    documents.return_for_rework(
        desk.manager, doc.id, comment="Додайте посилання на акт обстеження.", expected_version=2
    )
    db.session.commit()
    assert (doc.status, doc.return_comment) == ("returned", "Додайте посилання на акт обстеження.")
    assert doc.returned_by_id == desk.manager.id and doc.author_id == desk.lawyer.id
    assert [(v.seq, v.body, v.return_comment) for v in doc.versions] == [
        (1, first_text, "Додайте посилання на акт обстеження.")
    ]

    # Only the author edits; the edit is a new version and the commented text stays.
    with pytest.raises(Forbidden):
        documents.edit(desk.world.users["lawyer2"], doc.id, body="Інший текст.", expected_version=3)
    documents.edit(
        desk.lawyer,
        doc.id,
        body=first_text + "\n\nАкт обстеження від 11.11.2026 додається.",
        expected_version=3,
    )
    db.session.commit()
    assert doc.status == "draft"
    assert [(v.seq, v.reason) for v in doc.versions] == [(1, "drafted"), (2, "edited")]
    assert doc.versions[0].body == first_text and doc.versions[1].body.endswith("додається.")
    assert events(db, doc) == [
        "document_drafted",
        "document_submitted",
        "document_returned",
        "document_edited",
    ]


def test_approval_with_edits_takes_the_next_number_and_snapshots_the_signatory(desk, db):
    doc = desk.draft()
    documents.submit(desk.lawyer, doc.id, expected_version=1)
    with pytest.raises(Forbidden):
        documents.approve(desk.lawyer, doc.id, expected_version=2)
    edited = doc.body.replace("вимагаю", "пропоную")
    documents.approve(desk.manager, doc.id, expected_version=2, body=edited)
    db.session.commit()

    assert (doc.status, doc.number, doc.number_date.isoformat()) == (
        "approved",
        "01-12/0001-26",
        "2026-11-23",
    )
    assert (doc.register, doc.register_year, doc.register_seq) == ("outgoing", 2026, 1)
    assert (doc.signatory_name, doc.signatory_position) == (
        "Дмитро ЛУБІНЕЦЬ",
        "Уповноважений Верховної Ради України з прав людини",
    )
    assert doc.approver_id == desk.manager.id and doc.body == edited
    assert [v.reason for v in doc.versions] == ["drafted", "approved_with_edits"]
    # A later change of position does not change what was approved.
    desk.signatory.position = "Інша посада"
    db.session.commit()
    assert doc.signatory_position == "Уповноважений Верховної Ради України з прав людини"

    second = desk.approved("information_request")
    protocol_drafter = desk.world.users["lawyer"]
    from workflows.users import grants

    grants.grant(protocol_drafter, "draw_protocols", actor="test")
    protocol = desk.approved(
        "protocol",
        details={
            "official_name": "Іван ПЕТРЕНКО",
            "official_position": "начальник колонії",
            "offence_date": "2026-12-24",
        },
    )
    db.session.commit()
    assert second.number == "01-12/0002-26"
    assert protocol.number == "ПР-0001-26"  # protocols keep a register of their own


def test_a_stale_version_is_refused_and_writes_nothing(desk, db):
    doc = desk.draft()
    db.session.commit()
    with pytest.raises(Conflict):
        documents.submit(desk.lawyer, doc.id, expected_version=7)
    db.session.rollback()
    assert db.session.get(Document, doc.id).status == "draft"


def test_drafting_errors_are_field_errors_in_ukrainian(desk, db, world):
    from workflows.recommendations import services as recommendations
    from workflows.visits import services as visits

    other_visit = visits.create(
        facility_id=world.facility_id,
        kind="ad_hoc",
        starts_on=desk.recs[0].finding.visit.starts_on,
        ends_on=desk.recs[0].finding.visit.starts_on,
        members=[],
        user=desk.lawyer,
    )
    other_finding = visits.add_finding(
        other_visit, text="Інше порушення під час візиту.", category="other", severity="low", user=desk.lawyer
    )
    elsewhere = recommendations.create(
        finding_id=other_finding.id,
        authority_id=world.colony_admin.id,
        text="Інша рекомендація.",
        severity="low",
        category="other",
        user=desk.lawyer,
    )
    with pytest.raises(Invalid) as caught:
        desk.draft(recs=[desk.recs[0], elsewhere])
    assert caught.value.fields == {
        "recommendation_ids": ["Рекомендації одного документа мають стосуватися одного візиту."]
    }

    with pytest.raises(Invalid) as caught:
        desk.draft(addressee_id=world.regional.id, term=None, signatory_id=desk.lawyer.id)
    assert set(caught.value.fields) == {"recommendation_ids", "term", "signatory_id"}
    assert caught.value.fields["signatory_id"] == [
        "Олена Юрист не має права підпису документів (це право надає адміністратор)."
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_only_people_granted_draw_protocols_draw_a_protocol(desk, db):
    with pytest.raises(Forbidden) as caught:
        desk.draft("protocol")
    assert "адміністратор" in caught.value.message


def test_sending_keeps_the_pdf_and_emails_it_through_the_outbox(desk, db, clock):
    doc = desk.approved()
    db.session.commit()
    clock.advance(hours=2)
    documents.mark_sent(desk.manager, doc.id, expected_version=doc.version)
    db.session.commit()

    assert doc.status == "sent" and doc.sent_at == clock.now()
    stored = store.get(doc.pdf_file_id)
    assert (stored.sha256, stored.content_type, stored.purpose) == (
        doc.pdf_sha256,
        "application/pdf",
        "document_pdf",
    )
    assert stored.original_name == "Подання № 01-12-0001-26.pdf"
    text = pdf_text(store.read_bytes(doc.pdf_sha256))
    for expected in (
        "ПОДАННЯ",
        "№ 01-12/0001-26 від 23.11.2026",
        "Адміністрація Львівської виправної колонії № 48",
        "Дмитро ЛУБІНЕЦЬ",
        "Установлений законом строк: 1 місяць з дня отримання",
    ):
        assert expected in text, expected
    assert "ПРОЄКТ" not in text

    [mail] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert (mail.channel, mail.topic, mail.recipient, mail.language) == (
        "email",
        "document_sent",
        "colony48@example.gov.ua",
        "uk",
    )
    assert mail.payload["attachments"] == [
        {
            "sha256": doc.pdf_sha256,
            "filename": "Подання № 01-12-0001-26.pdf",
            "content_type": "application/pdf",
        }
    ]
    assert mail.payload["message"]["subject"] == "Подання № 01-12/0001-26 від 23.11.2026"
    assert ", ".join(r.number for r in desk.recs) in mail.payload["message"]["text"]
    # The PDF the page and the API give is the one kept, not a new rendering.
    assert documents.pdf_of(doc).stored_file_id == doc.pdf_file_id


def test_receipt_keeps_the_first_day_and_adds_the_incoming_number(desk, db, clock):
    doc = desk.approved()
    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    sent_at = doc.sent_at
    clock.advance(days=1)
    documents.record_receipt(doc.id, how="smtp_accepted", actor="outbox-delivery")
    clock.advance(days=2)
    from datetime import date

    documents.record_receipt(
        doc.id,
        how="registered",
        actor="user:1",
        incoming_number="123/01-14",
        incoming_date=date(2026, 11, 25),
    )
    db.session.commit()
    assert doc.status == "received"
    assert (doc.received_at - sent_at).days == 1 and doc.received_how == "smtp_accepted"
    assert (doc.incoming_number, doc.incoming_date.isoformat()) == ("123/01-14", "2026-11-25")
    with pytest.raises(Invalid) as caught:
        documents.record_receipt(doc.id, how="pigeon", actor="user:1")
    assert list(caught.value.fields) == ["how"]


def test_a_kind_without_approval_is_numbered_when_sent(desk, db):
    doc = desk.draft("closing_notice", details={"reason": "Рекомендацію виконано."})
    with pytest.raises(Conflict):
        documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
    documents.mark_sent(desk.lawyer, doc.id, expected_version=doc.version)
    db.session.commit()
    assert (doc.status, doc.number, doc.signatory_name) == ("sent", "01-12/0001-26", "Дмитро ЛУБІНЕЦЬ")
    assert "Підстава: Рекомендацію виконано." in doc.body


def test_an_approved_document_can_be_cancelled_and_its_number_stays_used(desk, db):
    doc = desk.approved()
    documents.cancel(desk.manager, doc.id, reason="Помилка в адресаті.", expected_version=doc.version)
    again = desk.approved()
    db.session.commit()
    assert (doc.status, doc.number) == ("cancelled", "01-12/0001-26")
    assert again.number == "01-12/0002-26"
    with pytest.raises(Conflict):
        documents.mark_sent(desk.manager, doc.id)


def test_the_documents_of_a_recommendation_and_a_documents_history(desk, db):
    first = desk.approved()
    only_one = desk.draft("letter", recs=[desk.recs[1]])
    db.session.commit()
    manager = desk.manager
    assert [d.id for d in queries.for_recommendation(manager, desk.recs[1].id)] == [only_one.id, first.id]
    assert [d.id for d in queries.for_recommendation(manager, desk.recs[0].id)] == [first.id]
    assert [h.event for h in queries.history(first)] == [
        "document_drafted",
        "document_submitted",
        "document_approved",
    ]
    with pytest.raises(NotFound):  # an unsent document is hidden from its addressee: alike to a missing one
        queries.get(desk.world.users["authority"], first.id)


def test_the_sent_email_carries_the_kept_pdf_and_its_acceptance_is_the_receipt(desk, db, clock, tmp_path):
    from email import message_from_bytes, policy

    from notifications.delivery import deliver_due

    doc = desk.approved()
    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    clock.advance(minutes=5)
    [outcome] = deliver_due().outcomes
    assert outcome.result == "sent"

    message = message_from_bytes(
        (tmp_path / "mail" / f"outbox-{outcome.id}.eml").read_bytes(), policy=policy.default
    )
    assert message["Subject"] == "Подання № 01-12/0001-26 від 23.11.2026"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith(
        "Шановні колеги!\n\nНадсилаємо подання № 01-12/0001-26 від 23.11.2026 (додається у форматі PDF).\n"
        "Документ стосується рекомендацій Р-2026-0001, Р-2026-0002, Р-2026-0003."
    )
    assert "Дмитро ЛУБІНЕЦЬ" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Подання № 01-12-0001-26.pdf"
    assert attachment.get_content() == store.read_bytes(doc.pdf_sha256)  # the very PDF kept as sent

    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert (doc.status, doc.received_how, doc.received_at) == ("received", "smtp_accepted", clock.now())
    assert events(db, doc)[-1] == "document_received"
