"""One access policy, proven by a matrix: every route of the app (from `app.url_map`, pages and API)
asked by every principal, each answer compared with its row in tests/web/access_matrix.py.

The world is built once per backend (module scope) and every request goes through the Flask test
client: pages with a signed-in session and the CSRF token a browser would send, the API with the
principal's bearer token. A route without a row fails with the line to add; a row without a route
fails too (a renamed route must not leave a stale row that tests nothing).

`OMBUDSFLOW_MATRIX_PRINT=1` prints the answers actually given, as rows, to review a new route.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from flask import g, has_app_context

from tests.conftest import BACKENDS, T0, _truncate, base_config

from . import access_matrix as matrix
from .access_world import LINK, MISSING_ID, PRINCIPALS, AccessWorld, build
from .conftest import PASSWORD, Pages

WRITE = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module", params=BACKENDS)
def access(request, tmp_path_factory):
    """The app and its world, built once per backend for the whole module."""
    from argon2 import PasswordHasher

    from engine.clock import clock
    from engine.db import db
    from web import create_app
    from workflows.reference.seed import seed_reference
    from workflows.users import services

    folder = tmp_path_factory.mktemp(f"access-{request.param}")
    if request.param == "sqlite":
        path = folder / "matrix.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgresql_url")
        _truncate(url)
    hasher = services._hasher
    services._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    clock.freeze(T0)
    app = create_app(base_config(url, folder))
    try:
        with app.app_context():
            seed_reference()
            db.session.commit()
            built = build(db, clock)
            db.session.commit()
            db.session.close()
            yield app, built
            db.session.remove()
            db.engine.dispose()
    finally:
        services._hasher = hasher
        clock.reset()


class Principal:
    """One principal's way in: a browser-like session for pages, a bearer token for the API."""

    def __init__(self, app, name: str, built: AccessWorld) -> None:
        self.app, self.name, self.built = app, name, built
        self.pages = self._pages()
        self.api = app.test_client()

    def _pages(self) -> Pages:
        pages = Pages(self.app.test_client())
        if self.name in self.built.emails:
            pages.login(self.built.emails[self.name], PASSWORD)
        elif self.name == LINK:
            assert pages.get(f"/respond/{self.built.link_token}").status_code == 200
        else:
            pages.get("/login")
        return pages

    def ask(self, method: str, url: str, *, fresh: bool = False, body: dict | None = None):
        if url.startswith("/api/"):
            if has_app_context():
                for name in list(g):
                    g.pop(name)
            headers = {}
            if self.name in self.built.tokens:
                headers["Authorization"] = f"Bearer {self.built.tokens[self.name]}"
            kwargs = {"json": body if body is not None else {}} if method in WRITE else {}
            return self.api.open(url, method=method, headers=headers, **kwargs)
        pages = self._pages() if fresh else self.pages
        try:
            if method == "GET":
                return pages.get(url)
            if method == "POST":
                return pages.post(url, {})
            pages._fresh_request()
            return pages.client.open(url, method=method, data={"csrf_token": pages.token})
        finally:
            if fresh:
                # Signing out ends every session of the person (the session generation moves on,
                # workflows/users/accounts.end_sessions): sign in again for the routes after it.
                self.pages = self._pages()


# The CSRF refusal (web/errors.py) in both languages: a harness that lost its token must say so.
_CSRF_REFUSED = ("Форма застаріла", "The form has expired")


def answer(response) -> str:
    """What the response says about access, in the matrix's words."""
    status = response.status_code
    if status >= 500:
        return f"{status} (a server error)"
    if status == 401 or (300 <= status < 400 and "/login" in response.headers.get("Location", "")):
        return matrix.LOGIN
    if status == 403:
        return matrix.DENY
    if status == 404:
        return matrix.HIDE
    if status == 400 and any(text in response.get_data(as_text=True) for text in _CSRF_REFUSED):
        return "400 (the CSRF token was refused: the harness is broken)"
    if status in (400, 409, 410, 422):
        return matrix.REFUSED
    return matrix.OK


def url_for_rule(rule: str, fills: dict[str, str]) -> str:
    """The rule's URL naming A's world: `<int:recommendation_id>` -> A's id, and so on."""
    out = []
    for converter, _arguments, variable in _parse(rule):
        if converter is None:
            out.append(variable)
            continue
        if variable not in fills:
            raise AssertionError(
                f"{rule}: no value for <{variable}> in tests/web/access_world.py `fills`; add one "
                "naming a record of A's world"
            )
        out.append(fills[variable])
    return "".join(out)


def _parse(rule: str):
    position = 0
    for match in re.finditer(r"<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\((.*?)\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>", rule):
        if match.start() > position:
            yield None, None, rule[position : match.start()]
        yield match.group(1) or "default", match.group(2), match.group(3)
        position = match.end()
    if position < len(rule):
        yield None, None, rule[position:]


def fills_for(key: str, fills: dict[str, str]) -> dict[str, str]:
    return {**fills, **{name: fills[other] for name, other in matrix.FILLS.get(key, {}).items()}}


def routes(app) -> list[str]:
    """Every (method, rule) of the app but the static files, as the matrix's keys."""
    keys = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in matrix.EXCLUDED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            keys.append(f"{method} {rule.rule}")
    return sorted(keys)


def test_every_route_has_a_row_and_every_row_a_route(access):
    app, _built = access
    keys = set(routes(app))
    missing = sorted(keys - set(matrix.ROWS))
    stale = sorted(set(matrix.ROWS) - keys)
    message = []
    if missing:
        message.append(
            "Routes without a row in tests/web/access_matrix.py ROWS — add one line each, e.g.\n"
            + "\n".join(f'    "{key}": row(ok=STAFF),' for key in missing)
        )
    if stale:
        message.append(
            "Rows of routes that no longer exist (remove them):\n" + "\n".join(f"    {k}" for k in stale)
        )
    assert not message, "\n\n".join(message)


