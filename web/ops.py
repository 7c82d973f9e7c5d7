"""Operating the site: `/healthz`, `/readyz`, `/metrics`, and the request id of every request.

- `/healthz`: the process answers (no database call) — for a load balancer's liveness check.
- `/readyz`: the database answers, its schema is at the migrations' head, and a scheduler is alive
  when one should be (this process runs one, or `OMBUDSFLOW_SCHEDULER_EXPECTED` says another does);
  503 with the failing checks otherwise — for taking a host out of rotation.
- `/metrics`: Prometheus text (prometheus-client): requests by route, method and status and their
  time, engine commands and their time, timer lateness, and read at scrape time from the database:
  timers due and overdue, outbox backlog and failures, open incidents. With
  `PROMETHEUS_MULTIPROC_DIR` set, the numbers of every gunicorn worker are added up.
- Every request gets an id (`X-Request-ID` from the proxy when it is sane, else a new one); it is
  sent back in the response header, written in every log line and stored with every audit event.
"""

from __future__ import annotations

import os
import re
import time

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from engine import correlation, metrics, scheduler
from engine.clock import clock
from engine.db import db

bp = Blueprint("ops", __name__)
PATHS = ("/healthz", "/readyz", "/metrics")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

REQUESTS = Counter(
    "ombudsflow_http_requests_total",
    "HTTP requests by route, method and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "ombudsflow_http_request_seconds",
    "Time to answer an HTTP request, by route",
    ["route", "method"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)


@bp.route("/healthz")
def healthz():
    return jsonify(status="ok")


def _migration_heads() -> set[str]:
    heads = current_app.extensions.get("ombudsflow_migration_heads")
    if heads is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        from config.settings import PROJECT_ROOT

        config = Config()
        config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
        heads = set(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions["ombudsflow_migration_heads"] = heads
    return heads


def readiness() -> tuple[bool, dict]:
    checks: dict[str, dict] = {}
    try:
        current = set(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
        checks["database"] = {"ok": True}
        heads = _migration_heads()
        checks["migrations"] = {"ok": current == heads, "database": sorted(current), "code": sorted(heads)}
    except Exception as exc:  # the check's answer is the failure itself
        db.session.rollback()
        checks["database"] = {"ok": False, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    running = current_app.extensions.get("ombudsflow_scheduler")
    expected = current_app.config.get("OMBUDSFLOW_SCHEDULER_EXPECTED") or running is not None
    if expected and checks["database"]["ok"]:
        window = 3 * scheduler.HEARTBEAT_SECONDS + 5
        alive = scheduler.alive(window)
        ok = bool(alive) and (running is None or running.is_alive())
        checks["scheduler"] = {"ok": ok, "alive": alive, "in_this_process": running is not None}
    db.session.rollback()
    return all(c["ok"] for c in checks.values()), checks


@bp.route("/readyz")
def readyz():
    ok, checks = readiness()
    return jsonify(status="ok" if ok else "unavailable", checks=checks), 200 if ok else 503


class _DatabaseState:
    """Gauges read from the database when Prometheus scrapes."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        with self.app.app_context():
            try:
                state = metrics.state(clock.now())
            except Exception:
                db.session.rollback()
                return
            finally:
                db.session.remove()
        for name, help_text, value in (
            ("ombudsflow_timers_due", "Waiting timers whose fire time has come", state.timers_due),
            ("ombudsflow_timers_overdue", "Waiting timers due more than a minute ago", state.timers_overdue),
            ("ombudsflow_timers_failed", "Timers that failed every retry", state.timers_failed),
            ("ombudsflow_outbox_backlog", "Messages waiting to be delivered", state.outbox_backlog),
            ("ombudsflow_outbox_failed", "Messages that gave up and wait for an admin", state.outbox_failed),
            ("ombudsflow_incidents_open", "Open incidents", state.incidents_open),
        ):
            gauge = GaugeMetricFamily(name, help_text)
            gauge.add_metric([], value)
            yield gauge


@bp.route("/metrics")
def metrics_endpoint():
    token = current_app.config.get("OMBUDSFLOW_METRICS_TOKEN")
    if token and request.headers.get("Authorization", "") != f"Bearer {token}":
        return jsonify(error={"code": "unauthorized", "message": "metrics token required"}), 401
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    database = CollectorRegistry()
    database.register(_DatabaseState(current_app._get_current_object()))
    body = generate_latest(registry) + generate_latest(database)
    return body, 200, {"Content-Type": CONTENT_TYPE_LATEST}


def _start_request():
    incoming = request.headers.get("X-Request-ID", "")
    value = incoming if _REQUEST_ID.match(incoming) else correlation.new_id()
    g.request_id = value
    g.request_token = correlation.set_current(value)
    g.request_started = time.perf_counter()


def _finish_request(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    if started is not None:
        rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
        REQUESTS.labels(rule, request.method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(rule, request.method).observe(time.perf_counter() - started)
    return response


def _end_context(_exc=None):
    token = g.pop("request_token", None)
    if token is not None:
        correlation.reset(token)


def init_app(app: Flask) -> None:
    # First of all before_request hooks: the id is there for everything that logs or audits.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_context)
    app.register_blueprint(bp)
