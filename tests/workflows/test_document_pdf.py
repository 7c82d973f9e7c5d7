"""Each kind of document as the PDF its addressee files, read back as text: number, date,
addressee, signatory, the statutory term where the kind has one; a draft is marked as one; the
first wave's act of response keeps its PDF (now made and kept by the domain)."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.documents import services as documents
from workflows.documents.kinds import KINDS, TERM_REQUIRED
from workflows.documents.pdf import Letter, filename, render
from workflows.files import store
from workflows.users import grants

from .documents_world import SUBMISSION_TERM, pdf_text

TITLES = {
    "submission": "ПОДАННЯ",
    "information_request": "ЗАПИТ ПРО НАДАННЯ ІНФОРМАЦІЇ",
    "letter": "ЛИСТ",
    "repeat_request": "ПОВТОРНИЙ ЗАПИТ",
    "superior_letter": "ЗВЕРНЕННЯ ДО ВИЩЕСТОЯЩОГО ОРГАНУ",
    "protocol": "ПРОТОКОЛ ПРО АДМІНІСТРАТИВНЕ ПРАВОПОРУШЕННЯ",
    "closing_notice": "ПОВІДОМЛЕННЯ ПРО ЗНЯТТЯ З КОНТРОЛЮ",
    "extension_decision": "РІШЕННЯ ЩОДО КЛОПОТАННЯ ПРО ПРОДОВЖЕННЯ СТРОКУ",
}
DETAILS = {
    "protocol": {
        "official_name": "Іван ПЕТРЕНКО",
        "official_position": "начальник колонії",
        "offence_date": "2026-12-24",
    },
    "superior_letter": {"subordinate": "Адміністрація Львівської виправної колонії № 48"},
    "extension_decision": {"granted": True, "new_due": "2027-01-31", "requested_until": "2027-01-31"},
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_renders_with_number_date_addressee_signatory_and_term(desk, db, clock, kind):
    grants.grant(desk.lawyer, "draw_protocols", actor="test")
    addressee = desk.world.regional if kind == "superior_letter" else desk.world.colony_admin
    term = SUBMISSION_TERM if kind in TERM_REQUIRED else None
    doc = desk.draft(kind, addressee_id=addressee.id, term=term, details=DETAILS.get(kind))
    if documents.approval.needs_approval(kind):
        documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
        documents.approve(desk.manager, doc.id, expected_version=doc.version)
    documents.mark_sent(desk.manager, doc.id, expected_version=doc.version)
    db.session.commit()

    text = pdf_text(store.read_bytes(doc.pdf_sha256))
    prefix = "ПР" if kind == "protocol" else "01-12/"
    assert doc.number.startswith(prefix)
    for expected in (
        TITLES[kind],
        f"№ {doc.number} від 23.11.2026",
        addressee.name_uk,
        "Дмитро ЛУБІНЕЦЬ",
        "Уповноважений Верховної Ради України з прав людини",
    ):
        assert expected in text, (kind, expected)
    statutory = "Установлений законом строк: 1 місяць з дня отримання (ст. 15 Закону України"
    assert (statutory in text) == (kind in TERM_REQUIRED)
    assert "ПРОЄКТ" not in text
    if kind == "protocol":
        assert (
            "Іван ПЕТРЕНКО, начальник колонії" in text and "Дата вчинення правопорушення: 24.12.2026" in text
        )


def test_a_letter_states_a_term_only_when_given_one(desk, db):
    with_term = desk.draft("letter", term=documents.Term("P15D", ""))
    without = desk.draft("letter")
    assert "Установлений законом строк: 15 днів з дня отримання." in pdf_text(
        documents.pdf_of(with_term).data
    )
    assert "Установлений законом строк" not in pdf_text(documents.pdf_of(without).data)


def test_the_preview_of_a_draft_is_marked_and_has_no_number_yet(desk, db):
    doc = desk.draft(urgent_by=date(2026, 12, 1))
    text = pdf_text(documents.pdf_of(doc).data)
    assert text.startswith("ПРОЄКТ — не погоджено, не для надсилання")
    assert "№ ________ від __________" in text
    assert "З огляду на загрозу життю та здоров’ю просимо вжити заходів до 01.12.2026." in text


def test_an_english_submission_for_an_international_addressee(desk, db):
    doc = desk.draft(language="en", term=documents.Term("P1M", "Article 15 of the Ombudsman Law"))
    documents.submit(desk.lawyer, doc.id, expected_version=doc.version)
    documents.approve(desk.manager, doc.id, expected_version=doc.version)
    text = pdf_text(documents.pdf_of(doc).data)
    for expected in (
        "UKRAINIAN PARLIAMENT COMMISSIONER FOR HUMAN RIGHTS",
        "SUBMISSION",
        "No. 01-12/0001-26 of 23.11.2026",
        "Administration of Lviv Penal Colony No. 48",
        "Under Articles 13, 15 and 19-1",
        "Statutory term: 1 month from the day of receipt (Article 15 of the Ombudsman Law).",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("language", "title", "number_line"),
    [
        ("uk", "ЗАПИТ ПРО НАДАННЯ ІНФОРМАЦІЇ", "№ 7/НПМ-2026 від 23.11.2026"),
        ("en", "REQUEST FOR INFORMATION", "No. 7/НПМ-2026 of 23.11.2026"),
    ],
)
def test_a_letter_renders_in_its_own_language(app, language, title, number_line):
    letter = Letter(
        language=language,
        title="Запит про надання інформації" if language == "uk" else "Request for information",
        addressee="ДУ «Київський слідчий ізолятор»",
        body="Текст запиту.",
        number="7/НПМ-2026",
        number_date=date(2026, 11, 23),
        signatory_name="Дмитро ЛУБІНЕЦЬ",
    )
    text = pdf_text(render(letter))
    assert title in text and number_line in text
    assert filename(letter.title, letter.number, language).endswith("7-НПМ-2026.pdf")
