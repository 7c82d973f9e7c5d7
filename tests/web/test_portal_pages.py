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
    for label in (
        "Відповідь по суті",
        "Вжиті заходи",
        "Надіслати відповідь",
        "Клопотати про продовження строку",
    ):
        assert label in page
    # The deadline with the law it comes from; the reply and the extension request are apart.
    assert "Строк, встановлений законом 23.12.2026" in page and "ст. 15 Закону України" in page
    assert "Вхідні" not in page  # no account, no navigation


def test_the_first_opening_of_the_link_is_kept_as_proof_of_receipt(app, pages, scenario, world, db):
    from workflows.recommendations.models import Receipt

    rec = scenario.send_act(scenario.recommendation(), deliver=False)  # the mail server never answered
    assert rec.status == "awaiting_receipt" and rec.due_at is None
    scenario.clock.advance(days=2)  # Wednesday 25.11: an official opens the link
    url = link(app, rec, world.colony_admin)
    pages.get(url)
    pages.get(url)  # once is enough
    db.session.expire_all()
    receipts = db.session.scalars(sa.select(Receipt).where(Receipt.recommendation_id == rec.id)).all()
    assert [(r.kind, r.started_term) for r in receipts] == [("link", True)]
    rec = db.session.get(type(rec), rec.id)
    # The term counts from that day: 25.12.2026 (Christmas is a working day under martial law).
    assert rec.status == "awaiting_reply" and rec.due_at.isoformat() == "2026-12-25T21:59:59+00:00"


def test_a_reply_through_the_link_is_checked_then_registered(app, pages, scenario, world, db):
    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.colony_admin)
    pages.get(url)
    task = scenario.task(rec, "authority_reply")
    refused = pages.post(url, {"action": "reply", "version": str(task.version), "measures": "Заходи."})
    assert refused.status_code == 422
    match = re.search(r'id="field-reply_text-error">(.*?)</p>', refused.get_data(as_text=True), re.S)
    assert match and "Обов" in match.group(1)
    assert ">Заходи.</textarea>" in refused.get_data(as_text=True)
    done = pages.post(
        url,
        {
            "action": "reply",
            "version": str(task.version),
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
    missing = pages.post(url, {"action": "extension", "requested_until": "2026-12-01"})
    assert missing.status_code == 422
    body = text(missing)
    assert "Просіть день, пізніший за чинний строк (23.12.2026)." in body
    assert "Обґрунтуйте клопотання (щонайменше 10 символів)." in body
    sent = pages.post(
        url, {"action": "extension", "requested_until": "2027-01-20", "reason": "Потрібне фінансування."}
    )
    assert sent.status_code == 302
    page = text(pages.get(url))
    assert "Ваше клопотання отримано" in page and "Очікує рішення" in page
    db.session.refresh(rec)
    assert rec.extensions[0].requested_until.isoformat() == "2027-01-20"
    assert rec.extensions[0].requested_by == f"link:authority:{world.colony_admin.id}"
    # The reply task was not consumed: the authority can still answer.
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).status == "open" and "Надіслати відповідь" in page


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
    response = pages.post(url, {"action": "reply", "version": str(task.version), "reply_text": "Ні."})
    assert response.status_code == 302
    assert "Наразі щодо цієї рекомендації нічого не потрібно відповідати." in text(pages.get(url))
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).status == "open"


def test_csrf_applies_to_the_reply_form(app, pages, scenario, world, db):
    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.colony_admin)
    task = scenario.task(rec, "authority_reply")
    refused = pages.post(
        url, {"action": "reply", "version": str(task.version), "reply_text": "Так."}, csrf=False
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
    assert "Reply" in page and "Ask for an extension of the term" in page and "Send the reply" in page
