"""A returned and re-approved document in a real browser: the recommendation's page lists it, its
page reads whole, and its PDF opens from the link (Debian's Chromium through Playwright)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from workflows.documents import services as documents

from .test_browser import sign_in

pytestmark = pytest.mark.browser


def test_a_lawyer_opens_a_document_from_the_recommendation_page(page, live_server, desk, db, screenshot):
    doc = desk.draft(recs=desk.recs[:2])
    documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
    documents.return_for_rework(
        desk.manager, doc.id, comment="Уточніть перелік порушень.", expected_version=doc.version
    )
    documents.edit(desk.lawyer, doc.id, body=doc.body + "\n\nПерелік уточнено.", expected_version=doc.version)
    documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
    documents.approve(desk.manager, doc.id, expected_version=doc.version)
    documents.mark_sent(desk.manager, doc.id)
    rec_id, pdf_sha256, email = desk.recs[0].id, doc.pdf_sha256, desk.lawyer.email
    db.session.commit()
    db.session.close()

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server, email, f"/recommendations/{rec_id}")
    block = page.get_by_role("region", name=re.compile("^Вихідні документи"))
    expect(block).to_contain_text("Подання № 01-12/0001-26 від 23.11.2026")
    expect(block).to_contain_text("Надіслано")
    screenshot(page, "recommendation-outgoing-documents")

    block.get_by_role("link", name="Подання № 01-12/0001-26").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подання № 01-12/0001-26 від 23.11.2026")
    expect(page.locator(".document-body")).to_contain_text("Перелік уточнено.")
    page.get_by_text("Редакція 1").click()
    expect(page.get_by_text("Повернуто з коментарем: Уточніть перелік порушень.")).to_be_visible()
    screenshot(page, "document")

    with page.expect_response(re.compile(r"/documents/\d+\.pdf$")) as caught:
        page.evaluate(
            "url => fetch(url)", page.get_by_role("link", name="PDF, як надіслано").get_attribute("href")
        )
    response = caught.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["etag"] == f'"{pdf_sha256}"'
    assert errors == []
