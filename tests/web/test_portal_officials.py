"""Managing an authority's officials on /portal/authorities/<id>/officials beyond inviting: the lead
official (or an admin) withdraws a pending invitation — its link opens no more — and deactivates an
official of the same authority through the account service, so the official's session and API
tokens die at once. A lead cannot deactivate themselves; another authority's invitations and
officials answer as missing. Every step is audited."""

from __future__ import annotations

import sqlalchemy as sa

from engine.models import AuditEvent
from tests.workflows.conftest import Api
from workflows.users import invitations
from workflows.users import services as users
from workflows.users.models import Invitation, User

from .conftest import PASSWORD, Pages, text


def officials_url(authority_id: int) -> str:
    return f"/portal/authorities/{authority_id}/officials"


def events(db, name: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == name)))


def as_lead(app, db, world) -> Pages:
    world.users["authority"].authority_lead = True
    db.session.commit()
    return Pages(app.test_client()).as_(world, "authority")


def invited(app, db, inviter: User, authority_id: int, email: str) -> tuple[Invitation, str]:
    with app.test_request_context():
        sent = invitations.invite(inviter, authority_id, email=email, name="Ганна Коваленко")
    db.session.commit()
    return sent.invitation, "/portal/welcome/" + sent.url.rsplit("/", 1)[1]


def colleague(db, email: str = "colleague@colony48.example", code: str = "COLONY-48") -> User:
    user = users.create_user(
        email, name="Петро Колега", role="authority", authority_code=code, password=PASSWORD, actor="test"
    )
    db.session.commit()
    return user


def test_the_lead_withdraws_a_pending_invitation_and_its_link_opens_no_more(app, db, world):
    lead = as_lead(app, db, world)
    invitation, link = invited(
        app, db, world.users["authority"], world.colony_admin.id, "hanna@colony48.example"
    )
    page = lead.get(officials_url(world.colony_admin.id))
    body = text(page)
    assert (
        "Відкликати…" in body and "Посилання, надіслане на hanna@colony48.example, перестане діяти." in body
    )
    url = f"{officials_url(world.colony_admin.id)}/invitations/{invitation.id}/withdraw"
    done = lead.post(url)
    assert done.status_code == 302 and done.headers["Location"] == officials_url(world.colony_admin.id)
    after = text(lead.get(done.headers["Location"]))
    assert "Запрошення для hanna@colony48.example відкликано; його посилання більше не діє." in after
    assert 'data-invitation="hanna@colony48.example"' not in lead.get(
        officials_url(world.colony_admin.id)
    ).get_data(as_text=True)
    assert Pages(app.test_client()).get(link).status_code == 410
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).withdrawn_at is not None
    [event] = events(db, "invitation_withdrawn")
    assert event.actor == world.users["authority"].actor and event.subject == f"invitation:{invitation.id}"
    # Twice: refused on the page, nothing more recorded.
    again = lead.post(url)
    assert again.status_code == 409 and "Це запрошення вже відкликано." in text(again)
    assert len(events(db, "invitation_withdrawn")) == 1


def test_another_authoritys_invitation_answers_as_missing(app, db, world):
    lead = as_lead(app, db, world)
    admin = world.users["admin"]
    theirs, link = invited(app, db, admin, world.regional.id, "someone@west.example")
    for url in (
        f"{officials_url(world.colony_admin.id)}/invitations/{theirs.id}/withdraw",
        f"{officials_url(world.regional.id)}/invitations/{theirs.id}/withdraw",
        f"{officials_url(world.colony_admin.id)}/invitations/999999/withdraw",
    ):
        assert lead.post(url).status_code == 404, url
    # A colleague who is not a lead manages nobody.
    ordinary = Pages(app.test_client()).as_(world, "regional")
    assert (
        ordinary.post(f"{officials_url(world.regional.id)}/invitations/{theirs.id}/withdraw").status_code
        == 403
    )
    # The admin withdraws any authority's invitation.
    admin_pages = Pages(app.test_client()).as_(world, "admin")
    assert (
        admin_pages.post(f"{officials_url(world.regional.id)}/invitations/{theirs.id}/withdraw").status_code
        == 302
    )
    assert Pages(app.test_client()).get(link).status_code == 410


def test_the_lead_deactivates_an_official_whose_session_and_tokens_die_at_once(app, db, world):
    lead = as_lead(app, db, world)
    official = colleague(db)
    token = users.issue_token(official, label="test", actor="test")
    db.session.commit()
    theirs = Pages(app.test_client())
    theirs.login(official.email)
    assert theirs.get("/portal").status_code == 200
    api = Api(app.test_client(), token)
    assert api.get("/api/v1/me").status_code == 200

    page = text(lead.get(officials_url(world.colony_admin.id)))
    assert "Так, деактивувати: Петро Колега" in page
    assert "Петро Колега більше не зможе увійти: сеанси цієї особи завершаться" in page
    # No button against oneself.
    assert f"/officials/{world.users['authority'].id}/deactivate" not in lead.get(
        officials_url(world.colony_admin.id)
    ).get_data(as_text=True)

    done = lead.post(f"{officials_url(world.colony_admin.id)}/{official.id}/deactivate")
    assert done.status_code == 302
    assert "Петро Колега більше не може увійти" in text(lead.get(done.headers["Location"]))
    # At once: the open session and the token no longer work.
    assert theirs.get("/portal").status_code in (302, 401)
    assert api.get("/api/v1/me").status_code == 401
    db.session.expire_all()
    assert db.session.get(User, official.id).active is False
    [event] = events(db, "user_deactivated")
    assert event.actor == world.users["authority"].actor and event.subject == official.actor
    assert event.details["tokens_revoked"] == 1
    listed = text(lead.get(officials_url(world.colony_admin.id)))
    assert "обліковий запис вимкнено" in listed and "Так, деактивувати: Петро Колега" not in listed
    # Twice: refused, nothing more recorded.
    again = lead.post(f"{officials_url(world.colony_admin.id)}/{official.id}/deactivate")
    assert again.status_code == 409 and len(events(db, "user_deactivated")) == 1


def test_a_lead_cannot_deactivate_themselves_nor_another_authoritys_official(app, db, world):
    lead = as_lead(app, db, world)
    me = world.users["authority"]
    mine = lead.post(f"{officials_url(world.colony_admin.id)}/{me.id}/deactivate")
    assert mine.status_code == 403
    assert "Власний обліковий запис деактивувати не можна" in text(mine)
    outsider = world.users["regional"]
    for url in (
        f"{officials_url(world.colony_admin.id)}/{outsider.id}/deactivate",
        f"{officials_url(world.regional.id)}/{outsider.id}/deactivate",
        f"{officials_url(world.colony_admin.id)}/{world.users['lawyer'].id}/deactivate",
        f"{officials_url(world.colony_admin.id)}/999999/deactivate",
    ):
        assert lead.post(url).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(User, me.id).active and db.session.get(User, outsider.id).active
    assert events(db, "user_deactivated") == []


def test_an_admin_deactivates_an_official_in_english(app, db, world):
    official = colleague(db)
    admin = Pages(app.test_client()).as_(world, "admin")
    admin.post("/language", {"language": "en"})
    page = text(admin.get(officials_url(world.colony_admin.id)))
    assert "Deactivate…" in page and "Yes, deactivate Петро Колега" in page
    assert "their sessions end and their API tokens are revoked at once" in page
    done = admin.post(f"{officials_url(world.colony_admin.id)}/{official.id}/deactivate")
    assert done.status_code == 302
    assert "Петро Колега can no longer sign in" in text(admin.get(done.headers["Location"]))
