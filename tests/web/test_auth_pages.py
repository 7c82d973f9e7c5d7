"""Signing in and out, sessions that expire, CSRF on every form, the language switch, roles."""

from __future__ import annotations

import time
from datetime import timedelta

from .conftest import text


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(pages, world):
    response = pages.get("/inbox?overdue=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/inbox?overdue%3D1"
    page = pages.get(response.headers["Location"])
    assert "Увійдіть, щоб продовжити." in text(page)
    assert 'lang="uk"' in page.get_data(as_text=True)
    signed_in = pages.login(world.users["lawyer"].email, next_url="/inbox?overdue%3D1")
    assert signed_in.headers["Location"] == "/inbox?overdue=1"
    assert pages.get("/").headers["Location"] == "/inbox"


def test_a_wrong_password_is_refused_with_a_message_beside_the_field(pages, world):
    pages.get("/login")
    response = pages.post("/login", {"email": world.users["lawyer"].email, "password": "wrong horse"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Неправильна електронна пошта або пароль." in page
    assert 'aria-invalid="true"' in page and 'value="lawyer@ombudsman.example"' in page
    assert pages.get("/inbox").status_code == 302


def test_empty_fields_are_named(pages, world):
    pages.get("/login")
    response = pages.post("/login", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "Введіть електронну пошту." in text(response) and "Введіть пароль." in text(response)


def test_forms_without_the_csrf_token_are_refused(pages, world, db):
    pages.get("/login")
    refused = pages.post("/login", {"email": world.users["lawyer"].email, "password": "x" * 12}, csrf=False)
    assert refused.status_code == 400
    assert "Форма застаріла або надіслана не з цього сайту" in text(refused)
    pages.login(world.users["lawyer"].email)
    forged = pages.post("/logout", {"csrf_token": "forged-token"})
    assert forged.status_code == 400
    assert pages.get("/inbox").status_code == 200  # still signed in


def test_sign_out_is_a_post_and_ends_the_session(lawyer):
    assert lawyer.get("/logout").status_code == 405
    response = lawyer.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Ви вийшли з системи." in text(lawyer.get("/login"))
    assert lawyer.get("/inbox").status_code == 302


def test_sessions_expire_after_the_configured_hours(app, lawyer, monkeypatch):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)
    assert lawyer.get("/inbox").status_code == 200
    later = time.time() + 8 * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = lawyer.get("/inbox")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_language_switch_keeps_english_for_the_session_and_the_account(lawyer, world, db):
    assert "Вхідні" in text(lawyer.get("/inbox"))
    response = lawyer.post("/language", {"language": "en", "next": "/inbox?scope=mine"})
    assert response.headers["Location"] == "/inbox?scope=mine"
    page = text(lawyer.get("/inbox"))
    assert "Inbox" in page and "My tasks" in page and "Вхідні" not in page
    db.session.expire_all()
    assert world.users["lawyer"].language == "en"
    lawyer.post("/language", {"language": "uk"})
    assert "Вхідні" in text(lawyer.get("/inbox"))
    # An unknown language or a foreign address changes nothing.
    assert (
        lawyer.post("/language", {"language": "de", "next": "https://evil.example/"})
        .headers["Location"]
        .startswith("/")
    )


def test_a_language_chosen_before_signing_in_stays(pages, world):
    pages.get("/login")
    pages.post("/language", {"language": "en", "next": "/login"})
    assert "Sign in" in text(pages.get("/login"))
    pages.login(world.users["lawyer"].email)
    assert "Inbox" in text(pages.get("/inbox"))


def test_each_role_finds_its_own_pages(app, world):
    from .conftest import Pages

    def nav(role):
        p = Pages(app.test_client()).as_(world, role)
        return p, text(p.get("/recommendations"))

    lawyer, page = nav("lawyer")
    assert "Вхідні" in page and "Візити" in page and "Збої доставки" not in page
    _admin, page = nav("admin")
    assert "Збої доставки" in page
    monitor, page = nav("monitor")
    assert "Візити" in page and "Вхідні" not in page
    assert monitor.get("/").headers["Location"] == "/visits"
    assert monitor.get("/inbox").status_code == 403
    authority = Pages(app.test_client()).as_(world, "authority")
    page = text(authority.get("/portal"))  # officials have their authority's own site (issue 16)
    assert "Адресовано нам" in page and "Вхідні" not in page and "Візити" not in page
    assert authority.get("/").headers["Location"] == "/portal"
    assert (
        authority.get("/visits").status_code == 403 and authority.get("/recommendations").status_code == 403
    )
    assert "Юрист" in text(lawyer.get("/inbox"))  # the role beside the name
