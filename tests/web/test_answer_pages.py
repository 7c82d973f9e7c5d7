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
from .answer_world import (
    answer_form,
    letter_fixture,  # noqa: F401  (the `letter` fixture)
    send_letter,
)
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
    assert (
        "Підведення водогону до корпусу 2 — 2027-02-15 — Заступник начальника Іван Петренко"
        in replies[1].measures
    )
    assert replies[0].attachments == ["акт виконання.pdf"]
    # The evidence belongs to the answer now; its metadata is in the database.
    row = db.session.scalar(sa.select(EvidenceFile))
    assert row.answer_id == answer.id and row.stored.content_type == "application/pdf"
    assert row.uploaded_by == actor and len(row.stored.sha256) == 64
    # A copy for the official, with the receipt PDF, goes through the outbox.
    copy = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "answer_receipt"))
    assert (
        copy.recipient == "koval@colony48.example" and answer.reference in copy.payload["message"]["subject"]
    )
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
    assert f'id="items-{first}-done_text-error"' in body
    assert f'id="items-{second}-reasons-error"' in body and 'id="official_name-error"' in body
    assert "Укладено договір на підведення водогону." in body  # kept
    assert db.session.scalar(sa.select(sa.func.count(DocumentAnswer.id))) == 0


def test_each_allowed_type_is_kept_and_bad_files_are_refused_with_clear_messages(app, pages, letter, db):
    pages.get(letter.url)
    kept = pages.post(
        letter.url,
        {
            "action": "draft",
            "idempotency_key": "d" * 24,
            "evidence": files(*((n, f()) for n, f in samples.ALLOWED.items())),
        },
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


def test_an_extension_is_its_own_action_checked_against_today_and_the_deadline(pages, letter, db, scenario):
    pages.get(letter.url)
    rec = letter.recs[0]
    early = pages.post(
        letter.url,
        {
            "action": "extension",
            "recommendation_id": str(rec.id),
            "requested_until": "2026-12-01",
            "reason": "Потрібен час на закупівлю обладнання.",
        },
    )
    assert early.status_code == 422
    assert "Клопотання не надіслано." in text(
        early
    ) and "Просіть день, пізніший за чинний строк (23.12.2026)." in text(early)
    # A deadline that has passed (the sweep has not run yet): a day already gone is refused too.
    scenario.clock.advance(days=35)
    gone = pages.post(
        letter.url,
        {
            "action": "extension",
            "recommendation_id": str(rec.id),
            "requested_until": "2026-12-27",
            "reason": "Потрібен час на закупівлю обладнання.",
        },
    )
    assert gone.status_code == 422 and "Просіть день, пізніший за сьогоднішній." in text(gone)
    scenario.clock.advance(days=-35)
    asked = pages.post(
        letter.url,
        {
            "action": "extension",
            "recommendation_id": str(rec.id),
            "requested_until": "2027-01-20",
            "reason": "Потрібен час на закупівлю обладнання.",
        },
    )
    assert asked.status_code == 302 and asked.headers["Location"].endswith("#extension")
    request = db.session.scalar(sa.select(ExtensionRequest))
    assert request.recommendation_id == rec.id and request.requested_until.isoformat() == "2027-01-20"
    assert request.requested_by.startswith("link:authority:")
    # The reply stays open beside the request.
    assert "Надіслати відповідь" in text(pages.get(letter.url))


def test_a_draft_is_kept_on_the_server_and_restored(app, pages, letter, db):
    pages.get(letter.url)
    first = letter.recs[0].id
    saved = pages.post(
        letter.url,
        {
            "action": "draft",
            "idempotency_key": "x" * 24,
            "recommendation": [str(first)],
            f"items-{first}-claimed_status": "partly",
            f"items-{first}-done_text": "Половину камер обладнано вентиляцією.",
            f"items-{first}-measures-0-measure": "Друга черга робіт",
            "official_name": "Ганна Коваль",
        },
    )
    assert saved.status_code == 302
    # Another browser (the link again, a new session) finds the text where it was left.
    other = Pages(app.test_client())
    page = other.get(letter.url).get_data(as_text=True)
    assert "Половину камер обладнано вентиляцією." in page and 'value="Друга черга робіт"' in page
    assert 'value="partly" checked' in page and 'value="Ганна Коваль"' in page
    # Autosave (the page's script) keeps it the same way and answers JSON.
    auto = other.post(
        f"{letter.url}/draft",
        {"recommendation": [str(first)], f"items-{first}-done_text": "Дві третини камер обладнано."},
        headers={"Accept": "application/json"},
    )
    assert auto.status_code == 200 and auto.get_json()["saved"] is True
    assert "Дві третини камер обладнано." in pages.get(letter.url).get_data(as_text=True)


def test_a_double_submission_or_a_second_tab_gives_one_answer_and_one_receipt(app, pages, letter, db):
    pages.get(letter.url)
    form = answer_form(letter, key="same-form-key-0001")
    one = pages.post(letter.url, form)
    two = pages.post(letter.url, form)  # the double click: the same form again
    assert one.status_code == two.status_code == 302
    assert one.headers["Location"] == two.headers["Location"] == f"{letter.url}/receipt"
    tab = Pages(app.test_client())  # a second tab's form, with its own key
    tab.get(letter.url)
    three = tab.post(letter.url, answer_form(letter, key="other-tab-key-0002"))
    assert three.status_code == 302 and three.headers["Location"] == f"{letter.url}/receipt"
    assert db.session.scalar(sa.select(sa.func.count(DocumentAnswer.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuthorityReply.id))) == 2  # one per recommendation
    copies = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.topic == "answer_receipt")
    )
    assert copies == 1


