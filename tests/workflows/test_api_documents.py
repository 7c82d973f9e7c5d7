"""The documents API (staff): one document with its text, versions and history; its PDF (as sent,
or a preview before); the documents of a recommendation. Monitors get 403; an authority's
officials read only what was sent to it."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from workflows.documents import services as documents

from .documents_world import pdf_text


def test_a_document_as_the_api_gives_it(api, desk, db):
    doc = desk.draft()
    documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
    documents.return_for_rework(
        desk.manager, doc.id, comment="Уточніть строки.", expected_version=doc.version
    )
    documents.edit(desk.lawyer, doc.id, body=doc.body + "\n\nСтроки уточнено.", expected_version=doc.version)
    documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
    documents.approve(desk.manager, doc.id, expected_version=doc.version)
    db.session.commit()

    response = api["lawyer"].get(f"/api/v1/documents/{doc.id}")
    assert response.status_code == 200, response.json
    body = response.json
    assert {
        k: body[k] for k in ("kind", "kind_title", "language", "status", "number", "number_date", "register")
    } == {
        "kind": "submission",
        "kind_title": "Подання",
        "language": "uk",
        "status": "approved",
        "number": "01-12/0001-26",
        "number_date": "2026-11-23",
        "register": "outgoing",
    }
    assert body["addressee"] == {
        "id": desk.world.colony_admin.id,
        "code": "COLONY-48",
        "name": "Адміністрація Львівської виправної колонії № 48",
    }
    assert body["recommendations"] == [{"id": r.id, "number": r.number} for r in desk.recs]
    assert body["signatory"] == {
        "id": desk.signatory.id,
        "name": "Дмитро ЛУБІНЕЦЬ",
        "position": "Уповноважений Верховної Ради України з прав людини",
    }
    assert body["author"]["name"] == "Олена Юрист" and body["approver"]["name"] == "Ірина Керівник"
    assert body["term"] == {
        "period": "P1M",
        "basis": "ст. 15 Закону України «Про Уповноваженого Верховної Ради України з прав людини»",
    }
    assert [(v["seq"], v["reason"], v["return_comment"]) for v in body["versions"]] == [
        (1, "drafted", "Уточніть строки."),
        (2, "edited", ""),
    ]
    assert [h["event"] for h in body["history"]] == [
        "document_drafted",
        "document_submitted",
        "document_returned",
        "document_edited",
        "document_submitted",
        "document_approved",
    ]
    assert body["pdf_url"] == f"/api/v1/documents/{doc.id}/pdf" and body["url"] == f"/documents/{doc.id}"
    assert body["pdf_sha256"] is None

    english = api["lawyer"].get(f"/api/v1/documents/{doc.id}", headers={"Accept-Language": "en"})
    assert english.json["kind_title"] == "Submission"


def test_the_pdf_is_a_preview_before_sending_and_the_kept_file_after(api, desk, db):
    doc = desk.approved()
    db.session.commit()
    preview = api["manager"].get(f"/api/v1/documents/{doc.id}/pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert preview.headers["Content-Disposition"] == (
        "inline; filename=\"No 01-12-0001-26.pdf\"; filename*=UTF-8''" + quote("Подання № 01-12-0001-26.pdf")
    )
    assert "№ 01-12/0001-26 від 23.11.2026" in pdf_text(preview.data)

    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    sent = api["manager"].get(f"/api/v1/documents/{doc.id}/pdf")
    assert hashlib.sha256(sent.data).hexdigest() == doc.pdf_sha256
    assert (
        sent.headers["ETag"] == f'"{doc.pdf_sha256}"' and sent.headers["X-Content-Type-Options"] == "nosniff"
    )
    assert api["manager"].get(f"/api/v1/documents/{doc.id}").json["pdf_sha256"] == doc.pdf_sha256


def test_a_recommendations_documents_newest_first(api, desk, db):
    grouped = desk.approved()
    single = desk.draft("letter", recs=[desk.recs[2]])
    db.session.commit()
    response = api["lawyer"].get(f"/api/v1/recommendations/{desk.recs[2].id}/documents")
    assert response.status_code == 200
    assert [(d["id"], d["kind"], d["status"], d["number"]) for d in response.json] == [
        (single.id, "letter", "draft", None),
        (grouped.id, "submission", "approved", "01-12/0001-26"),
    ]
    assert api["lawyer"].get("/api/v1/recommendations/999999/documents").status_code == 404


def test_monitors_get_403_and_officials_never_see_a_document_not_sent_to_them(api, desk, db):
    doc = desk.approved()
    db.session.commit()
    urls = (
        f"/api/v1/documents/{doc.id}",
        f"/api/v1/documents/{doc.id}/pdf",
        f"/api/v1/recommendations/{desk.recs[0].id}/documents",
    )
    for url in urls:
        response = api["monitor"].get(url)
        assert response.status_code == 403, url
        assert response.json["error"]["message"] == "Наразі документи відкриває лише персонал Секретаріату."
        # The addressee's officials (issue 16) read what was sent to them; an approved document not
        # yet sent answers like one that does not exist.
        assert api["authority"].get(url).status_code == 404, url
    assert api["lawyer"].get("/api/v1/documents/999999").status_code == 404
