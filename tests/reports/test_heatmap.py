"""The heat map of the process, from real process instances walked through the engine: how many wait
at each element now, and how long the waits that ended in the period lasted."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from engine import timers
from tests.web.conftest import Pages
from tests.web.scenario import ACT, Scenario
from workflows.reports import heatmap
from workflows.reports.periods import Period

PERIOD = Period(date(2026, 11, 1), date(2027, 3, 31))


@pytest.fixture
def walked(app, db, world, clock):
    """Four recommendations at T0 (23.11.2026 09:00 Kyiv): two drafted after 5 and 29 hours and
    approved, one still in draft, and one walked to its follow-up date, which later passes."""
    s = Scenario(db, world, clock)
    recs = [s.recommendation(f"Рекомендація номер {i}: забезпечити вентиляцію.") for i in range(4)]
    clock.advance(hours=5)
    s.complete(recs[0], "draft_act", ACT)
    clock.advance(hours=24)
    s.complete(recs[1], "draft_act", ACT)
    s.complete(recs[3], "draft_act", ACT)
    s.complete(recs[3], "approve_act", {"approved": True}, by="manager")
    s.complete(recs[3], "authority_reply", {"reply_text": "Виконано."}, by="authority")
    s.complete(
        recs[3],
        "review_reply",
        {
            "outcome": "implemented",
            "verification_method": "follow_up_visit",
            "verify_later": True,
            "follow_up_date": "2027-01-15",
            "assessment_note": "Перевірити під час візиту.",
        },
    )
    return s, recs


def test_waiting_now_and_how_long_the_waits_lasted(walked, clock, db):
    heat = heatmap.build(PERIOD)
    e = heat.elements
    assert heat.version == 1
    # Now: two drafts left (rec 2 never drafted), two approvals, one waiting for its follow-up date.
    assert (e["draft_act"].waiting, e["approve_act"].waiting, e["wait_follow_up"].waiting) == (1, 2, 1)
    assert e["authority_reply"].waiting == 0 and e["review_reply"].waiting == 0
    # Waits that ended: draft_act 5 h, 29 h and 29 h → median (2nd of 3) 29 h, p90 (3rd) 29 h.
    assert (e["draft_act"].n, e["draft_act"].median_hours, e["draft_act"].p90_hours) == (3, 29.0, 29.0)
    assert e["wait_follow_up"].n == 0
    assert e["wait_follow_up"].name == "Дата перевірки" and e["wait_follow_up"].kind == "event"

    # 60 days later the sweep finds 15.01.2027 passed and fires the follow-up timer: it waited from
    # the review that reached it (T0 + 29 h) to the firing, 60 days.
    clock.advance(days=60)
    timers.sweep()
    db.session.commit()
    after = heatmap.build(PERIOD).elements
    assert after["wait_follow_up"].waiting == 0 and after["verify"].waiting == 1
    assert (after["wait_follow_up"].n, after["wait_follow_up"].median_hours) == (1, pytest.approx(60 * 24))


def test_the_page_counts_link_to_the_recommendations_waiting_there(walked, world, app):
    manager = Pages(app.test_client()).as_(world, "manager")
    page = manager.get("/dashboard/heatmap?from=01.11.2026&to=31.03.2027").get_data(as_text=True)
    row = re.search(r'<tr data-element="approve_act">.*?</tr>', page, re.S).group(0)
    href, count = re.search(r'href="([^"]+)" data-count="(\d+)"', row).groups()
    assert count == "2" and href == "/recommendations?step=approve_act"
    listed = manager.get(href).get_data(as_text=True)
    assert 'data-total="2"' in listed
    assert "Очікує на кроці: Погодити акт реагування" in listed
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    assert lawyer.get("/dashboard/heatmap").status_code == 403


@pytest.mark.browser
def test_the_diagram_is_coloured_by_the_waits(walked, world, page, live_server, screenshot, db):
    email = world.users["manager"].email
    db.session.commit()
    db.session.close()
    page.goto(f"{live_server.url}/dashboard/heatmap?period=12m")
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль").fill("correct horse battery")
    page.locator("main").get_by_role("button", name="Увійти").click()
    diagram = page.locator("#heatmap")
    expect(diagram).to_have_attribute("data-ready", "true", timeout=15000)
    expect(page.locator('.djs-element.heat-5[data-element-id="approve_act"]')).to_have_count(1)
    expect(page.locator('.djs-element.heat-3[data-element-id="draft_act"]')).to_have_count(1)
    expect(page.locator("a.heat-badge", has_text="2 чекають")).to_have_attribute(
        "href", "/recommendations?step=approve_act"
    )
    screenshot(page, "heatmap")
    page.get_by_role("button", name="медіана очікування за період").click()
    expect(diagram).to_have_attribute("data-mode", "median")
    expect(page.locator('.djs-element.heat-5[data-element-id="draft_act"]')).to_have_count(1)
    expect(page.locator(".heat-badge", has_text="медіана 29 годин")).to_have_count(1)
    screenshot(page, "heatmap-median")