def test_expired_revoked_superseded_and_tampered_links_get_a_clear_page(
    app, pages, lawyer, letter, db, scenario, desk
):
    office = app.config["OMBUDSFLOW_OFFICE_EMAIL"]
    tampered = pages.get(letter.url[:-3] + "abc")
    assert tampered.status_code == 404 and "Посилання недійсне" in text(tampered) and office in text(tampered)
    # A lawyer revokes the link on the letter's page.
    page = lawyer.get(f"/documents/{letter.doc.id}")
    link = db.session.scalar(sa.select(ReplyLink).where(ReplyLink.document_id == letter.doc.id))
    assert f'data-revoke-link="{link.id}"' in page.get_data(as_text=True)
    revoked = lawyer.post(f"/documents/{letter.doc.id}/links/{link.id}/revoke")
    assert revoked.status_code == 302
    gone = pages.get(letter.url)
    assert gone.status_code == 410 and "Це посилання відкликано" in text(gone) and office in text(gone)
    # Typing while it was revoked: the text comes back on the page, to copy.
    late = pages.post(letter.url, answer_form(letter))
    assert late.status_code == 410 and "Укладено договір на підведення водогону." in text(late)
    # An expired link (the registry's term) says so.
    fresh = send_letter(desk, scenario, db, [desk.recs[2]])
    scenario.clock.advance(days=181)
    expired = pages.get(fresh.url)
    assert expired.status_code == 410 and "Строк дії посилання минув" in text(expired)
    assert "Traceback" not in text(expired)


def test_a_new_letter_supersedes_the_link_of_the_earlier_one(pages, letter, desk, db):
    again = desk.approved(recs=letter.recs[:1])
    from workflows.documents import services as documents

    documents.mark_sent(desk.manager, again.id)
    db.session.commit()
    old = pages.get(letter.url)
    assert old.status_code == 410 and "Цей лист замінено новішим" in text(old)
    first = db.session.scalar(sa.select(ReplyLink).where(ReplyLink.document_id == letter.doc.id))
    assert first.revoked_why == "superseded" and first.superseded_by_id is not None


def test_a_closed_letter_takes_no_answer(pages, letter, db, scenario):
    pages.get(letter.url)
    pages.post(letter.url, answer_form(letter, key="closing-the-letter-01"))
    db.session.expire_all()
    page = text(pages.get(letter.url))
    assert "Цей лист уже має відповідь" in page and "Надіслати відповідь" not in page
    late = pages.post(letter.url, answer_form(letter, key="another-attempt-0002"))
    assert late.status_code == 302 and late.headers["Location"].endswith("/receipt")
    assert db.session.scalar(sa.select(sa.func.count(DocumentAnswer.id))) == 1


def test_an_official_answers_from_the_account(app, world, letter, db):
    official = Pages(app.test_client()).as_(world, "authority")
    page = official.get(letter.portal_url)
    assert page.status_code == 200 and "Надіслати відповідь" in text(page)
    done = official.post(letter.portal_url, answer_form(letter, key="account-form-key-01"))
    assert done.status_code == 302 and done.headers["Location"] == f"{letter.portal_url}/receipt"
    answer = db.session.scalar(sa.select(DocumentAnswer))
    assert answer.submitted_by == world.users["authority"].actor
    tasks = db.session.scalars(sa.select(HumanTask).where(HumanTask.element_id == "authority_reply")).all()
    assert {t.completed_by for t in tasks} == {world.users["authority"].actor}
    assert official.get(f"{letter.portal_url}/receipt.pdf").mimetype == "application/pdf"


