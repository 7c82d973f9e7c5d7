"""Sessions and tokens that end, tried as an attacker would: a copied cookie after sign-out, a
deactivated person's session and token, forty guesses at a password, an expired or revoked token,
a form answered hours later, and the headers every response must carry."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from workflows.users import accounts
from workflows.users.models import ApiToken, SignInFailure, User

from ..workflows.conftest import Api
from .conftest import PASSWORD, Pages, text


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def _copy_cookie(source: Pages, app) -> Pages:
    """Another browser holding a copy of `source`'s session cookie (a stolen cookie)."""
    thief = Pages(app.test_client())
    cookie = source.client.get_cookie("session")
    thief.client.set_cookie("session", cookie.value)
    return thief


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, lawyer):
    thief = _copy_cookie(lawyer, app)
    assert thief.get("/inbox").status_code == 200  # the copy works while the session lives
    assert lawyer.post("/logout").status_code == 302
    refused = thief.get("/inbox")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")


def test_deactivating_a_person_ends_their_session_and_their_tokens_at_once(app, db, world, runner):
    person = world.users["lawyer"]
    browser = Pages(app.test_client()).as_(world, "lawyer")
    token = accounts.create_token(person, label="script", actor="test")[1]
    db.session.commit()
    api = Api(app.test_client(), token)
    assert api.get("/api/v1/tasks").status_code == 200
    result = runner.invoke(args=["users", "deactivate", person.email])
    assert result.exit_code == 0, result.output
    assert result.output == f"{person.email} deactivated: sessions ended, 1 token(s) revoked\n"
    assert browser.get("/inbox").status_code == 302
    assert api.get("/api/v1/tasks").status_code == 401
    again = Pages(app.test_client())
    again.get("/login")
    assert again.post("/login", {"email": person.email, "password": PASSWORD}).status_code == 422
    # Reactivated, the person signs in again; the old token stays dead.
    assert runner.invoke(args=["users", "activate", person.email]).exit_code == 0
    assert Pages(app.test_client()).login(person.email).status_code == 302
    assert api.get("/api/v1/tasks").status_code == 401
    assert "(deactivated)" not in runner.invoke(args=["users", "list"]).output


def test_forty_guesses_are_stopped_and_the_right_password_then_waits(app, db, world, clock):
    person = world.users["lawyer"]
    attacker = Pages(app.test_client())
    attacker.get("/login")
    answers = [
        attacker.post("/login", {"email": person.email, "password": f"guess {i:02d} wrong"}).status_code
        for i in range(40)
    ]
    assert answers == [422] * 5 + [429] * 35
    right = attacker.post("/login", {"email": person.email, "password": PASSWORD})
    assert right.status_code == 429 and right.headers["Retry-After"] == str(15 * 60)
    assert "Забагато невдалих спроб входу. Спробуйте знову через 15 хв." in text(right)
    # Another worker (another app on the same database) counts the same failures.
    from web import create_app

    other = create_app(dict(app.config))
    with other.test_client() as c:
        page = c.get("/login").get_data(as_text=True)
        from .conftest import csrf_of

        answer = c.post(
            "/login", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf_of(page)}
        )
        assert answer.status_code == 429
    clock.advance(minutes=16)
    assert attacker.post("/login", {"email": person.email, "password": PASSWORD}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInFailure)) == 0


def test_one_address_guessing_many_accounts_is_stopped_too(app, world):
    attacker = Pages(app.test_client())
    attacker.get("/login")
    answers = [
        attacker.post("/login", {"email": f"nobody{i}@example.org", "password": "x" * 12}).status_code
        for i in range(21)
    ]
    assert answers == [422] * 20 + [429]
    attacker.post("/language", {"language": "en", "next": "/login"})
    blocked = attacker.post("/login", {"email": world.users["manager"].email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts. Try again in 15 min." in text(blocked)


def test_a_form_answered_hours_later_is_accepted(app, lawyer, monkeypatch):
    """Flask-WTF's default gave a form's token one hour; a reply typed for two is not lost."""
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    lawyer.get("/inbox")  # the form is opened...
    later = time.time() + 2 * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)  # ...and sent two hours later
    answer = lawyer.post("/language", {"language": "en", "next": "/inbox"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/inbox"
    assert "Inbox" in text(lawyer.get("/inbox"))


def test_the_session_cookie_is_samesite_lax_and_secure_over_tls(app, world):
    browser = Pages(app.test_client())
    response = browser.login(world.users["lawyer"].email)
    cookie = _session_cookie(response)
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    over_tls = Pages(app.test_client())
    over_tls.get("/login", base_url="https://localhost")
    tls = over_tls.post(
        "/login",
        {"email": world.users["lawyer"].email, "password": PASSWORD},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # Flask-WTF's check over HTTPS
    )
    assert tls.status_code == 302
    assert "Secure" in _session_cookie(tls)


def test_behind_a_proxy_the_forwarded_scheme_makes_the_cookie_secure(app_config, world, db):
    from web import create_app

    email = world.users["lawyer"].email
    db.session.remove()  # SQLite: the second app must not wait for this session's lock
    proxied = create_app({**app_config, "OMBUDSFLOW_PROXY_HOPS": 1})
    client = proxied.test_client()
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.9",
        "Referer": "https://localhost/login",  # Flask-WTF's check over HTTPS
    }
    page = client.get("/login", headers=headers)
    from .conftest import csrf_of

    answer = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_of(page.get_data(as_text=True)),
        },
        headers=headers,
    )
    assert answer.status_code == 302
    assert "Secure" in _session_cookie(answer)
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize(
    "path", ["/login", "/inbox", "/api/v1/tasks", "/api/v1/openapi.json", "/nowhere", "/static/app.css"]
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_token_expires_records_its_last_use_once_a_minute_and_is_revoked_by_cli(
    app, db, world, runner, clock
):
    person = world.users["manager"]
    created = runner.invoke(
        args=["tokens", "create", person.email, "--label", "nightly export", "--days", "30"]
    )
    assert created.exit_code == 0, created.output
    token = created.output.strip()
    assert token.startswith("of_")
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.label == "nightly export"))
    assert row.token_hash != token and row.expires_at == clock.now().replace(microsecond=0) + (
        row.expires_at - clock.now().replace(microsecond=0)
    )
    api = Api(app.test_client(), token)

    def last_used():
        db.session.expire_all()
        return db.session.get(ApiToken, row.id).last_used_at

    assert last_used() is None
    assert api.get("/api/v1/tasks").status_code == 200
    first = clock.now()
    assert last_used() == first
    clock.advance(seconds=30)
    assert api.get("/api/v1/tasks").status_code == 200
    assert last_used() == first  # within the minute: not written again
    clock.advance(seconds=31)
    assert api.get("/api/v1/tasks").status_code == 200
    assert last_used() == clock.now()
    listed = runner.invoke(args=["tokens", "list", "--email", person.email]).output
    assert f"{row.id:>5}  {person.email}" in listed and "nightly export" in listed and "active" in listed
    clock.advance(days=30)
    assert api.get("/api/v1/tasks").status_code == 401  # expired
    assert "expired" in runner.invoke(args=["tokens", "list", "--email", person.email]).output
    clock.advance(days=-29)
    assert api.get("/api/v1/tasks").status_code == 200
    revoked = runner.invoke(args=["tokens", "revoke", str(row.id)])
    assert revoked.output == f"token {row.id} (nightly export) of {person.email} revoked\n"
    assert api.get("/api/v1/tasks").status_code == 401
    again = runner.invoke(args=["tokens", "revoke", str(row.id)])
    assert again.exit_code == 1 and "Цей токен уже відкликано." in again.output


