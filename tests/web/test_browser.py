"""The lawyer's day in a real browser (Debian's Chromium, headless, through Playwright).

Runs on both database backends like every test: on PostgreSQL the story takes about as long as on
SQLite, because the time goes to the browser, not to the database.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .scenario import Scenario

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def overdue_story(scenario: Scenario, world):
    """Three drafts on Thursday 26.11.2026: the critical one is a day overdue, two are not."""
    _sizo, sizo_admin, sizo_finding = scenario.place(
        region="kharkiv",
        kind="pretrial_detention",
        name_uk="Харківський слідчий ізолятор",
        name_en="Kharkiv SIZO",
    )
    overdue = scenario.recommendation(
        "Забезпечити дієву вентиляцію в камерах дільниці карантину.", severity="critical"
    )
    scenario.recommendation(
        "Забезпечити конфіденційність медичних оглядів.",
        severity="high",
        finding_id=sizo_finding.id,
        authority=sizo_admin,
    )
    scenario.recommendation("Облаштувати прогулянкові дворики навісами від опадів.", severity="low")
    scenario.clock.advance(days=3)
    numbers = {"overdue": overdue.number, "id": overdue.id, "lawyer": world.users["lawyer"].email}
    scenario.done()  # the browser writes next; this session holds no transaction
    return numbers


def sign_in(page, live_server, email: str, next_path: str = "/inbox") -> None:
    page.goto(f"{live_server.url}{next_path}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_text("Увійдіть, щоб продовжити.")).to_be_visible()
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Увійти").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))
    page.wait_for_load_state()  # the page's scripts (keyboard shortcuts, htmx) are in place


def test_a_lawyer_finds_an_overdue_task_claims_it_completes_it_and_sees_the_process(
    page, live_server, world, overdue_story, screenshot
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, overdue_story["lawyer"])
    expect(page.get_by_role("heading", name="Вхідні")).to_be_visible()
    rows = page.locator("tr.inbox-row")
    expect(rows).to_have_count(3)

    # Find it by the filter (htmx swaps the list in place and the URL stays bookmarkable).
    page.get_by_role("link", name=re.compile(r"^Прострочені")).click()
    expect(page).to_have_url(re.compile(r"/inbox\?overdue=1$"))
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(overdue_story["overdue"])
    expect(row).to_contain_text("Прострочено на 1 день")
    expect(row).to_contain_text("25.11.2026")  # Kyiv date, though the browser lives in New York

    row.get_by_role("button", name="Взяти в роботу").click()
    expect(page.get_by_text("Завдання взято в роботу.")).to_be_visible()
    expect(rows.first).to_contain_text("Ваше")
    expect(page.get_by_role("link", name=re.compile(r"^Мої завдання"))).to_contain_text("1")
    screenshot(page, "inbox")

    rows.first.get_by_role("link", name="Підготувати акт реагування").click()
    expect(page.get_by_role("heading", name="Підготувати акт реагування")).to_be_visible()
    expect(page.get_by_text("Ви працюєте над цим завданням.")).to_be_visible()
    page.get_by_label("Подання").check()
    page.get_by_label("Текст акта реагування").fill("Коротко.")
    page.get_by_label("Хто підписує").fill("Представник Уповноваженого з питань НПМ")
    page.get_by_role("button", name="Завершити").click()

    # The message stands beside the field, in Ukrainian; what was typed is still there.
    error = page.locator("#field-act_text-error")
    expect(error).to_have_text("Введіть щонайменше 20 символів.")
    expect(page.get_by_label("Текст акта реагування")).to_have_value("Коротко.")
    expect(page.get_by_label("Текст акта реагування")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Подання")).to_be_checked()
    screenshot(page, "task")

    page.get_by_label("Текст акта реагування").fill(
        "Вимагаємо забезпечити дієву вентиляцію камер дільниці карантину протягом місяця."
    )
    page.get_by_role("button", name="Завершити").click()
    expect(page).to_have_url(re.compile(r"/inbox\?overdue=1$"))
    expect(
        page.get_by_text(f"«Підготувати акт реагування» виконано для {overdue_story['overdue']}.")
    ).to_be_visible()
    expect(rows).to_have_count(0)

    # The recommendation: the diagram shows where the process is now (the manager's approval).
    page.goto(f"{live_server.url}/recommendations/{overdue_story['id']}")
    expect(page.get_by_role("heading", name=f"Рекомендація {overdue_story['overdue']}")).to_be_visible()
    diagram = page.locator("#diagram")
    expect(diagram).to_have_attribute("data-ready", "true", timeout=15000)
    expect(page.locator('.djs-element.is-active[data-element-id="approve_act"]')).to_have_count(1)
    expect(page.locator('.djs-element.is-completed[data-element-id="draft_act"]')).to_have_count(1)
    # The act became a document on its way to the manager: the step and both flows are marked.
    expect(
        page.locator(
            '.djs-connection.is-taken[data-element-id="flow_draft_act_to_prepare_act_document_step"]'
        )
    ).to_have_count(1)
    expect(
        page.locator(
            '.djs-connection.is-taken[data-element-id="flow_prepare_act_document_step_to_approve_act"]'
        )
    ).to_have_count(1)
    expect(page.get_by_text("Виконано: Підготувати акт реагування")).to_be_visible()
    expect(page.get_by_text("Вид акта реагування: Подання")).to_be_visible()
    screenshot(page, "recommendation")

    # English, on the same page.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=f"Recommendation {overdue_story['overdue']}")).to_be_visible()
    expect(page.get_by_role("heading", name="What happens now")).to_be_visible()
    expect(page.get_by_role("link", name="Approve the act of response")).to_be_visible()
    expect(page.get_by_text("Completed: Draft the act of response")).to_be_visible()
    expect(page.get_by_text("Kind of act: Submission")).to_be_visible()
    expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    screenshot(page, "recommendation-en")
    assert errors == []


def test_the_keyboard_is_enough_for_the_inbox(page, live_server, world, overdue_story):
    sign_in(page, live_server, overdue_story["lawyer"])
    page.keyboard.press("/")
    search = page.get_by_label(re.compile("Пошук у рекомендаціях"))
    expect(search).to_be_focused()
    search.press_sequentially("навіс", delay=30)
    expect(page.locator("tr.inbox-row")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%D0%BD%D0%B0%D0%B2%D1%96%D1%81"))
    page.locator("main").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    first = page.locator("tr.inbox-row .task-link").first
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Підготувати акт реагування")).to_be_visible()
    # Ctrl+S saves the draft without leaving the keyboard.
    page.get_by_label("Текст акта реагування").fill("Чернетка акта")
    page.keyboard.press("Control+s")
    expect(page.get_by_text("Чернетку збережено.")).to_be_visible()
    expect(page.get_by_label("Текст акта реагування")).to_have_value("Чернетка акта")
