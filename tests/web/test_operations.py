"""Operating the site: health, readiness, Prometheus metrics, and the request id that ties a
request's log lines to its audit events."""

from __future__ import annotations

import json
import logging
import re

import sqlalchemy as sa

from config.logging import JsonFormatter
from engine import correlation, scheduler
from engine.models import AuditEvent, OutboxMessage
from engine.outbox import add
from tests.conftest import owner_url
from tests.web.scenario import ACT


def metric(body: str, name: str, **labels) -> float | None:
    """The value of one sample of the Prometheus text `body`, or None."""
    for line in body.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if head.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return None


def test_healthz_answers_without_a_database_or_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_the_database_and_the_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["migrations"]["ok"] is True
    assert checks["migrations"]["database"] == checks["migrations"]["code"]
    assert "scheduler" not in checks  # none expected here


def test_readyz_is_unavailable_until_an_expected_scheduler_beats(app, client, db):
    app.config["OMBUDSFLOW_SCHEDULER_EXPECTED"] = True
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["scheduler"] == {"ok": False, "alive": [], "in_this_process": False}
    scheduler.beat("host-b:4242")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["scheduler"]["alive"] == ["host-b:4242"]


def test_readyz_says_when_the_schema_is_behind_the_code(app, client, db):
    # The schema's version is the owner's to change (on PostgreSQL the application's role may not).
    owner = db.engine
    if db.engine.dialect.name == "postgresql":
        owner = sa.create_engine(owner_url(db.engine.url.render_as_string(hide_password=False)))
    with owner.begin() as conn:
        head = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0004_inbox_indexes'"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json["checks"]["migrations"]["ok"] is False
        assert response.json["checks"]["migrations"]["database"] == ["0004_inbox_indexes"]
    finally:  # PostgreSQL's test database is shared by the session (only its rows are truncated)
        with owner.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def test_metrics_count_requests_commands_and_read_the_backlog(api, client, db, scenario):
    rec = scenario.recommendation()
    before = client.get("/metrics").get_data(as_text=True)
    requests_before = metric(before, "ombudsflow_http_requests_total", route="/api/v1/me", status="200") or 0
    completions_before = (
        metric(before, "ombudsflow_engine_commands_total", command="complete", outcome="ok") or 0
    )
    assert api["lawyer"].get("/api/v1/me").status_code == 200
    assert api["lawyer"].get("/api/v1/me").status_code == 200
    task = scenario.task(rec, "draft_act")
    response = api["lawyer"].post(
        f"/api/v1/tasks/{task.id}/complete", json={"data": ACT, "version": task.version}
    )
    assert response.status_code == 200
    add(channel="email", topic="reminder", recipient="a@example.gov.ua", payload={})
    add(channel="email", topic="reminder", recipient="b@example.gov.ua", payload={})
    db.session.commit()
    pending = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    )

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    body = response.get_data(as_text=True)
    assert (
        metric(body, "ombudsflow_http_requests_total", route="/api/v1/me", status="200")
        == requests_before + 2
    )
    assert (
        metric(body, "ombudsflow_engine_commands_total", command="complete", outcome="ok")
        == completions_before + 1
    )
    assert metric(body, "ombudsflow_engine_command_seconds_count", command="complete") >= 1
    assert metric(body, "ombudsflow_outbox_backlog") == pending
    assert metric(body, "ombudsflow_incidents_open") == 0
    assert metric(body, "ombudsflow_timers_due") == 0
    assert metric(body, "ombudsflow_timer_lateness_seconds_count") is not None


def test_metrics_can_require_a_token(app, client):
    app.config["OMBUDSFLOW_METRICS_TOKEN"] = "scrape-me"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).status_code == 200


def test_the_request_id_comes_back_and_is_stored_with_the_audit_events(api, db, scenario):
    rec = scenario.recommendation()
    task = scenario.task(rec, "draft_act")
    response = api["lawyer"].post(
        f"/api/v1/tasks/{task.id}/complete",
        json={"data": ACT, "version": task.version},
        headers={"X-Request-ID": "proxy-7f3a9c"},
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "proxy-7f3a9c"
    events = db.session.scalars(
        sa.select(AuditEvent.event).where(AuditEvent.request_id == "proxy-7f3a9c").order_by(AuditEvent.id)
    ).all()
    # Completing draft_act drafts the act's document and submits it: all under the one request id.
    assert events == ["document_drafted", "document_edited", "document_submitted", "task_completed"]

    # A request without one (or with a malformed one) gets a fresh id of its own.
    fresh = api["lawyer"].get("/api/v1/me", headers={"X-Request-ID": "bad id with spaces"})
    assert re.fullmatch(r"[0-9a-f]{16}", fresh.headers["X-Request-ID"])


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("web", logging.WARNING, __file__, 1, "task %s refused", ("T-1",), None)
    with correlation.use("req-42"):
        correlation.LogFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "task T-1 refused"
    assert line["request_id"] == "req-42"
    assert line["level"] == "WARNING"
    assert line["logger"] == "web"
