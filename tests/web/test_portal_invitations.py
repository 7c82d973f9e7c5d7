"""Inviting officials end to end: an admin (or the authority's lead official) invites by e-mail, the
e-mail goes through the outbox to a real SMTP server (aiosmtpd on loopback), its one-time link sets
a password and signs the official in on /portal; the link then works no more, an expired or
tampered link is refused with a page that says what to do, and every step is audited."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engine.models import AuditEvent
from notifications import delivery
from tests.notifications.conftest import SmtpServer
from workflows.users.models import Invitation, User

from .conftest import Pages, text

LINK = re.compile(r"http://[^\s]+/portal/welcome/([A-Za-z0-9_\-]+)")


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "OMBUDSFLOW_SMTP_HOST": "127.0.0.1", "OMBUDSFLOW_SMTP_PORT": smtp.port}


def events(db, name: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == name)))


def invite(pages: Pages, authority_id: int, **fields):
    url = f"/portal/authorities/{authority_id}/officials"
    pages.get(url)
    return pages.post(url, {"name": "Ганна Коваленко", "position": "Заступник начальника", **fields})


def delivered_link(db, smtp, to: str) -> str:
    delivery.deliver_due()
    db.session.commit()
    mails = [m for m in smtp.messages if to in m.rcpt_tos]
    assert len(mails) == 1, [m.rcpt_tos for m in smtp.messages]
    body = mails[0].message.get_body(("plain",)).get_content()
    assert mails[0].message["Subject"] == "Запрошення на сайт органів влади НПМ"
    assert "Адміністрація Львівської виправної колонії № 48" in body
    match = LINK.search(body)
    assert match, body
    return f"/portal/welcome/{match.group(1)}"


def test_an_admin_invites_an_official_who_sets_a_password_and_lands_on_the_portal(app, db, world, smtp):
    admin = Pages(app.test_client()).as_(world, "admin")
    colony = world.colony_admin
    sent = invite(admin, colony.id, email="Hanna@Colony48.example", lead="1")
    assert sent.status_code == 302
    page = text(admin.get(f"/portal/authorities/{colony.id}/officials"))
    assert "Запрошення надіслано на hanna@colony48.example." in page
    assert "Запрошення, ще не прийняті Ганна Коваленко · hanna@colony48.example" in page
    link = delivered_link(db, smtp, "hanna@colony48.example")
    # Only the link's hash is kept.
    invitation = db.session.scalar(sa.select(Invitation))
    assert link.rsplit("/", 1)[1] not in invitation.token_hash and len(invitation.token_hash) == 64

    newcomer = Pages(app.test_client())
    form = newcomer.get(link)
    assert form.status_code == 200 and "Вітаємо, Ганна Коваленко" in text(form)
    differ = newcomer.post(link, {"password": "довгий пароль 1", "password_again": "інший пароль 12"})
    assert differ.status_code == 422 and "Введіть той самий пароль двічі." in text(differ)
    short = newcomer.post(link, {"password": "коротко", "password_again": "коротко"})
    assert short.status_code == 422
    assert db.session.scalar(sa.select(User).where(User.email == "hanna@colony48.example")) is None
    done = newcomer.post(link, {"password": "довгий пароль 1", "password_again": "довгий пароль 1"})
    assert done.status_code == 302 and done.headers["Location"] == "/portal"
    home = text(newcomer.get("/portal"))
    assert "Пароль встановлено" in home and "Адміністрація Львівської виправної колонії № 48" in home
    user = db.session.scalar(sa.select(User).where(User.email == "hanna@colony48.example"))
    assert (user.role, user.authority_id, user.authority_lead, user.position) == (
        "authority",
        colony.id,
        True,
        "Заступник начальника",
    )
    # The link is spent: a second use (another tab, a forwarded e-mail) is refused with a clear page.
    again = Pages(app.test_client()).get(link)
    assert again.status_code == 410 and "Це запрошення вже використано" in text(again)
    # And the password works for signing in.
    Pages(app.test_client()).login("hanna@colony48.example", "довгий пароль 1")
    assert [e.details["email"] for e in events(db, "official_invited")] == ["hanna@colony48.example"]
    assert len(events(db, "invitation_accepted")) == 1
    assert [e.details["reason"] for e in events(db, "invitation_refused")] == ["used"]


def test_the_link_expires_and_a_tampered_one_is_refused(app, db, world, smtp, clock):
    admin = Pages(app.test_client()).as_(world, "admin")
    invite(admin, world.colony_admin.id, email="late@colony48.example")
    link = delivered_link(db, smtp, "late@colony48.example")
    tampered = Pages(app.test_client()).get(link[:-3] + "abc")
    assert tampered.status_code == 404 and "Посилання недійсне Перевірте" in text(tampered)
    clock.advance(hours=73)  # invitations last 72 hours
    late = Pages(app.test_client())
    expired = late.get(link)
    assert expired.status_code == 410 and "Строк дії запрошення минув" in text(expired)
    assert "попросіть" in text(expired).lower()
    posted = late.post(link, {"password": "довгий пароль 1", "password_again": "довгий пароль 1"})
    assert posted.status_code == 410
    assert db.session.scalar(sa.select(User).where(User.email == "late@colony48.example")) is None
    assert sorted(e.details["reason"] for e in events(db, "invitation_refused")) == [
        "expired",
        "expired",
        "unknown",
    ]


def test_a_newer_invitation_replaces_the_older_one(app, db, world, smtp):
    admin = Pages(app.test_client()).as_(world, "admin")
    invite(admin, world.colony_admin.id, email="twice@colony48.example")
    first = delivered_link(db, smtp, "twice@colony48.example")
    smtp.messages.clear()
    invite(admin, world.colony_admin.id, email="twice@colony48.example")
    second = delivered_link(db, smtp, "twice@colony48.example")
    assert Pages(app.test_client()).get(first).status_code == 410
    assert Pages(app.test_client()).get(second).status_code == 200
    assert len(events(db, "invitation_withdrawn")) == 1


def test_the_lead_official_invites_colleagues_of_the_own_authority_only(app, db, world, smtp):
    lead = world.users["authority"]
    lead.authority_lead = True
    db.session.commit()
    pages = Pages(app.test_client()).as_(world, "authority")
    assert (
        pages.get("/portal/officials").headers["Location"]
        == f"/portal/authorities/{world.colony_admin.id}/officials"
    )
    page = text(pages.get(f"/portal/authorities/{world.colony_admin.id}/officials"))
    assert "Посадова особа колонії" in page and "відповідальна особа: запрошує колег" in page
    assert invite(pages, world.colony_admin.id, email="colleague@colony48.example").status_code == 302
    delivered_link(db, smtp, "colleague@colony48.example")
    # Another authority's officials (its superior included) are not the lead's to manage.
    for other in (world.regional.id, world.ministry.id):
        assert pages.get(f"/portal/authorities/{other}/officials").status_code == 404
        assert invite(pages, other, email="x@west.example").status_code == 404
    # A colleague who is not the lead invites nobody.
    ordinary = Pages(app.test_client()).as_(world, "regional")
    assert ordinary.get(f"/portal/authorities/{world.regional.id}/officials").status_code == 403
    assert ordinary.get("/portal/officials").status_code == 403


def test_bad_invitations_are_refused_beside_their_fields_and_nothing_is_sent(app, db, world, smtp):
    admin = Pages(app.test_client()).as_(world, "admin")
    taken = invite(admin, world.colony_admin.id, email=world.users["regional"].email)
    assert taken.status_code == 422 and "Користувач із такою електронною поштою вже існує." in text(taken)
    nameless = invite(admin, world.colony_admin.id, email="new@colony48.example", name=" ")
    assert nameless.status_code == 422 and "Зазначте ім’я посадової особи." in text(nameless)
    assert admin.get("/portal/authorities/999999/officials").status_code == 404
    delivery.deliver_due()
    assert smtp.messages == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
