"""Managers' alerts: set on the page, counted by the job, e-mailed through the outbox once when the
condition becomes true — and again only after it was false."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engine.models import AuditEvent, OutboxMessage
from tests.web.conftest import Pages, text
from workflows.alerts import services as alerts
from workflows.alerts.models import AlertSubscription
from workflows.notices.render import render_email

from . import dataset


@pytest.fixture
def data(db, world):
    return dataset.build(db, world)


def alert_mail(db):
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.topic == "alert").order_by(OutboxMessage.id)
    ).all()


def test_an_alert_fires_once_and_only_once(app, db, world, data, clock):
    manager = world.users["manager"]
    sub = alerts.subscribe(manager, kind="overdue_authority", authority_id=str(data.moj.id), days="30")
    db.session.commit()
    # A5 (SIZO, under the MOJ) is 31 days overdue: the condition holds at the first run.
    assert alerts.run() == 1
    for _ in range(3):
        assert alerts.run() == 0
    mails = alert_mail(db)
    assert len(mails) == 1
    mail = mails[0]
    assert mail.recipient == manager.email and mail.status == "pending"
    assert mail.dedupe_key == f"alert:{sub.id}:1"
    subject, body, _html, _attachments = render_email(mail)
    assert subject == (
        "Сповіщення: Рекомендації органу «Міністерство юстиції України (Державна кримінально-виконавча "
        "служба)» і підпорядкованих, прострочені понад 30 днів"
    )
    assert "Зараз таких рекомендацій: 1." in body
    assert (
        f"http://127.0.0.1:5000/recommendations?authority={data.moj.id}&subordinates=1&overdue_days=31-"
        in body
    )

    # A5 is answered: the condition no longer holds; nothing is sent.
    data.recs["A5"].status = "under_verification"
    data.recs["A5"].due_at = None
    db.session.commit()
    assert alerts.run() == 0
    db.session.refresh(sub)
    assert not sub.is_met and sub.last_count == 0
    # A day later A4 (30 days overdue yesterday) is 31: it holds again — the second e-mail.
    clock.advance(days=1)
    assert alerts.run() == 1
    assert alerts.run() == 0
    assert [m.dedupe_key for m in alert_mail(db)] == [f"alert:{sub.id}:1", f"alert:{sub.id}:2"]
    events = db.session.scalars(
        sa.select(AuditEvent.event).where(AuditEvent.subject == f"alert:{sub.id}").order_by(AuditEvent.id)
    ).all()
    assert events == ["alert_subscribed", "alert_fired", "alert_cleared", "alert_fired"]


def test_the_three_kinds_count_their_lists(db, world, data):
    manager = world.users["manager"]
    critical = alerts.subscribe(manager, kind="critical_region", region="lviv", threshold="2")
    protocol = alerts.subscribe(manager, kind="protocol_limitation", days="14")
    long_ago = alerts.subscribe(manager, kind="overdue_authority", authority_id=str(data.moh.id), days="90")
    db.session.commit()
    alerts.run()
    for sub in (critical, protocol, long_ago):
        db.session.refresh(sub)
    # Lviv: A1 and A3 are critical and open — not more than 2. Protocols: A9's ends in 8 days (A12's
    # has expired). MOH: A7 is 91 days overdue.
    assert (critical.last_count, critical.is_met) == (2, False)
    assert (protocol.last_count, protocol.is_met) == (1, True)
    assert (long_ago.last_count, long_ago.is_met) == (1, True)
    assert len(alert_mail(db)) == 2


def test_the_page_sets_and_removes_alerts_with_messages_beside_the_fields(app, world, data, db):
    manager = Pages(app.test_client()).as_(world, "manager")
    page = manager.get("/dashboard/alerts")
    assert "У вас ще немає сповіщень." in text(page)
    refused = manager.post("/dashboard/alerts", {"kind": "critical_region", "region": "", "threshold": "два"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert re.search(r'id="f-region-error">Оберіть регіон.</p>', body)
    assert re.search(r'id="f-threshold-error">Введіть ціле число.</p>', body)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertSubscription)) == 0
    done = manager.post("/dashboard/alerts", {"kind": "critical_region", "region": "lviv", "threshold": "1"})
    assert done.status_code == 302
    listed = text(manager.get("/dashboard/alerts"))
    assert "Понад 1 критичну рекомендацію відкрито: Львівська область" in listed
    assert "ще не перевірено" in listed
    sub = db.session.scalar(sa.select(AlertSubscription))
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    assert lawyer.get("/dashboard/alerts").status_code == 403
    assert manager.post(f"/dashboard/alerts/{sub.id}/delete").status_code == 302
    assert "У вас ще немає сповіщень." in text(manager.get("/dashboard/alerts"))