def test_a_signed_out_autosave_asks_to_sign_in_instead_of_losing_the_text(app, world, letter):
    official = Pages(app.test_client()).as_(world, "authority")
    official.get(letter.portal_url)
    official.post("/logout")
    stale = official.post(f"{letter.portal_url}/draft", {"official_name": "Ганна"}, csrf=False)
    assert stale.status_code in (400, 401)  # the session (and its form token) is gone
    # The form itself sends a signed-out browser to sign in, and back to the form afterwards.
    again = official.get(letter.portal_url)
    assert again.status_code == 302 and "/login?next=" in again.headers["Location"]


def test_another_authority_reaches_nothing_by_guessing_ids(app, world, letter, db, lawyer):
    pages = Pages(app.test_client())
    pages.get(letter.url)
    pages.post(
        letter.url,
        {"action": "draft", "idempotency_key": "g" * 24, "evidence": files(("акт.pdf", samples.pdf()))},
        content_type="multipart/form-data",
    )
    row = db.session.scalar(sa.select(EvidenceFile))
    stranger = Pages(app.test_client()).as_(world, "other_authority")
    assert stranger.get(letter.portal_url).status_code == 404
    assert stranger.post(letter.portal_url, answer_form(letter)).status_code == 404
    assert stranger.get(f"{letter.portal_url}/files/{row.id}").status_code == 404
    assert stranger.get(f"/evidence/{row.id}").status_code == 404
    assert stranger.get(f"/recommendations/{letter.recs[0].id}").status_code in (403, 404)
    assert stranger.get(f"/documents/{letter.doc.id}").status_code in (403, 404)
    # Its own letter's link does not open the other letter's files either.
    own = Pages(app.test_client())
    assert own.get(f"/respond/{'A' * 43}/files/{row.id}").status_code == 404
    # The owner sees it; staff open it inline on the recommendation's page.
    assert pages.get(f"{letter.url}/files/{row.id}").status_code == 200


def test_api_keeps_other_authorities_out_and_lets_a_lawyer_revoke(app, world, letter, db, api):
    pages = Pages(app.test_client())
    pages.get(letter.url)
    pages.post(
        letter.url,
        answer_form(letter, key="api-test-key-000001", evidence=files(("акт.pdf", samples.pdf()))),
        content_type="multipart/form-data",
    )
    row = db.session.scalar(sa.select(EvidenceFile))
    stranger = api["other_authority"]
    assert stranger.get(f"/api/v1/evidence/{row.id}").status_code == 404
    # Another authority's recommendation answers as a missing one does (not an empty list).
    hidden = stranger.get(f"/api/v1/recommendations/{letter.recs[0].id}/evidence")
    missing = stranger.get("/api/v1/recommendations/987654/evidence")
    assert hidden.status_code == missing.status_code == 404
    owner = api["authority"]
    assert owner.get(f"/api/v1/evidence/{row.id}").status_code == 200
    # The registry of a letter's links is the Office's (documents.read), even for the addressee.
    assert owner.get(f"/api/v1/documents/{letter.doc.id}/reply-links").status_code == 403
    lawyer = api["lawyer"]
    listed = lawyer.get(f"/api/v1/recommendations/{letter.recs[0].id}/evidence").get_json()
    assert [f["name"] for f in listed] == ["акт.pdf"] and listed[0]["content_type"] == "application/pdf"
    links = lawyer.get(f"/api/v1/documents/{letter.doc.id}/reply-links").get_json()
    assert links[0]["state"] == "active" and links[0]["openings"] == 1
    assert stranger.post(f"/api/v1/reply-links/{links[0]['id']}/revoke").status_code == 403
    revoked = lawyer.post(f"/api/v1/reply-links/{links[0]['id']}/revoke")
    assert revoked.status_code == 200 and revoked.get_json()["state"] == "revoked"
    assert lawyer.post(f"/api/v1/reply-links/{links[0]['id']}/revoke").status_code == 409


def test_staff_open_images_and_pdfs_inline_and_other_files_as_downloads(app, lawyer, letter, db):
    pages = Pages(app.test_client())
    pages.get(letter.url)
    pages.post(
        letter.url,
        answer_form(
            letter,
            key="staff-view-key-00001",
            evidence=files(("фото.png", samples.png()), ("наказ.docx", samples.docx())),
        ),
        content_type="multipart/form-data",
    )
    rows = db.session.scalars(sa.select(EvidenceFile).order_by(EvidenceFile.id)).all()
    page = lawyer.get(f"/recommendations/{letter.recs[0].id}")
    body = page.get_data(as_text=True)
    assert "Докази" in text(page) and f"/evidence/{rows[0].id}" in body and f"/evidence/{rows[1].id}" in body
    image = lawyer.get(f"/evidence/{rows[0].id}")
    assert image.mimetype == "image/png" and image.headers["Content-Disposition"].startswith("inline;")
    document = lawyer.get(f"/evidence/{rows[1].id}")
    assert document.headers["Content-Disposition"].startswith("attachment;")
    assert document.headers["X-Content-Type-Options"] == "nosniff"


