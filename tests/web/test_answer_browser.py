"""An official answers a letter in a real browser (Debian's Chromium through Playwright): through the
letter's link with evidence files, a draft that survives closing the browser, the session that ends
while typing, and the clear page of a revoked link."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from workflows.answers.models import DocumentAnswer, EvidenceFile

from . import evidence_samples as samples
from .answer_world import letter_fixture  # noqa: F401  (the `letter` fixture)
from .test_browser import sign_in

pytestmark = pytest.mark.browser


def fill_answer(page, letter) -> None:
    first, second = letter.ids
    page.locator(f'input[name="items-{first}-claimed_status"][value="implemented"]').check()
    page.locator(f"#items-{first}-done_text").fill("Встановлено припливно-витяжну вентиляцію.")
    page.locator(f'input[name="items-{second}-claimed_status"][value="in_progress"]').check()
    page.locator(f"#items-{second}-done_text").fill("Укладено договір на підведення водогону.")
    page.locator(f"#items-{second}-measures-0-measure").fill("Підведення водогону")
    page.locator(f"#items-{second}-measures-0-planned_on").fill("2027-02-15")
    page.locator(f"#items-{second}-measures-0-responsible").fill("Іван Петренко")
    page.get_by_role("button", name="Додати захід").first.click()
    page.get_by_label("Ваше прізвище, ім'я та по батькові").fill("Ганна Коваль")
    page.get_by_label("Ваша посада").fill("Начальник відділу")


def test_an_official_answers_through_the_link_with_files_and_gets_a_receipt(
    page, live_server, letter, scenario, db, tmp_path, screenshot, app
):
    live_server_app_config = app.config
    scenario.done()
    good = tmp_path / "акт виконання.pdf"
    good.write_bytes(samples.pdf())
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(samples.jpeg())
    fake = tmp_path / "звіт.pdf"
    fake.write_bytes(samples.executable())
    page.goto(f"{live_server.url}{letter.url}")
    expect(page.get_by_role("heading", name=re.compile("Відповідь на лист"))).to_be_visible()
    fill_answer(page, letter)
    # An executable named .pdf is refused with a clear message; the good file of the batch is kept.
    page.locator("#evidence-input").set_input_files([str(good), str(fake)])
    page.get_by_role("button", name="Зберегти чернетку").click()
    expect(page.locator("#evidence-error")).to_contain_text("«звіт.pdf»: Файли такого типу не приймаються")
    expect(page.locator("[data-draft-files]")).to_contain_text("акт виконання.pdf")
    expect(page.locator(f"#items-{letter.ids[0]}-done_text")).to_have_value(
        "Встановлено припливно-витяжну вентиляцію."
    )
    # An oversized file and a name with folders are refused with their own messages.
    live_server_app_config["OMBUDSFLOW_EVIDENCE_MAX_FILE_MB"] = 1
    page.locator("#evidence-input").set_input_files(
        [
            {"name": "../../secret.pdf", "mimeType": "application/pdf", "buffer": samples.pdf()},
            {
                "name": "великий.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1),
            },
        ]
    )
    page.get_by_role("button", name="Зберегти чернетку").click()
    expect(page.locator("#evidence-error")).to_contain_text("Назва файлу не може містити папок або «..»")
    expect(page.locator("#evidence-error")).to_contain_text("«великий.pdf»: Файл більший за дозволені 1.0 МБ")
    page.locator("#evidence-input").set_input_files([str(photo)])
    screenshot(page, "answer-form-1366")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(page, "answer-form-360")
    page.set_viewport_size({"width": 1366, "height": 800})
    page.get_by_role("button", name="Надіслати відповідь").dblclick()
    expect(page.get_by_role("heading", name="Вашу відповідь зареєстровано")).to_be_visible()
    reference = page.locator("[data-reference]").inner_text()
    assert reference.startswith("ВД-2026-")
    expect(page.get_by_role("link", name="акт виконання.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="IMG_0042.jpg")).to_be_visible()
    screenshot(page, "answer-receipt")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(DocumentAnswer.id))) == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count(EvidenceFile.id)).where(EvidenceFile.answer_id.is_not(None))
        )
        == 2
    )
    scenario.done()


def test_a_draft_comes_back_after_the_browser_is_closed(browser, live_server, letter, scenario):
    scenario.done()
    first = browser.new_context(locale="uk-UA")
    page = first.new_page()
    page.goto(f"{live_server.url}{letter.url}")
    field = page.locator(f"#items-{letter.ids[0]}-done_text")
    field.fill("Половину камер обладнано вентиляцією.")
    # The page saves by itself a moment after typing stops.
    expect(page.locator("[data-autosave-status][data-saved]")).to_be_attached()
    first.close()  # the browser is closed; nothing of it is left
    second = browser.new_context(locale="uk-UA")
    again = second.new_page()
    again.goto(f"{live_server.url}{letter.url}")
    expect(again.locator(f"#items-{letter.ids[0]}-done_text")).to_have_value(
        "Половину камер обладнано вентиляцією."
    )
    expect(again.get_by_text("Вашу чернетку відновлено.")).to_be_visible()
    second.close()


def test_the_text_is_kept_when_the_session_ends_while_typing(page, live_server, letter, world, scenario):
    email = world.users["authority"].email
    scenario.done()
    sign_in(page, live_server, email, letter.portal_url)
    field = page.locator(f"#items-{letter.ids[0]}-done_text")
    field.fill("Перший абзац відповіді.")
    expect(page.locator("[data-autosave-status][data-saved]")).to_be_attached()
    page.context.clear_cookies()  # the session ends (timeout, or signed out in another tab)
    field.fill("Перший абзац відповіді. Другий абзац, набраний після завершення сеансу.")
    expect(page.locator("[data-session-lost]")).to_be_visible()
    expect(page.get_by_text("Ваш сеанс завершився.")).to_be_visible()
    page.get_by_role("link", name="Увійти знову").click()
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль").fill("correct horse battery")
    page.locator("main").get_by_role("button", name="Увійти").click()
    expect(page).to_have_url(re.compile(re.escape(letter.portal_url) + "$"))
    expect(page.locator(f"#items-{letter.ids[0]}-done_text")).to_have_value(
        re.compile("Другий абзац, набраний після завершення сеансу.")
    )


def test_a_revoked_link_gets_a_clear_page(page, live_server, letter, lawyer, db, scenario):
    from workflows.answers import links

    link = links.of_document(letter.doc_id)[0]
    links.revoke(link.id, actor="test")
    db.session.commit()
    scenario.done()
    response = page.goto(f"{live_server.url}{letter.url}")
    assert response.status == 410
    expect(page.get_by_role("heading", name="Це посилання відкликано")).to_be_visible()
    expect(page.locator("[data-office-email]")).to_be_visible()
    tampered = page.goto(f"{live_server.url}/respond/{letter.token[:-2]}xx")
    assert tampered.status == 404
    expect(page.get_by_role("heading", name="Посилання недійсне")).to_be_visible()


def test_a_link_revoked_while_typing_keeps_the_text_and_says_whom_to_write_to(
    page, live_server, letter, db, scenario
):
    from workflows.answers import links

    scenario.done()
    page.goto(f"{live_server.url}{letter.url}")
    field = page.locator(f"#items-{letter.ids[0]}-done_text")
    field.fill("Текст, набраний до відкликання.")
    expect(page.locator("[data-autosave-status][data-saved]")).to_be_attached()
    links.revoke(links.of_document(letter.doc_id)[0].id, actor="test")
    db.session.commit()
    scenario.done()
    field.fill("Текст, набраний до відкликання. І після нього.")
    expect(page.locator("[data-session-lost]")).to_be_visible()
    expect(page.get_by_text("Це посилання більше не приймає відповідей.")).to_be_visible()
    expect(field).to_have_value("Текст, набраний до відкликання. І після нього.")
    # Sending anyway shows the clear page with the text to copy.
    page.get_by_role("button", name="Надіслати відповідь").click()
    expect(page.get_by_role("heading", name="Це посилання відкликано")).to_be_visible()
    expect(page.locator("[data-kept-text]")).to_contain_text("І після нього.")
