"""Schemathesis against the OpenAPI document of the app: property-based requests to every
operation, with an administrator's bearer token, and not one answer may be a 5xx.

The app runs on a loopback port (Werkzeug, threaded) behind a counter that sees every request and
its status, so the counts printed are the server's own, not the client's estimate. Schemathesis runs
as its CLI (`st run`), bounded by `--max-time` (OMBUDSFLOW_SCHEMATHESIS_SECONDS, 300 by default) and
by the test's own timeout. Only `make soak` (OMBUDSFLOW_SOAK=1) runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.workflows.conftest import build_world
from workflows.users import services as users

SOAK = os.environ.get("OMBUDSFLOW_SOAK") == "1"
SECONDS = int(os.environ.get("OMBUDSFLOW_SCHEMATHESIS_SECONDS", "300"))
ST = Path(sys.executable).parent / "st"

pytestmark = pytest.mark.skipif(not SOAK, reason="make soak (OMBUDSFLOW_SOAK=1) runs schemathesis")


class Counted:
    """WSGI middleware counting requests by status (and the paths of the 5xx)."""

    def __init__(self, app) -> None:
        self.app, self.statuses, self.errors = app, Counter(), []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        def counting_start(status, headers, exc_info=None):
            code = int(status.split(" ", 1)[0])
            with self._lock:
                self.statuses[code] += 1
                if code >= 500:
                    self.errors.append(f"{code} {environ['REQUEST_METHOD']} {environ.get('PATH_INFO')}")
            return start_response(status, headers, exc_info)

        return self.app(environ, counting_start)


@pytest.mark.timeout(SECONDS + 300)
def test_schemathesis_finds_no_server_error(app, db, tmp_path, capsys):
    world = build_world(db)
    token = users.issue_token(world.users["admin"], label="schemathesis", actor="test")
    db.session.commit()
    db.session.close()
    counted = Counted(app.wsgi_app)
    app.wsgi_app = counted
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="schemathesis-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        run = subprocess.run(
            [
                str(ST),
                "run",
                f"{base}/api/v1/openapi.json",
                "--url",
                base,
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                "not_a_server_error",
                "--max-time",
                str(SECONDS),
                "--workers",
                "2",
                "--seed",
                "21",
                "--generation-database",
                "none",
                "--request-timeout",
                "30",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=SECONDS + 240,
            env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
            cwd=tmp_path,
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    requests = sum(counted.statuses.values())
    five = sum(n for code, n in counted.statuses.items() if code >= 500)
    summary = ", ".join(f"{code}: {n}" for code, n in sorted(counted.statuses.items()))
    with capsys.disabled():  # `make soak` prints the counts
        print(f"\nschemathesis: {requests} requests, {five} 5xx ({summary})")
    assert "Test cases:" in run.stdout, (
        f"schemathesis did not run:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    )
    assert requests > 500, f"schemathesis hardly ran:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    assert five == 0, "server errors:\n" + "\n".join(sorted(set(counted.errors)))
