"""A manager's look at the dashboard in a real browser (Debian's Chromium through Playwright): from an
overdue bucket to its list, and the list exported as XLSX and read back."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from . import dataset

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def known(db, world):
    data = dataset.build(db, world)
    numbers = {label: r.number for label, r in data.recs.items()}
    numbers["manager"] = world.users["manager"].email
    db.session.commit()
    db.session.close()  # the browser's requests write (sign-in); this session holds no transaction
    return numbers


def sign_in(page, live_server, email: str, next_path: str) -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Увійти").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def test_a_manager_drills_down_from_an_overdue_bucket_and_exports_the_list(
    page, live_server, world, known, screenshot, tmp_path
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, known["manager"], "/dashboard?period=year")
    expect(page.get_by_role("heading", name="Панель", exact=True)).to_be_visible()
    overdue = page.locator(".kpi--danger .kpi__value")
    expect(overdue).to_have_text("7")
    expect(page.get_by_role("link", name="Панель")).to_have_attribute("aria-current", "page")
    screenshot(page, "dashboard")

    # The chart's bar for 8–30 days is a link to the list behind it.
    page.locator('svg a[aria-label="8–30 днів: 2"]').click()
    expect(page).to_have_url(re.compile(r"/recommendations\?overdue_days=8-30$"))
    expect(page.locator("#list-total")).to_have_text("2 рекомендації")
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(known["A4"])
    expect(rows.nth(1)).to_contain_text(known["A3"])
    expect(page.locator(".chip")).to_contain_text("Прострочено на 8–30 днів")
    screenshot(page, "dashboard-drilldown")

    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    download = info.value
    assert re.fullmatch(r"рекомендації-2026-11-23\.xlsx", download.suggested_filename)
    path = tmp_path / "export.xlsx"
    download.save_as(path)
    sheet = load_workbook(path).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = table[0]
    assert header[:7] == [
        "Номер",
        "Рекомендація",
        "Серйозність",
        "Категорія",
        "Стан",
        "Кінцевий строк",
        "Днів прострочено",
    ]
    assert [(r[0], r[4], r[6], r[9]) for r in table[1:]] == [
        (known["A4"], "Звернення до вищестоящого органу", 30, "Харківський слідчий ізолятор"),
        (known["A3"], "Відповідь прострочено", 8, "Львівська виправна колонія № 48"),
    ]
    assert table[2][5].date().isoformat() == "2026-11-15"  # the deadline as a Kyiv date cell

    # The same dashboard in English.
    page.goto(f"{live_server.url}/dashboard?period=year")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="By authority, with subordinates")).to_be_visible()
    screenshot(page, "dashboard-en")
    assert errors == []
