"""The site's own pages under the CSP in Chromium: the inbox (htmx), a recommendation with its
process diagram (bpmn-js viewer), the dashboard and the heat map — no CSP violation on any."""

from __future__ import annotations

import pytest

from .test_browser import sign_in

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || ''));
});
"""


def test_the_pages_run_under_the_csp_without_a_violation(page, live_server, world, scenario):
    rec = scenario.send_act(scenario.recommendation())
    rec_id, email = rec.id, world.users["admin"].email
    scenario.done()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(WATCH)
    sign_in(page, live_server, email, "/inbox")
    seen = {"/inbox": page.evaluate("window.__csp")}
    for path in (f"/recommendations/{rec_id}", "/dashboard", "/dashboard/heatmap", "/admin/accounts"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        seen[path] = page.evaluate("window.__csp")
    assert seen == {k: [] for k in seen}
    assert console == [] and errors == []
