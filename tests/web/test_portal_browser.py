"""The authority's site in a real browser (Debian's Chromium through Playwright): an official signs
in and lands on /portal, reads the deadline and days left, opens the submission's PDF and a
recommendation; a superior follows its subordinate read-only; and on a phone 360 px wide the portal
and the reply form behind a letter's link fit the screen. Screenshots at 1366 and 360 px go to
test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from workflows import links
from workflows.documents import services as documents

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def story(app, db, scenario, desk, world):
    rec = scenario.send_act(scenario.recommendation(severity="critical"))
    doc = desk.approved()
    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    with app.test_request_context():
        link = f"/respond/{links.reply_token(rec.id, world.colony_admin.id)}"
    facts = {"rec": rec.number, "rec_id": rec.id, "doc": doc.number, "doc_id": doc.id, "link": link}
    facts |= {role: world.users[role].email for role in ("authority", "regional")}
    scenario.done()
    return facts


def on_phone(browser):
    return browser.new_context(viewport=PHONE, locale="uk-UA", timezone_id="America/New_York", is_mobile=True)


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Увійти").click()
    expect(page).to_have_url(re.compile(r"/portal$"))


def fits(page, width: int) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w)
        .map(e => e.tagName + '.' + e.className).slice(0, 8)""",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


def test_an_official_reads_the_portal_on_a_laptop_and_on_a_phone(
    browser, page, live_server, world, story, screenshot
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, story["authority"])
    expect(
        page.get_by_role("heading", name="Адміністрація Львівської виправної колонії № 48")
    ).to_be_visible()
    card = page.locator(f'[data-recommendation="{story["rec"]}"]')
    expect(card).to_contain_text("23.12.2026")
    expect(card).to_contain_text("Залишилось 30 днів")
    expect(card).to_contain_text("вжити заходів до")  # the urgency date of a critical finding
    expect(card.get_by_role("link", name="Відповісти")).to_be_visible()
    expect(page.get_by_role("link", name="Вхідні")).to_have_count(0)
    screenshot(page, "portal-home-1366")

    # The submission's PDF opens (served to this authority only).
    pdf = page.request.get(f"{live_server.url}/portal/documents/{story['doc_id']}.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    card.get_by_role("link", name=f"Рекомендація {story['rec']}").click()
    expect(page).to_have_url(re.compile(rf"/portal/recommendations/{story['rec_id']}$"))
    expect(page.get_by_role("heading", name="Клопотати про продовження строку")).to_be_visible()
    screenshot(page, "portal-recommendation-1366")

    phone = browser.new_context(
        viewport=PHONE, locale="uk-UA", timezone_id="America/New_York", is_mobile=True
    )
    small = phone.new_page()
    small.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(small, live_server, story["authority"])
    expect(small.locator(f'[data-recommendation="{story["rec"]}"]')).to_contain_text("Залишилось 30 днів")
    fits(small, PHONE["width"])
    answer = small.locator(f'[data-recommendation="{story["rec"]}"]').get_by_role("link", name="Відповісти")
    box = answer.bounding_box()
    assert box["width"] >= 300  # a full-width button a thumb can hit
    screenshot(small, "portal-home-360")
    small.goto(f"{live_server.url}/portal/recommendations/{story['rec_id']}")
    fits(small, PHONE["width"])
    screenshot(small, "portal-recommendation-360")
    phone.close()
    assert errors == []


def test_the_reply_form_behind_the_letters_link_fits_a_phone(browser, live_server, story, screenshot):
    phone = browser.new_context(
        viewport=PHONE, locale="uk-UA", timezone_id="America/New_York", is_mobile=True
    )
    page = phone.new_page()
    page.goto(f"{live_server.url}{story['link']}")
    expect(page.get_by_role("heading", name=f"Рекомендація {story['rec']}")).to_be_visible()
    expect(page.get_by_role("button", name="Надіслати відповідь")).to_be_visible()
    fits(page, PHONE["width"])
    field = page.get_by_label("Відповідь по суті")
    assert field.bounding_box()["width"] >= 300
    screenshot(page, "respond-link-360")
    phone.close()
    laptop = browser.new_context(viewport={"width": 1366, "height": 800}, locale="uk-UA")
    wide = laptop.new_page()
    wide.goto(f"{live_server.url}{story['link']}")
    expect(wide.get_by_role("button", name="Надіслати відповідь")).to_be_visible()
    screenshot(wide, "respond-link-1366")
    laptop.close()


def test_the_superior_follows_its_subordinate_read_only(page, live_server, world, story, screenshot):
    sign_in(page, live_server, story["regional"])
    below = page.locator("section.portal-below")
    expect(below.get_by_role("heading", name="Адресовано органам нижчого рівня")).to_be_visible()
    card = below.locator(f'[data-recommendation="{story["rec"]}"]')
    expect(card).to_contain_text("Адміністрація Львівської виправної колонії № 48")
    expect(card).to_contain_text("23.12.2026")
    expect(page.get_by_role("link", name="Відповісти")).to_have_count(0)
    screenshot(page, "portal-superior-1366")
    card.get_by_role("link", name=f"Рекомендація {story['rec']}").click()
    expect(page.locator("[data-readonly]")).to_contain_text("який підпорядкований вашому")
    expect(page.get_by_role("button")).to_have_count(2)  # the language switch and sign out only
    page.set_viewport_size(PHONE)
    fits(page, PHONE["width"])
    screenshot(page, "portal-superior-360")


def test_an_invited_official_sets_a_password_on_a_phone(app, db, browser, live_server, world, screenshot):
    from workflows.users import invitations

    lead = world.users["authority"]
    lead.authority_lead = True
    with app.test_request_context():
        sent = invitations.invite(
            lead,
            world.colony_admin.id,
            email="phone@colony48.example",
            name="Олег Бондар",
            position="Черговий",
        )
    path = sent.url.split("/portal/", 1)[1]
    lead_email = lead.email
    db.session.commit()
    db.session.close()

    phone = on_phone(browser)
    page = phone.new_page()
    page.goto(f"{live_server.url}/portal/{path}")
    expect(page.get_by_role("heading", name="Вітаємо, Олег Бондар")).to_be_visible()
    fits(page, PHONE["width"])
    screenshot(page, "portal-welcome-360")
    page.get_by_label("Пароль", exact=True).fill("новий пароль 2026")
    page.get_by_label("Пароль ще раз").fill("новий пароль 2026")
    page.get_by_role("button", name="Встановити пароль і увійти").click()
    expect(page).to_have_url(re.compile(r"/portal$"))
    expect(page.get_by_text("Пароль встановлено")).to_be_visible()
    phone.close()

    laptop = browser.new_context(viewport={"width": 1366, "height": 800}, locale="uk-UA")
    wide = laptop.new_page()
    sign_in(wide, live_server, lead_email)
    wide.get_by_role("link", name="Наші посадові особи").click()
    expect(wide.locator('[data-official="phone@colony48.example"]')).to_contain_text("Олег Бондар, Черговий")
    screenshot(wide, "portal-officials-1366")
    wide.set_viewport_size(PHONE)
    fits(wide, PHONE["width"])
    screenshot(wide, "portal-officials-360")
    laptop.close()
