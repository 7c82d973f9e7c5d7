"""A task completion through the REST API costs four round trips on PostgreSQL — the token's user
(with BEGIN), the locking read that also serves the access check, every write in one pipeline, and
COMMIT — and sends the same statements, in the same order, on both databases."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from engine import deployments
from engine.db import ROUND_TRIPS
from engine.models import HumanTask
from tests.engine import conftest as engine_fixtures  # noqa: F401 - registers the test_notify service

ENGINE_BPMN = Path(__file__).resolve().parent.parent / "engine" / "bpmn"


def test_a_completion_is_four_round_trips_on_postgresql(app, db, api, world):
    deployments.deploy(deployments.collect_files([ENGINE_BPMN]), actor="test")
    from engine import instances

    started = instances.start("review", data={"urgency": "high", "team": 7, "title": "Draft"}, actor="test")
    db.session.commit()
    task_id = started.created_tasks[0].id
    lawyer = world.users["lawyer"].actor
    # The token's last use is written at most once a minute: this request writes it, so that the
    # completion below is measured as a lawyer working through the inbox meets it.
    assert api["lawyer"].get("/api/v1/tasks").status_code == 200
    db.session.remove()

    sent: list[str] = []
    commits = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()[:3]).upper())

    def on_commit(conn):
        commits.append(1)

    stats = ROUND_TRIPS
    before = dict(stats)
    sa.event.listen(db.engine, "before_cursor_execute", on_execute)
    sa.event.listen(db.engine, "commit", on_commit)
    try:
        response = api["lawyer"].post(
            f"/api/v1/tasks/{task_id}/complete", json={"data": {"title": "The draft"}, "version": 1}
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", on_execute)
        sa.event.remove(db.engine, "commit", on_commit)
    assert response.status_code == 200, response.json
    assert [t["element_id"] for t in response.json["next_tasks"]] == ["review_task"]

    statements = [s for s in sent if not s.startswith("BEGIN")]  # SQLite's BEGIN IMMEDIATE
    chain = ["UPDATE"] if db.engine.dialect.name == "sqlite" else []  # SQLite chains each audit event
    assert [s.split()[0] for s in statements] == [
        "SELECT",  # the token's user
        "SELECT",  # the task, its instance (locked) and its open tasks: also the access check
        *chain,  # on PostgreSQL the sealer chains events apart from the request (engine/audit.py)
        "UPDATE",  # claim the task (version check)
        "UPDATE",  # the state (version check)
        "INSERT",  # the new task
        "INSERT",  # its timers
        "INSERT",  # the audit event
    ]
    assert len(commits) == 1
    if db.engine.dialect.name == "postgresql":
        pipelined = stats["pipelined_statements"] - before["pipelined_statements"]
        pipelines = stats["pipelines"] - before["pipelines"]
        separate_begins = stats["separate_begins"] - before["separate_begins"]
        round_trips = len(statements) - pipelined + pipelines + separate_begins + len(commits)
        assert (pipelined, pipelines, separate_begins) == (5, 1, 0)
        assert round_trips == 4
    db.session.expire_all()
    done = db.session.get(HumanTask, task_id)
    assert (done.status, done.completed_by) == ("completed", lawyer)
