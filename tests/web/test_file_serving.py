"""Stored files leave the site one way (web/files.py): typed by their bytes, inline only for PDFs
and images, a download for anything else, never sniffed by the browser, under a restrictive CSP."""

from __future__ import annotations

import pytest

from tests.workflows.test_files import ELF, SAMPLES
from web.files import CSP_PDF, CSP_SANDBOXED, download_name, send_stored
from workflows.files import store

HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.fixture
def served(app, db):
    """A route that serves stored file <id> the way every page will (added before any request)."""

    def serve(file_id):
        return send_stored(store.get(file_id))

    app.add_url_rule("/test-files/<int:file_id>", "test_file", serve)
    return app.test_client()


def put(db, data, name):
    stored = store.store(data, filename=name, actor="test")
    db.session.commit()
    return stored


@pytest.mark.parametrize(
    ("data", "name", "content_type", "disposition"),
    [
        (
            SAMPLES["application/pdf"],
            "акт.pdf",
            "application/pdf",
            "inline; filename=\"file.pdf\"; filename*=UTF-8''%D0%B0%D0%BA%D1%82.pdf",
        ),
        (
            SAMPLES["image/png"],
            "фото",
            "image/png",
            "inline; filename=\"file.png\"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE.png",
        ),
        (SAMPLES["image/jpeg"], "photo.jpeg", "image/jpeg", 'inline; filename="photo.jpeg"'),
        (
            SAMPLES["application/vnd.oasis.opendocument.text"],
            "звіт.odt",
            "application/vnd.oasis.opendocument.text",
            "attachment; filename=\"file.odt\"; filename*=UTF-8''%D0%B7%D0%B2%D1%96%D1%82.odt",
        ),
        (HTML, "page.html", "application/octet-stream", 'attachment; filename="page.html"'),
        (
            ELF,
            "акт.pdf",
            "application/x-executable",
            "attachment; filename=\"pdf.elf\"; filename*=UTF-8''%D0%B0%D0%BA%D1%82.pdf.elf",
        ),
    ],
)
def test_each_type_is_served_inline_or_as_a_download(served, db, data, name, content_type, disposition):
    stored = put(db, data, name)
    response = served.get(f"/test-files/{stored.id}")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == content_type
    assert response.headers["Content-Disposition"] == disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    expected_csp = CSP_PDF if content_type == "application/pdf" else CSP_SANDBOXED
    assert response.headers["Content-Security-Policy"] == expected_csp
    assert ("sandbox" in expected_csp) == (content_type != "application/pdf")
    assert response.headers["ETag"] == f'"{stored.sha256}"'


def test_the_hash_is_the_etag(served, db):
    stored = put(db, SAMPLES["image/png"], "a.png")
    again = served.get(f"/test-files/{stored.id}", headers={"If-None-Match": f'"{stored.sha256}"'})
    assert again.status_code == 304 and again.data == b""


def test_download_names_get_the_extension_of_the_real_type():
    assert download_name("../звіт", "application/pdf") == "звіт.pdf"
    assert download_name("scan.JPG", "image/jpeg") == "scan.JPG"
    assert download_name("scan.jpeg", "image/jpeg") == "scan.jpeg"
    assert download_name("notes.txt", "application/octet-stream") == "notes.txt"
