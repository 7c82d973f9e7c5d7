"""The authority's own site (/portal) for signed-in officials: what was addressed to their authority
with its deadline, days left, urgency date, overdue and answers; documents received with their
PDFs; the lawyers' pages refused; another authority's officials told nothing (404 alike for pages,
PDFs and the API); a superior authority following its subordinate's recommendation read-only."""

from __future__ import annotations

import hashlib

import pytest

from engine import timers
from notifications import delivery
from workflows.documents import acts
from workflows.documents import services as documents

from .conftest import Pages, text

STAFF_WORDS = (
    "Взяти в роботу",
    "Завдання групи",
    "Мої завдання",
    "Вхідні",
    "виконано",
    "Відповідальний юрист",
)


@pytest.fixture
def sent(app, db, scenario, desk):
    """One recommendation sent through the process (an act of response) and a submission (document)
    covering the desk's three recommendations, sent to the colony."""
    rec = scenario.send_act(scenario.recommendation())
    doc = desk.approved()
    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    return rec, doc


def official(app, world, role="authority") -> Pages:
    return Pages(app.test_client()).as_(world, role)


def test_an_official_lands_on_the_portal_and_reads_what_was_addressed_to_the_authority(app, world, sent):
    rec, doc = sent
    pages = Pages(app.test_client())
    response = pages.login(world.users["authority"].email)
    assert response.headers["Location"] == "/"
    assert pages.get("/").headers["Location"] == "/portal"
    page = text(pages.get("/portal"))
    assert "Адміністрація Львівської виправної колонії № 48" in page
    assert f"Рекомендація {rec.number}" in page
    # The statutory deadline (received today, one month: 23.12.2026) and the whole days left.
    assert "Строк, встановлений законом 23.12.2026 Залишилось 30 днів" in page
    # The submission received, with its PDF, beside each recommendation it covers.
    assert f"Подання № {doc.number}" in page
    assert f'href="/portal/documents/{doc.id}.pdf"' in pages.get("/portal").get_data(as_text=True)
    # Nothing of the lawyers' screens: no claim, no group tasks, no other authorities to filter by.
    for word in STAFF_WORDS:
        assert word not in page, word
    assert "Одеськ" not in page and "Міністерство охорони здоров" not in page
    pdf = pages.get(f"/portal/documents/{doc.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    # The act of response the process sent, as it was e-mailed (the same bytes as the attachment).
    act = rec.acts[0]
    detail = pages.get(f"/portal/recommendations/{rec.id}").get_data(as_text=True)
    assert f'href="/portal/acts/{act.id}.pdf"' in detail
    act_pdf = pages.get(f"/portal/acts/{act.id}.pdf")
    assert act_pdf.status_code == 200 and act_pdf.mimetype == "application/pdf"
    assert hashlib.sha256(act_pdf.data).hexdigest() == acts.sent_pdf(act, rec).sha256


def test_the_lawyers_pages_refuse_an_official(app, world, sent, scenario):
    rec, doc = sent
    pages = official(app, world)
    task = scenario.task(rec, "authority_reply")
    for url in (
        "/inbox",
        "/recommendations",
        f"/recommendations/{rec.id}",
        f"/tasks/{task.id}",
        f"/documents/{doc.id}",
        "/visits",
        "/dashboard",
    ):
        response = pages.get(url)
        assert response.status_code == 403, url
    assert "Це сторінки Офісу" in text(pages.get("/inbox"))
    # The header offers the authority's own site only.
    header = pages.get("/portal").get_data(as_text=True)
    assert (
        'href="/portal"' in header
        and 'href="/inbox"' not in header
        and 'href="/recommendations"' not in header
    )


def test_overdue_and_the_urgency_date_as_the_official_reads_them(app, db, world, scenario, clock):
    rec = scenario.send_act(scenario.recommendation(severity="critical"))
    assert rec.urgency_due_at is not None
    pages = official(app, world)
    page = text(pages.get("/portal"))
    assert "вжити заходів до " in page and "(прохання, а не строк закону)" in page
    clock.advance(days=31)  # 24.12: the term ended on 23.12 without an answer
    timers.sweep(actor="test")
    delivery.deliver_due()
    db.session.commit()
    page = text(pages.get("/portal"))
    assert "Прострочено: 1" in page
    assert "Прострочено на 1 день" in page
    assert "Відповідь не надано в строк" in page


def test_an_answer_and_the_offices_decision_appear(app, db, world, scenario):
    rec = scenario.send_act(scenario.recommendation())
    scenario.complete(rec, "authority_reply", {"reply_text": "Вентиляцію встановлено."}, by="authority")
    pages = official(app, world)
    page = text(pages.get(f"/portal/recommendations/{rec.id}"))
    assert "Вентиляцію встановлено." in page and "Відповідь розглядається" in page
    home = text(pages.get("/portal"))
    assert "Наші відповіді 23.11.2026" in home


def test_another_authoritys_official_gets_404_for_guessed_ids(app, world, sent, api, scenario):
    rec, doc = sent
    other = official(app, world, "other_authority")
    theirs = text(other.get("/portal"))
    assert "Нам поки нічого не адресовано." in theirs
    assert rec.number not in theirs and doc.number not in theirs
    for url in (
        f"/portal/recommendations/{rec.id}",
        f"/portal/recommendations/{doc.recommendation_ids[0]}",
        f"/portal/documents/{doc.id}.pdf",
        f"/portal/documents/{doc.id}/answer",
        f"/portal/acts/{rec.acts[0].id}.pdf",
        "/portal/recommendations/999999",
        "/portal/documents/999999.pdf",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/portal/recommendations/{rec.id}/extension", {"reason": "x"}).status_code == 404
    # The same through the API: missing and hidden answer alike.
    for url in (
        f"/api/v1/recommendations/{rec.id}",
        f"/api/v1/documents/{doc.id}",
        f"/api/v1/documents/{doc.id}/pdf",
        f"/api/v1/recommendations/{doc.recommendation_ids[0]}/documents",
        "/api/v1/documents/999999",
    ):
        assert api["other_authority"].get(url).status_code == 404, url
    # The colony's own official reads them.
    mine = api["authority"].get(f"/api/v1/documents/{doc.id}")
    assert mine.status_code == 200 and mine.json["number"] == doc.number and mine.json["body"]
    # What the letter says, not how the Office drafted it.
    assert not {"author", "approver", "versions", "history", "return_comment"} & set(mine.json)
    assert {"author", "versions", "history"} <= set(api["lawyer"].get(f"/api/v1/documents/{doc.id}").json)
    assert api["authority"].get(f"/api/v1/documents/{doc.id}/pdf").mimetype == "application/pdf"
    listed = api["authority"].get(f"/api/v1/recommendations/{doc.recommendation_ids[0]}/documents").get_json()
    assert [d["id"] for d in listed] == [doc.id]


def test_an_official_never_sees_a_draft_document(app, db, world, desk, api):
    draft = desk.draft()
    db.session.commit()
    assert official(app, world).get(f"/portal/documents/{draft.id}.pdf").status_code == 404
    assert api["authority"].get(f"/api/v1/documents/{draft.id}").status_code == 404


def test_the_superior_authority_follows_its_subordinate_read_only(app, world, sent, api, scenario):
    rec, doc = sent
    regional = official(app, world, "regional")
    body = regional.get("/portal").get_data(as_text=True)
    page = text(regional.get("/portal"))
    assert "Адресовано органам нижчого рівня" in page and f"Рекомендація {rec.number}" in page
    assert "Строк, встановлений законом 23.12.2026" in page
    assert "Відповісти" not in page and "/respond/" not in body and "/answer" not in body
    detail = regional.get(f"/portal/recommendations/{rec.id}")
    assert detail.status_code == 200
    detail_page = text(detail)
    assert "який підпорядкований вашому" in detail_page
    # Not the correspondence: no act's text, no extension form, no answers.
    assert "Вимагаємо забезпечити вентиляцію" not in detail_page
    assert "Клопотати про продовження строку" not in detail_page and "Відповісти" not in detail_page
    # And every write is refused.
    refused = regional.post(
        f"/portal/recommendations/{rec.id}/extension", {"requested_until": "2027-01-20", "reason": "Ремонт."}
    )
    assert refused.status_code == 409
    assert regional.get(f"/portal/documents/{doc.id}.pdf").status_code == 404
    assert regional.get(f"/portal/acts/{rec.acts[0].id}.pdf").status_code == 404
    assert regional.post(f"/portal/documents/{doc.id}/answer", {}).status_code == 404
    task = scenario.task(rec, "authority_reply")
    done = api["regional"].post(
        f"/api/v1/tasks/{task.id}/complete", json={"data": {"reply_text": "Ні."}, "version": task.version}
    )
    assert done.status_code == 404  # another's task answers like a missing one
    assert scenario.task(rec, "authority_reply").status == "open"


def test_an_official_asks_for_an_extension_on_the_portal(app, db, world, scenario):
    rec = scenario.send_act(scenario.recommendation())
    pages = official(app, world)
    page = pages.get(f"/portal/recommendations/{rec.id}")
    assert "Клопотати про продовження строку" in text(page)
    bad = pages.post(
        f"/portal/recommendations/{rec.id}/extension", {"requested_until": "2026-12-01", "reason": ""}
    )
    assert bad.status_code == 422
    ok = pages.post(
        f"/portal/recommendations/{rec.id}/extension",
        {"requested_until": "2027-01-20", "reason": "Потрібен капітальний ремонт."},
    )
    assert ok.status_code == 302
    page = text(pages.get(f"/portal/recommendations/{rec.id}"))
    assert "очікується рішення" in page


def test_the_portal_in_english(app, world, scenario):
    rec = scenario.send_act(scenario.recommendation())
    pages = official(app, world)
    pages.post("/language", {"language": "en"})
    page = text(pages.get("/portal"))
    assert "Addressed to us" in page and "Awaiting our answer: 1" in page
    assert f"Recommendation {rec.number}" in page and "23.12.2026 30 days left" in page
    assert "Administration of Lviv Penal Colony No. 48" in page