def test_tokens_through_the_api_own_ones_only_and_admins_all(app, db, world, api):
    made = api["lawyer"].post("/api/v1/tokens", {"label": "phone", "expires_in_days": 7})
    assert made.status_code == 201, made.json
    assert made.json["state"] == "active" and made.json["token"].startswith("of_")
    mine = api["lawyer"].get("/api/v1/tokens").json
    assert {t["label"] for t in mine} == {"test", "phone"} and all("token" not in t for t in mine)
    bad = api["lawyer"].post("/api/v1/tokens", {"label": "x", "expires_in_days": 0})
    assert bad.status_code == 422 and "expires_in_days" in bad.json["error"]["fields"]
    # Another person's token answers like a missing one; an admin may revoke it.
    assert api["manager"].delete(f"/api/v1/tokens/{made.json['id']}").status_code == 404
    assert api["lawyer"].get("/api/v1/tokens?all=true").status_code == 403
    assert made.json["id"] in {t["id"] for t in api["admin"].get("/api/v1/tokens?all=true").json}
    assert api["admin"].delete(f"/api/v1/tokens/{made.json['id']}").status_code == 204
    assert Api(app.test_client(), made.json["token"]).get("/api/v1/tasks").status_code == 401
    # Deactivation through the API.
    manager = world.users["manager"]
    answer = api["admin"].post(f"/api/v1/users/{manager.id}/deactivate")
    assert answer.status_code == 200 and answer.json == {
        "id": manager.id,
        "email": manager.email,
        "active": False,
        "tokens_revoked": 1,
    }
    assert api["manager"].get("/api/v1/tasks").status_code == 401
    assert api["lawyer"].post(f"/api/v1/users/{manager.id}/activate").status_code == 403
    db.session.expire_all()
    assert db.session.get(User, manager.id).active is False


def test_the_admin_page_deactivates_a_person_and_revokes_a_token(app, db, world):
    manager = world.users["manager"]
    row, token = accounts.create_token(world.users["lawyer"], label="ci export", actor="test")
    db.session.commit()
    victim = Pages(app.test_client()).as_(world, "manager")
    admin = Pages(app.test_client()).as_(world, "admin")
    page = admin.get("/admin/accounts")
    assert page.status_code == 200
    assert "Облікові записи й токени" in text(page) and "ci export" in text(page)
    assert Pages(app.test_client()).as_(world, "lawyer").get("/admin/accounts").status_code == 403
    done = admin.post(f"/admin/accounts/{manager.id}/deactivate", follow_redirects=True)
    assert f"{manager.name} більше не може увійти: сеанси завершено" in text(done)
    assert "деактивований" in text(done)
    assert victim.get("/inbox").status_code == 302
    revoked = admin.post(f"/admin/tokens/{row.id}/revoke", follow_redirects=True)
    assert f"Токен {row.id} відкликано" in text(revoked)
    assert Api(app.test_client(), token).get("/api/v1/tasks").status_code == 401


def test_an_authority_reply_typed_for_two_hours_is_registered(app, pages, scenario, world, db, monkeypatch):
    """The reply form behind a letter's link: opened, typed for two hours (past the old one-hour
    limit of the form's token), sent — and registered, not refused with the text lost."""
    from .test_portal_pages import link

    rec = scenario.send_act(scenario.recommendation())
    url = link(app, rec, world.colony_admin)
    pages.get(url)
    task = scenario.task(rec, "authority_reply")
    later = time.time() + 2 * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    done = pages.post(
        url,
        {
            "action": "reply",
            "version": str(task.version),
            "reply_text": "Вентиляцію встановлено (довга відповідь).",
        },
    )
    assert done.status_code == 302 and done.headers["Location"] == url
    assert "Вентиляцію встановлено (довга відповідь)." in text(pages.get(url))
