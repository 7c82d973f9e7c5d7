"""The Content-Security-Policy every response carries (web/security.py) lets the designer's
bpmn-js and dmn-js bundles and htmx run: the editors open and become ready in Chromium, and the
browser reports no CSP violation on any of the pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DESIGNER_EMAIL
from .test_designer_browser import TIMEOUT, modeler_ready, open_editor, sign_in

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || ''));
});
"""


def test_the_designer_runs_under_the_csp_without_a_violation(page, live_server, designer, scenario):
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(WATCH)
    scenario.done()
    sign_in(page, live_server, DESIGNER_EMAIL)
    seen = {}

    def violations(where: str) -> None:
        seen[where] = page.evaluate("window.__csp")

    response = page.goto(f"{live_server.url}/designer")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    violations("designer")
    open_editor(page, "recommendation.bpmn")
    modeler_ready(page)
    expect(page.locator(".djs-element").first).to_be_attached()
    violations("bpmn modeler")
    page.goto(f"{live_server.url}/designer")
    open_editor(page, "deadlines.dmn")
    expect(page.locator("#dmn-editor")).to_have_attribute("data-ready", "true", timeout=TIMEOUT)
    violations("dmn editor")
    page.goto(f"{live_server.url}/designer/processes/recommendation/versions/1")
    page.wait_for_load_state("load")
    violations("version page")
    assert seen == {k: [] for k in seen}
    assert console == [] and errors == []
