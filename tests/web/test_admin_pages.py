"""The administrator's page of failed deliveries and open incidents, with retry buttons."""

from __future__ import annotations

import sqlalchemy as sa

from engine.models import AuditEvent, Incident, OutboxMessage, Timer

from .conftest import Pages, text


def _fail_first_notice(db, rec):
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.business_key == str(rec.id)))
    message.status, message.attempts, message.last_error = "failed", 6, "550 5.1.1 mailbox unavailable"
    db.session.commit()
    return message


def test_only_admins_open_the_page(app, world):
    for role in ("lawyer", "manager", "monitor", "authority"):
        page = Pages(app.test_client()).as_(world, role).get("/admin/deliveries")
        assert page.status_code == 403, role
        # An official is told first that these are the Office's pages (issue 16).
        assert ("Це сторінки Офісу" if role == "authority" else "не дозволяє цього") in text(page)


def test_failed_deliveries_are_listed_and_sent_again(app, scenario, world, db):
    rec = scenario.send_act(scenario.recommendation())
    message = _fail_first_notice(db, rec)
    admin = Pages(app.test_client()).as_(world, "admin")
    page = text(admin.get("/admin/deliveries"))
    assert "Збої доставки" in page and "1 повідомлення" in page
    assert "Надіслано акт реагування" in page and "colony48@example.gov.ua" in page
    assert "550 5.1.1 mailbox unavailable" in page and rec.number in page
    response = admin.post(f"/admin/deliveries/{message.id}/retry")
    assert response.status_code == 302
    page = text(admin.get("/admin/deliveries"))
    assert (
        f"Повідомлення № {message.id} буде надіслано знову" in page and "Усі повідомлення доставлено." in page
    )
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "pending"
    retried = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "notification_retried"))
    assert retried.actor == world.users["admin"].actor
    # Twice is a message, not an error page.
    admin.post(f"/admin/deliveries/{message.id}/retry")
    assert f"Повідомлення № {message.id} більше не очікує повторного надсилання." in text(
        admin.get("/admin/deliveries")
    )


def test_open_incidents_are_listed_and_retried(app, scenario, world, db, clock):
    rec = scenario.send_act(scenario.recommendation())
    timer = db.session.scalar(sa.select(Timer).where(Timer.instance_id == rec.process_instance_id))
    timer.status = "failed"
    incident = Incident(
        instance_id=rec.process_instance_id,
        timer_id=timer.id,
        element_id=timer.element_id,
        kind="timer",
        message="ProcessError: division by zero",
        retries_left=0,
        created_at=clock.now(),
    )
    db.session.add(incident)
    db.session.commit()
    admin = Pages(app.test_client()).as_(world, "admin")
    page = text(admin.get("/admin/deliveries"))
    assert "Відкриті збої 1" in page and "division by zero" in page and rec.number in page
    assert admin.post(f"/admin/incidents/{incident.id}/retry").status_code == 302
    page = text(admin.get("/admin/deliveries"))
    assert f"Збій № {incident.id}: крок буде повторено" in page and "Відкритих збоїв немає." in page
    db.session.expire_all()
    assert db.session.get(Timer, timer.id).status == "waiting"
    assert db.session.get(Incident, incident.id).resolved_by == world.users["admin"].actor
