"""The file store: bytes kept once by hash under the configured directory, written atomically,
typed by their content, names made safe; refusals are field errors in the user's language."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
import sqlalchemy as sa

from workflows.files import store, types
from workflows.files.models import StoredFile
from workflows.files.names import FileNameRefused, clean_filename
from workflows.files.store import FileRefused

PDF_TYPES = {types.PDF}
EVIDENCE_TYPES = {
    types.PDF,
    types.JPEG,
    types.PNG,
    "image/heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
}


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


SAMPLES = {
    "application/pdf": b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    "image/png": png(),
    "image/jpeg": bytes.fromhex("ffd8ffe000104a46494600010100000100010000") + b"\0" * 64 + b"\xff\xd9",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": docx(),
    "application/vnd.oasis.opendocument.text": odt(),
    "image/heic": struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0mif1heic" + b"\0" * 32,
}
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 120


def test_bytes_are_kept_once_by_hash_with_a_row_per_upload(app, db, tmp_path):
    data = SAMPLES["application/pdf"]
    first = store.store(data, filename="акт.pdf", actor="user:1", purpose="evidence")
    second = store.store(io.BytesIO(data), filename="копія акта.pdf", actor="user:2")
    db.session.commit()

    assert first.sha256 == second.sha256 and first.id != second.id
    path = tmp_path / "files" / first.sha256[:2] / first.sha256[2:4] / first.sha256
    assert store.path_of(first.sha256) == path and path.read_bytes() == data
    assert (first.size, first.content_type, first.original_name, first.purpose, first.created_by) == (
        len(data),
        "application/pdf",
        "акт.pdf",
        "evidence",
        "user:1",
    )
    assert second.original_name == "копія акта.pdf"
    assert list((tmp_path / "files" / "tmp").iterdir()) == []  # no half-written file left behind
    assert store.read_bytes(first.sha256) == data and store.verify(first.sha256)
    path.write_bytes(data + b"tampered")
    assert not store.verify(first.sha256)


def test_the_directory_is_a_setting(app, db, tmp_path):
    app.config["OMBUDSFLOW_FILES_DIR"] = str(tmp_path / "elsewhere")
    stored = store.store(b"%PDF-1.4 x", filename="a.pdf", actor="test")
    assert (tmp_path / "elsewhere" / stored.sha256[:2] / stored.sha256[2:4] / stored.sha256).is_file()


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_the_type_comes_from_the_bytes_not_the_name(app, db, content_type):
    stored = store.store(
        SAMPLES[content_type], filename="file.txt", actor="test", allowed_types=EVIDENCE_TYPES
    )
    assert stored.content_type == content_type


def test_an_executable_renamed_pdf_is_refused_with_a_clear_message(app, db, tmp_path):
    with pytest.raises(FileRefused) as caught:
        store.store(ELF, filename="акт.pdf", actor="test", allowed_types=EVIDENCE_TYPES, field="evidence")
    message = caught.value.fields["evidence"][0]
    assert message.startswith("Файли такого типу не приймаються (вміст: ELF).")  # named as people know it
    assert "Дозволено: DOCX, HEIC, JPEG, ODT, PDF, PNG." in message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
    assert not any(p.is_file() for p in (tmp_path / "files").rglob("*"))


def test_too_large_and_empty_files_are_refused(app, db):
    with pytest.raises(FileRefused) as caught:
        store.store(
            io.BytesIO(b"%PDF-" + b"x" * 3_000_000), filename="a.pdf", actor="t", max_bytes=2 * 1024 * 1024
        )
    assert caught.value.fields == {"file": ["Файл більший за дозволені 2.0 МБ."]}
    with pytest.raises(FileRefused) as caught:
        store.store(b"", filename="a.pdf", actor="t")
    assert caught.value.fields == {"file": ["Файл порожній."]}


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("..", "file"),
        ("", "file"),
        ("звіт\x00\x1b[31m.pdf", "звіт[31m.pdf"),
        ("a\u202egpj.exe", "agpj.exe"),  # right-to-left override (Cf) dropped
        ('акт: "вентиляція" <1>?.pdf', "акт_ _вентиляція_ _1__.pdf"),
        ("  .hidden  ", "hidden"),
        ("CON.txt", "_CON.txt"),
        ("я" * 300 + ".pdf", "я" * 196 + ".pdf"),
        ("Фото з телефону.HEIC", "Фото з телефону.HEIC"),
    ],
)
def test_file_names_are_made_safe(name, clean):
    assert clean_filename(name) == clean


def test_strict_names_refuse_folders_and_control_characters(app):
    with pytest.raises(FileNameRefused) as caught:
        clean_filename("../акт.pdf", strict=True, field="evidence")
    assert caught.value.fields == {
        "evidence": ["Назва файлу не може містити папок або «..»: надішліть сам файл."]
    }
    with pytest.raises(FileNameRefused):
        clean_filename("акт\x07.pdf", strict=True)
    assert clean_filename("акт 2026.pdf", strict=True) == "акт 2026.pdf"


def test_a_hash_is_the_only_way_to_a_path(app):
    with pytest.raises(ValueError):
        store.path_of("../../etc/passwd")
    with pytest.raises(LookupError):
        store.read_bytes("0" * 64)
