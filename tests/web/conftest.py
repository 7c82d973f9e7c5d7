"""Fixtures for the pages: the domain world of tests/workflows, a signed-in test client that sends
the CSRF token like a browser does, and recommendations walked to a chosen step through the services."""

from __future__ import annotations

import html
import os
import re
import threading
from dataclasses import dataclass

import pytest
from flask import g, has_app_context
from werkzeug.serving import make_server

from config.settings import PROJECT_ROOT
from tests.workflows import conftest as workflows_fixtures

from .scenario import Scenario

# The domain world of tests/workflows (BPMN deployed, authorities, a facility, a visit with a finding,
# one user per role) is the pages' world too.
world = workflows_fixtures.world
desk = workflows_fixtures.desk
api = workflows_fixtures.api

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_of(page: str) -> str:
    match = _CSRF.search(page)
    assert match, "the page carries no CSRF token"
    return match.group(1)


class Pages:
    """A test client used like a browser: it signs in through /login and every POST carries the
    CSRF token of the last page it read (the token belongs to the session, as in Flask-WTF)."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None

    def _remember(self, response):
        if response.mimetype == "text/html":
            match = _CSRF.search(response.get_data(as_text=True))
            if match:
                self.token = match.group(1)
        return response

    @staticmethod
    def _fresh_request():
        # The `app` fixture keeps one app context for the whole test and every test-client request
        # shares it, with its `g`: Flask-WTF caches the CSRF token there and Flask-Login the user.
        # A real request starts with an empty `g`; so does each request here.
        if has_app_context():
            for name in list(g):
                g.pop(name)

    def get(self, url, **kwargs):
        self._fresh_request()
        return self._remember(self.client.get(url, **kwargs))

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        self._fresh_request()
        return self._remember(self.client.post(url, data=data, **kwargs))

    def login(self, email: str, password: str = PASSWORD, next_url: str | None = None):
        self.get("/login")
        url = "/login" + (f"?next={next_url}" if next_url else "")
        response = self.post(url, {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        # Signing in starts a new session (and CSRF token); a browser reads the next page first.
        self.get(response.headers["Location"], follow_redirects=True)
        return response

    def as_(self, world, role: str) -> Pages:
        self.login(world.users[role].email)
        return self


def text(response) -> str:
    """The page as text: tags removed, entities decoded, whitespace collapsed (for `in` checks)."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def pages(client) -> Pages:
    return Pages(client)


@pytest.fixture
def lawyer(app, world) -> Pages:
    return Pages(app.test_client()).as_(world, "lawyer")


@pytest.fixture
def scenario(app, db, world, clock) -> Scenario:
    return Scenario(db, world, clock)


# --- browser tests: Debian's Chromium through Playwright, against a real local HTTP server ---------

CHROMIUM = "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("OMBUDSFLOW_REQUIRE_BROWSER") == "1"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or REQUIRE_BROWSER:
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium, or `make test`)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a browser Playwright would download."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"OMBUDSFLOW_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A laptop screen, a Ukrainian browser, and a browser clock far from Kyiv: every date on the
    # pages is computed by the server in Europe/Kyiv, so the browser's zone must not matter.
    return {
        **browser_context_args,
        "viewport": {"width": 1366, "height": 800},
        "locale": "uk-UA",
        "timezone_id": "America/New_York",
    }


@dataclass
class LiveServer:
    url: str


@pytest.fixture
def live_server(app):
    """The app on a free local port, served by Werkzeug in a thread. Each request runs in its own
    thread with its own app context and database session; the test's own session must not hold a
    transaction while the browser works (SQLite takes the write lock at BEGIN): see Scenario.done."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def screenshot():
    """Save a page as test-artifacts/<name>.png (gitignored) for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
