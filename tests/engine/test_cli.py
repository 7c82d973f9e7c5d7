"""The `ombudsflow` CLI as a user runs it: a real process against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import BPMN_DIR

OMBUDSFLOW = str(Path(sys.executable).with_name("ombudsflow"))


@pytest.fixture
def cli_bpmn(tmp_path):
    """The test diagrams a bare CLI can run (the review process needs a test-only service handler)."""
    folder = tmp_path / "bpmn"
    folder.mkdir()
    for name in ("fragile.bpmn", "messages.bpmn"):
        (folder / name).write_text((BPMN_DIR / name).read_text())
    return folder


@pytest.fixture
def cli(app, db, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "OMBUDSFLOW_INSTANCE_DIR": str(tmp_path),
        "OMBUDSFLOW_CLOCK_ADJUSTABLE": "1",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    env.pop("OMBUDSFLOW_SCHEDULER", None)

    def run(*args, ok=True):
        db.session.remove()  # never hold the SQLite write lock while the CLI runs
        proc = subprocess.run([OMBUDSFLOW, *args], env=env, capture_output=True, text=True, timeout=60)
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc

    return run


def test_deploy_start_show_sweep(cli, cli_bpmn):
    out = cli("deploy", str(cli_bpmn)).stdout
    assert "deployment 1 created: await_reply v1, fragile v1 (2 files, sha256 " in out
    assert "unchanged: identical content is deployment 1" in cli("deploy", str(cli_bpmn)).stdout

    started = json.loads(
        cli("instances", "start", "fragile", "--data", '{"divisor": 4}', "--business-key", "CASE-1").stdout
    )
    assert started["status"] == "running" and started["business_key"] == "CASE-1"
    [timer] = started["timers"]
    assert timer["element_id"] == "wait" and timer["kind"] == "duration"

    swept = cli("timers", "sweep", "--now", "2099-01-01T00:00:00Z").stdout
    assert f"fired wait (Wait a day) of instance {started['id']} [CASE-1]" in swept
    assert "1 timer(s) fired" in swept

    shown = json.loads(cli("instances", "show", str(started["id"])).stdout)
    assert shown["status"] == "completed"
    assert [h["event"] for h in shown["history"]] == ["instance_started", "timer_fired", "instance_completed"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["instances", "start", "nope"], "error: no deployed process with id 'nope'"),
        (["instances", "start", "fragile", "--data", "{oops"], "--data is not valid JSON"),
        (["instances", "start", "fragile", "--data", "[1]"], "--data must be a JSON object"),
        (["instances", "show", "999"], "error: process instance 999 does not exist"),
        (["timers", "sweep", "--now", "tomorrow"], "is not an ISO 8601 time"),
        (["deploy", "/no/such/dir"], "no such file or directory"),
    ],
)
def test_errors_are_one_clear_line(cli, cli_bpmn, args, message):
    cli("deploy", str(cli_bpmn))
    proc = cli(*args, ok=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_refused_deployment_lists_problems(cli, tmp_path):
    broken = tmp_path / "broken.bpmn"
    broken.write_text((BPMN_DIR / "fragile.bpmn").read_text().replace('"P1D"', "P1D"))
    proc = cli("deploy", str(broken), ok=False)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1  # one line, however many problems
    assert "error: deployment refused: " in proc.stderr and "(1 problem(s))" in proc.stderr
    assert "broken.bpmn [wait]: timer: timer expression 'P1D' is not quoted" in proc.stderr


def test_clock_set_show_reset(cli):
    assert "clock set: now is 2030-01-01T" in cli("clock", "set", "2030-01-01T00:00:00Z").stdout
    assert cli("clock", "show").stdout.startswith("2030-01-01T")
    assert "clock reset" in cli("clock", "reset").stdout