def test_a_monitors_internal_photo_never_leaves_the_office(app, world, db, letter):
    from workflows.answers import evidence

    monitor = Pages(app.test_client()).as_(world, "monitor")
    monitor.get(f"/visits/{world.visit_id}")
    done = monitor.post(
        f"/findings/{world.finding_id}/evidence",
        {"evidence": files(("камера.jpg", samples.jpeg())), "internal_only": "1"},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    row = db.session.scalar(sa.select(EvidenceFile).where(EvidenceFile.finding_id == world.finding_id))
    assert row.internal_only and row.uploaded_by == world.users["monitor"].actor
    assert "не виходить за межі Офісу" in text(monitor.get(f"/visits/{world.visit_id}"))
    assert monitor.get(f"/evidence/{row.id}").status_code == 200
    official = Pages(app.test_client()).as_(world, "authority")
    assert official.get(f"/evidence/{row.id}").status_code == 404
    assert not evidence.may_see(row, authority_id=world.colony_admin.id)
    assert evidence.outgoing([row]) == []
    refused = monitor.post(
        f"/findings/{world.finding_id}/evidence",
        {"evidence": files(("звіт.pdf", samples.executable()))},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Файли такого типу не приймаються" in text(refused)


def test_when_no_recommendation_awaits_a_reply_the_link_takes_no_answer(pages, letter, db, scenario):
    # Both replies came another way (the first-wave link of each recommendation, say).
    for rec in letter.recs:
        scenario.complete(rec, "authority_reply", {"reply_text": "Відповідь листом."}, by="authority")
    page = pages.get(letter.url)
    assert page.status_code == 200
    assert "Відповідь на цей лист більше не очікується" in text(page) and "Надіслати відповідь" not in text(
        page
    )
    refused = pages.post(letter.url, answer_form(letter, key="too-late-answer-0001"))
    assert refused.status_code == 409 and "Відповідь на цей лист більше не очікується." in text(refused)
    assert db.session.scalar(sa.select(sa.func.count(DocumentAnswer.id))) == 0


def test_the_openapi_document_lists_links_and_evidence(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for route in (
        "/api/v1/documents/{document_id}/reply-links",
        "/api/v1/reply-links/{link_id}/revoke",
        "/api/v1/recommendations/{recommendation_id}/evidence",
        "/api/v1/evidence/{evidence_id}",
    ):
        assert route in paths, route
    state = paths["/api/v1/documents/{document_id}/reply-links"]["get"]["responses"]["200"]
    assert "ReplyLinkOut" in str(state)


def test_another_authoritys_link_opens_only_its_own_letter(app, letter, db, desk, scenario):
    from workflows.documents import services as documents

    from .answer_world import SUBMISSION_TERM

    _place, other_admin, finding = scenario.place(
        region="kharkiv", kind="pretrial_detention", name_uk="Харківський СІЗО"
    )
    rec = scenario.recommendation(
        "Забезпечити конфіденційність медичних оглядів.", finding_id=finding.id, authority=other_admin
    )
    theirs = documents.draft(
        kind="submission",
        addressee_id=other_admin.id,
        recommendation_ids=[rec.id],
        author=desk.lawyer,
        term=SUBMISSION_TERM,
        signatory_id=desk.signatory.id,
    )
    db.session.commit()
    scenario.send_act(rec)
    documents.submit(desk.lawyer, theirs.id, expected_version=None)
    documents.approve(desk.manager, theirs.id, expected_version=None)
    documents.mark_sent(desk.manager, theirs.id)
    db.session.commit()
    from .answer_world import token_of

    their_url = f"/respond/{token_of(db, theirs.id)}"
    ours = Pages(app.test_client())
    ours.get(letter.url)
    ours.post(
        letter.url,
        {"action": "draft", "idempotency_key": "o" * 24, "evidence": files(("акт.pdf", samples.pdf()))},
        content_type="multipart/form-data",
    )
    row = db.session.scalar(sa.select(EvidenceFile))
    stranger = Pages(app.test_client())
    page = text(stranger.get(their_url))
    assert rec.number in page and letter.recs[0].number not in page and "акт.pdf" not in page
    assert stranger.get(f"{their_url}/files/{row.id}").status_code == 404
    assert stranger.get(f"{their_url}/receipt").status_code == 302  # nothing answered there yet
    # Naming our recommendations in their form changes nothing of ours.
    forged = answer_form(letter, key="forged-answer-key-01")
    stranger.post(their_url, forged)
    assert db.session.scalar(sa.select(sa.func.count(DocumentAnswer.id))) == 0
