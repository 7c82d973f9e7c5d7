"""The authority's reply page behind the signed link: valid, invalid and expired links, the form with
messages by field, completion as `link:authority:<id>`, and CSRF as on every form."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine.models import AuditEvent, HumanTask
from workflows import links

from .conftest import text


def link(app, rec, authority) -> str:
    with app.test_request_context():
        return f"/respond/{links.reply_token(rec.id, authority.id)}"


def test_the_link_shows_the_recommendation_the_act_and_the_reply_form(app, pages, scenario, world):
    rec = scenario.send_act(scenario.recommendation())
    response = pages.get(link(app, rec, world.colony_admin))
    assert response.status_code == 200
    page = text(response)
    assert (
        f"Рекомендація {rec.number}" in page
        and "Адресат: Адміністрація Львівської виправної колонії № 48" in page
    )
    assert "Вимагаємо забезпечити вентиляцію камер дільниці карантину." in page  # the act
    assert "Подання №" in page and "Представник Уповноваженого з питань НПМ" in page
    for label in ("Що ви надсилаєте", "Надати відповідь", "Клопотати про продовження строку", "Вжиті заходи"):
        assert label in page
    assert "Вхідні" not in page  # no account, no navigation


def test_a_reply_through_the_link_is_checked_then_registered(app, pages, scenario, world, db):
    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.colony_admin)
    pages.get(url)
    task = scenario.task(rec, "authority_reply")
    refused = pages.post(url, {"version": str(task.version), "reply_action": "reply", "measures": "Заходи."})
    assert refused.status_code == 422
    match = re.search(r'id="field-reply_text-error">(.*?)</p>', refused.get_data(as_text=True), re.S)
    assert match and "Обов" in match.group(1)
    assert ">Заходи.</textarea>" in refused.get_data(as_text=True)
    done = pages.post(
        url,
        {
            "version": str(task.version),
            "reply_action": "reply",
            "reply_text": "Встановлено припливно-витяжну вентиляцію.",
            "attachments": "акт-введення.pdf\nфото.jpg",
        },
    )
    assert done.status_code == 302 and done.headers["Location"] == url
    page = text(pages.get(url))
    assert "Дякуємо. Вашу відповідь отримано й зареєстровано." in page
    assert "Наразі щодо цієї рекомендації від вас нічого не очікується. Дякуємо." in page
    assert "Встановлено припливно-витяжну вентиляцію." in page and "акт-введення.pdf" in page
    db.session.expire_all()
    completed = db.session.get(HumanTask, task.id)
    assert (
        completed.status == "completed"
        and completed.completed_by == f"link:authority:{world.colony_admin.id}"
    )
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.event == "task_completed", AuditEvent.task_id == task.id)
    )
    assert event.actor == f"link:authority:{world.colony_admin.id}"
    db.session.refresh(rec)
    assert rec.status == "under_verification" and rec.replies[0].attachments == [
        "акт-введення.pdf",
        "фото.jpg",
    ]


def test_an_extension_request_through_the_link(app, pages, scenario, world, db):
    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.colony_admin)
    pages.get(url)
    task = scenario.task(rec, "authority_reply")
    missing = pages.post(url, {"version": str(task.version), "reply_action": "extension"})
    assert missing.status_code == 422
    body = missing.get_data(as_text=True)
    assert (
        'id="field-extension_requested_until-error"' in body and 'id="field-extension_reason-error"' in body
    )
    pages.post(
        url,
        {
            "version": str(task.version),
            "reply_action": "extension",
            "extension_requested_until": "2027-01-20",
            "extension_reason": "Потрібне фінансування.",
        },
    )
    db.session.refresh(rec)
    assert rec.extensions[0].requested_until.isoformat() == "2027-01-20"


def test_invalid_and_expired_links_get_a_clear_page(app, pages, scenario, world, monkeypatch):
    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.colony_admin)
    broken = pages.get(url[:-3] + "xyz")
    assert broken.status_code == 404 and "Посилання недійсне" in text(broken)
    monkeypatch.setattr(links, "REPLY_LINK_DAYS", -1)
    expired = pages.get(url)
    assert expired.status_code == 410 and "Строк дії посилання минув" in text(expired)
    assert "180 днів" in text(expired)


def test_a_link_of_another_authority_shows_no_form_and_completes_nothing(app, pages, scenario, world, db):
    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.regional)  # the superior body: nothing is addressed to it yet
    page = text(pages.get(url))
    assert "Наразі щодо цієї рекомендації від вас нічого не очікується." in page
    task = scenario.task(rec, "authority_reply")
    response = pages.post(url, {"version": str(task.version), "reply_action": "reply", "reply_text": "Ні."})
    assert response.status_code == 302
    assert "Наразі щодо цієї рекомендації нічого не потрібно відповідати." in text(pages.get(url))
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).status == "open"


def test_csrf_applies_to_the_reply_form(app, pages, scenario, world, db):
    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.colony_admin)
    task = scenario.task(rec, "authority_reply")
    refused = pages.post(
        url, {"version": str(task.version), "reply_action": "reply", "reply_text": "Так."}, csrf=False
    )
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).status == "open"


def test_english_reply_page(app, pages, scenario, world):
    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.colony_admin)
    pages.get(url)
    pages.post("/language", {"language": "en", "next": url})
    page = text(pages.get(url))
    assert "What you send" in page and "Ask for an extension" in page and "Send" in page