@pytest.fixture(scope="module")
def answers(access):
    """Every route asked by every principal, once: {(key, principal): (answer, response)}."""
    from engine.clock import clock

    # A module fixture starts before the function fixtures of its first test, and after the clock
    # of an earlier test was reset (tests/conftest.py): the world's time, or invitations expire.
    clock.freeze(T0)
    app, built = access
    principals = {name: Principal(app, name, built) for name in PRINCIPALS}
    got = {}
    for key in routes(app):
        method, rule = key.split(" ", 1)
        url = url_for_rule(rule, fills_for(key, built.fills))
        body = matrix.BODIES[key](built.fills) if key in matrix.BODIES else None
        for name in matrix.ORDER:
            response = principals[name].ask(method, url, fresh=key in matrix.FRESH, body=body)
            got[key, name] = answer(response)
    return got


def test_every_principal_gets_the_answer_of_its_row(access, answers):
    app, _built = access
    if os.environ.get("OMBUDSFLOW_MATRIX_PRINT") == "1":
        for key in routes(app):
            print(matrix.as_row(key, {p: answers[key, p] for p in PRINCIPALS}))
    wrong = []
    for key in routes(app):
        spec = matrix.ROWS.get(key)
        if spec is None:
            continue  # reported by the test above
        for principal in PRINCIPALS:
            expected, got = spec.expect(principal), answers[key, principal]
            if expected != got:
                wrong.append(f"{key:70} {principal:16} expected {expected:6} got {got}")
    assert not wrong, f"{len(wrong)} answers differ from tests/web/access_matrix.py:\n" + "\n".join(wrong)


def test_a_hidden_record_and_a_missing_one_answer_alike(access):
    """For each GET of one record that some principal may not see, that principal gets exactly what
    a missing record gives: the same status (404) and the same body — ids cannot be enumerated."""
    app, built = access
    checked = 0
    differ = []
    principals: dict[str, Principal] = {}
    for key in routes(app):
        method, rule = key.split(" ", 1)
        spec = matrix.ROWS.get(key)
        if method != "GET" or spec is None or not spec.hidden:
            continue
        variable = spec.record or [v for c, _a, v in _parse(rule) if c is not None][-1]
        fills = fills_for(key, built.fills)
        url = url_for_rule(rule, fills)
        missing = url_for_rule(rule, {**fills, variable: str(MISSING_ID)})
        hidden_id, missing_id = fills[variable], str(MISSING_ID)
        for name in sorted(spec.hidden):
            principal = principals.get(name) or principals.setdefault(name, Principal(app, name, built))
            hidden_response, missing_response = principal.ask(method, url), principal.ask(method, missing)
            checked += 1
            # The body names the id asked for ("Task … does not exist"): the same words either way.
            hidden_body = _without(hidden_response.get_data(as_text=True), hidden_id)
            missing_body = _without(missing_response.get_data(as_text=True), missing_id)
            if (hidden_response.status_code, hidden_body) != (missing_response.status_code, missing_body):
                import difflib

                delta = [
                    line
                    for line in difflib.unified_diff(hidden_body.splitlines(), missing_body.splitlines(), n=0)
                    if line[:1] in "+-" and line[:3] not in ("+++", "---")
                ]
                differ.append(
                    f"{key} as {name}: hidden {hidden_response.status_code},"
                    f" missing {missing_response.status_code}; {delta[:4]}"
                )
    assert checked >= 10, "the matrix hides almost nothing: is `hidden` filled in?"
    assert not differ, "hidden and missing records answer differently:\n" + "\n".join(differ)


def _without(body: str, record_id: str) -> str:
    """The body with the id asked for (as a word, not inside a token) replaced by `<id>`, and the
    session's CSRF token (signed with the time, so it changes from one second to the next) by `<csrf>`."""
    body = re.sub(r'"I[\w-]{20,}\.[\w-]+\.[\w-]+"', '"<csrf>"', body)
    return re.sub(rf"(?<=[\s>/№#(]){re.escape(record_id)}(?=[\s<.,/\"')])", "<id>", body)


def test_a_signed_link_opens_its_own_recommendation_only(access):
    """The link of B opens B; a link whose signature was made for B, with A's id put in, opens
    nothing (and answers as an unknown link does)."""
    import base64
    import json

    app, built = access
    link = Principal(app, LINK, built)
    assert link.ask("GET", f"/respond/{built.link_token}").status_code == 200
    payload, *signature = built.link_token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    rec_a = int(built.fills["recommendation_id"])
    forged_payload = base64.urlsafe_b64encode(json.dumps({**data, "r": rec_a}).encode()).rstrip(b"=").decode()
    forged = ".".join([forged_payload, *signature])
    forged_response = link.ask("GET", f"/respond/{forged}")
    # An unknown link of the same kind (signed: with dots; a registry link has none and its page is
    # the registry's, web/portal/answer.py).
    unknown = ".".join("x" * len(part) for part in forged.split("."))
    unknown_response = link.ask("GET", f"/respond/{unknown}")
    assert forged_response.status_code == unknown_response.status_code == 404
    forged_body = _without(forged_response.get_data(as_text=True).replace(forged, "<token>"), forged)
    unknown_body = _without(unknown_response.get_data(as_text=True).replace(unknown, "<token>"), unknown)
    assert forged_body == unknown_body
