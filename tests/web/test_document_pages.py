"""A document's page for the Office's staff — its text, facts, earlier versions with the manager's
comment, history — its PDF, and the outgoing documents listed on a recommendation's page."""

from __future__ import annotations

import hashlib

from workflows.documents import services as documents

from .conftest import Pages, text


def returned_then_sent(desk, db):
    doc = desk.draft()
    documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
    documents.return_for_rework(
        desk.manager, doc.id, comment="Додайте посилання на акт обстеження.", expected_version=doc.version
    )
    documents.edit(
        desk.lawyer, doc.id, body=doc.body + "\n\nАкт обстеження додається.", expected_version=doc.version
    )
    documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
    documents.approve(desk.manager, doc.id, expected_version=doc.version)
    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    return doc


def test_the_page_shows_the_text_facts_versions_and_history(lawyer, desk, db):
    doc = returned_then_sent(desk, db)
    page = lawyer.get(f"/documents/{doc.id}")
    assert page.status_code == 200
    body = text(page)
    assert "Подання № 01-12/0001-26 від 23.11.2026" in body
    assert "Надіслано" in body and "PDF, як надіслано" in body
    assert "Акт обстеження додається." in body
    assert "Адміністрація Львівської виправної колонії № 48" in body
    assert all(r.number in body for r in desk.recs)
    assert "Дмитро ЛУБІНЕЦЬ, Уповноважений Верховної Ради України з прав людини" in body
    assert "Попередні редакції 1 Редакція 1" in body
    assert "Повернуто з коментарем: Додайте посилання на акт обстеження." in body
    for event in (
        "Документ підготовлено",
        "Подано на погодження",
        "Повернуто на доопрацювання",
        "Чернетку змінено",
        "Погоджено та зареєстровано · № 01-12/0001-26",
        "Документ надіслано",
    ):
        assert event in body, event
    assert doc.pdf_sha256 in body


def test_the_pdf_link_gives_the_kept_file(lawyer, desk, db):
    doc = returned_then_sent(desk, db)
    response = lawyer.get(f"/documents/{doc.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == doc.pdf_sha256
    assert response.headers["Content-Disposition"].startswith("inline;")


def test_the_recommendation_page_lists_its_outgoing_documents(lawyer, desk, db):
    doc = desk.approved(recs=desk.recs[:2])
    db.session.commit()
    page = lawyer.get(f"/recommendations/{desk.recs[1].id}")
    assert "Вихідні документи 1 Подання № 01-12/0001-26 від 23.11.2026 Погоджено · PDF" in text(page)
    assert f'href="/documents/{doc.id}"' in page.get_data(as_text=True)
    without = lawyer.get(f"/recommendations/{desk.recs[2].id}")
    assert "Вихідні документи 0 Вихідних документів ще немає." in text(without)


def test_authorities_and_monitors_do_not_open_documents_yet(app, world, desk, db):
    doc = desk.approved()
    db.session.commit()
    for role in ("authority", "monitor"):
        pages = Pages(app.test_client()).as_(world, role)
        assert pages.get(f"/documents/{doc.id}").status_code == 403
        assert pages.get(f"/documents/{doc.id}.pdf").status_code == 403
    monitor = Pages(app.test_client()).as_(world, "monitor")
    assert "Вихідні документи" not in text(monitor.get(f"/recommendations/{desk.recs[0].id}"))
