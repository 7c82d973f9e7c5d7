"""Several hosts on one PostgreSQL: two gunicorn instances on different ports and two `ombudsflow
scheduler` processes, under load from clients on both, fire each timer once and send each e-mail
once to a real SMTP server (aiosmtpd).

`make test` runs a short version; `make soak` (OMBUDSFLOW_SOAK=1) a longer one. Everything listens
on loopback only, and every loop is bounded in time.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_DATABASE_URL, base_config
from tests.notifications.conftest import SmtpServer, free_port

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SOAK = os.environ.get("OMBUDSFLOW_SOAK") == "1"
SENT_BEFORE = 40 if SOAK else 8  # recommendations whose act is sent before time moves
WORKED_DURING = 60 if SOAK else 8  # recommendations worked on both hosts while timers fire
ACT = {
    "act_kind": "submission",
    "act_text": "Вимагаємо забезпечити вентиляцію камер дільниці карантину.",
    "signatory": "Представник Уповноваженого з питань НПМ",
}


class Host:
    """A client of one gunicorn instance (a bearer token per role)."""

    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.port, self.tokens = port, tokens
        self.served = 0
        self.completions = 0

    def call(self, method: str, path: str, role: str, body=None) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = {"Authorization": f"Bearer {self.tokens[role]}", "Content-Type": "application/json"}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        payload = json.loads(response.read() or b"null")
        conn.close()
        assert response.status < 300, (method, path, response.status, payload)
        self.served += 1
        self.completions += path.endswith("/complete")
        return payload

    def complete_next(self, rec_id: int, role: str, element: str, data: dict) -> None:
        rec = self.call("GET", f"/api/v1/recommendations/{rec_id}", role)
        [task] = [t for t in rec["open_tasks"] if t["element_id"] == element]
        self.call(
            "POST", f"/api/v1/tasks/{task['id']}/complete", role, {"data": data, "version": task["version"]}
        )


def _wait_ready(port: int, process: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/readyz")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"port {port} not ready:\n{log.read_text()[-3000:]}")


def _server_errors(processes) -> str:
    """The tracebacks the servers and schedulers logged (for a failing assertion's message)."""
    found = []
    for _process, log in processes:
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            found.append(f"--- {log.name}\n{text[text.index('Traceback') - 300 :][:4000]}")
    return "\n".join(found) or "(no traceback in the server logs)"


# Only so that a hung server cannot hang the run: every wait below ends as soon as its condition
# holds, however loaded the machine is.
HANG_GUARD = 1800 if SOAK else 900


def _alive(processes) -> None:
    exited = [log.name for process, log in processes if process.poll() is not None]
    assert not exited, f"exited: {exited}\n{_server_errors(processes)}"


@pytest.fixture
def database(tmp_path):
    server = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{server.database}_hosts_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _world(url: str, tmp_path) -> tuple[dict[str, str], int, int]:
    """Registry, people and tokens, written through the services; (tokens, finding, authority)."""
    from datetime import date

    from flask_migrate import upgrade

    from engine.db import db
    from web import create_app
    from web.startup import deploy_bundled
    from workflows.authorities import services as authorities
    from workflows.authorities.models import Authority
    from workflows.facilities import services as facilities
    from workflows.users import services as users
    from workflows.visits import services as visits

    app = create_app(base_config(url, tmp_path / "setup"))
    with app.app_context():
        upgrade()
        deploy_bundled(app)
        from workflows.reference.seed import seed_reference

        seed_reference()
        ministry = db.session.scalar(sa.select(Authority).where(Authority.code == "MOJ"))
        colony = authorities.create(
            code="COLONY-48",
            name_uk="Адміністрація Львівської виправної колонії № 48",
            level="facility_administration",
            parent_id=ministry.id,
            emails=["colony48@example.gov.ua"],
            actor="test",
        )
        facility = facilities.create(
            name_uk="Львівська виправна колонія № 48",
            kind="penal_colony",
            region="lviv",
            authority_id=colony.id,
            actor="test",
        )
        people = {
            role: users.create_user(f"{role}@ombudsman.example", name=role, role=role)
            for role in ("lawyer", "manager", "admin")
        }
        db.session.flush()
        visit = visits.create(
            facility_id=facility.id,
            kind="regular",
            starts_on=date.today() - timedelta(days=2),
            ends_on=date.today() - timedelta(days=1),
            members=[{"name": "Юрист", "role": "head", "user_id": people["lawyer"].id}],
            user=people["lawyer"],
        )
        finding = visits.add_finding(
            visit,
            text="Відсутня вентиляція.",
            category="material_conditions",
            severity="high",
            user=people["lawyer"],
        )
        tokens = {role: users.issue_token(person, actor="test") for role, person in people.items()}
        db.session.commit()
        ids = finding.id, colony.id
        db.session.remove()
        db.engine.dispose()
    return tokens, *ids


def test_two_hosts_and_two_schedulers_fire_each_timer_once_and_send_each_mail_once(database, tmp_path, clock):
    clock.reset()  # the servers run on real time (with the shared, adjustable offset)
    tokens, finding_id, authority_id = _world(database, tmp_path)
    smtp = SmtpServer()
    smtp.start()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "several-hosts",
        "OMBUDSFLOW_INSTANCE_DIR": str(tmp_path / "instance"),
        "OMBUDSFLOW_DEPLOY_ON_START": "0",
        "OMBUDSFLOW_CLOCK_ADJUSTABLE": "1",
        "OMBUDSFLOW_SCHEDULER": "0",
        "OMBUDSFLOW_SCHEDULER_EXPECTED": "1",
        "OMBUDSFLOW_SMTP_HOST": "127.0.0.1",
        "OMBUDSFLOW_SMTP_PORT": str(smtp.port),
        "OMBUDSFLOW_OUTBOX_INTERVAL": "1",
        "OMBUDSFLOW_SWEEP_INTERVAL": "2",
        "OMBUDSFLOW_ACCESS_LOG": "",
        "WEB_CONCURRENCY": "2",
        "OMBUDSFLOW_THREADS": "2",
    }
    processes: list[tuple[subprocess.Popen, Path]] = []

    def spawn(name: str, command: list[str], extra: dict | None = None) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(
            command, cwd=ROOT, env={**env, **(extra or {})}, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        processes.append((process, log))
        return process

    try:
        for i in (1, 2):
            spawn(f"scheduler-{i}", [str(BIN / "ombudsflow"), "scheduler"])
        hosts = []
        for i in (1, 2):
            port = free_port()
            process = spawn(
                f"web-{i}",
                [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py"],
                {
                    "OMBUDSFLOW_BIND": f"127.0.0.1:{port}",
                    "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"metrics-{i}"),
                },
            )
            _wait_ready(port, process, processes[-1][1])  # ready means: both schedulers beat too
            hosts.append(Host(port, tokens))

        def create(host: Host) -> int:
            body = {
                "finding_id": finding_id,
                "authority_id": authority_id,
                "text": "Забезпечити дієву вентиляцію в камерах дільниці карантину.",
                "severity": "high",
                "category": "material_conditions",
            }
            return host.call("POST", "/api/v1/recommendations", "lawyer", body)["id"]

        def send_act(host: Host, rec_id: int) -> None:
            host.complete_next(rec_id, "lawyer", "draft_act", ACT)
            host.complete_next(rec_id, "manager", "approve_act", {"approved": True})

        waiting = [create(hosts[i % 2]) for i in range(SENT_BEFORE)]
        for i, rec_id in enumerate(waiting):
            send_act(hosts[i % 2], rec_id)
        worked = [create(hosts[i % 2]) for i in range(WORKED_DURING)]

        # Terms run from receipt: time moves once the mail server has accepted the first group's acts
        # (the deliverers report it), or a late one would start its term forty days on.
        received = sa.create_engine(database, poolclass=sa.pool.NullPool)
        give_up = time.monotonic() + HANG_GUARD
        with received.connect() as conn:
            while True:
                count = conn.exec_driver_sql(
                    "SELECT count(*) FROM recommendation WHERE id = ANY(%(ids)s) AND received_at IS NOT NULL",
                    {"ids": waiting},
                ).scalar()
                conn.rollback()
                if count == len(waiting):
                    break
                _alive(processes)
                assert time.monotonic() < give_up, (
                    f"{count} of {len(waiting)} acts received\n{_server_errors(processes)}"
                )
                time.sleep(0.2)
        received.dispose()

        # Forty days later (every worker and both schedulers read the shared clock): the deadlines of
        # the first group pass, and both schedulers sweep while clients send the second group's acts
        # through both hosts.
        later = datetime.now(UTC) + timedelta(days=40)
        hosts[0].call("PUT", "/api/v1/clock", "admin", {"now": later.isoformat()})
        errors: list[BaseException] = []

        def client(index: int) -> None:
            try:
                for j, rec_id in enumerate(worked[index::2]):
                    send_act(hosts[(index + j) % 2], rec_id)
            except BaseException as exc:  # reported by the test
                errors.append(exc)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=HANG_GUARD)
        assert not any(t.is_alive() for t in threads), f"a client hung\n{_server_errors(processes)}"
        assert not errors, f"{errors[0]}\n{_server_errors(processes)}"

        engine = sa.create_engine(database, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:

            def backlog(until: datetime) -> tuple[int, int, int, datetime | None]:
                """(timers due by `until` still waiting; unsent e-mails due now; e-mails held for a
                later moment; the first such moment), the shared clock being `now`."""
                now = datetime.fromisoformat(hosts[0].call("GET", "/api/v1/clock", "admin")["now"])
                naive = {"until": until.astimezone(UTC).replace(tzinfo=None)}
                naive["now"] = now.astimezone(UTC).replace(tzinfo=None)
                due = conn.exec_driver_sql(
                    "SELECT count(*) FROM timer WHERE status = 'waiting' AND fire_at <= %(until)s", naive
                ).scalar()
                ready, held, held_until = conn.exec_driver_sql(
                    "SELECT count(*) FILTER (WHERE status <> 'pending' OR next_attempt_at <= %(now)s),"
                    " count(*) FILTER (WHERE status = 'pending' AND next_attempt_at > %(now)s),"
                    " min(next_attempt_at) FILTER (WHERE status = 'pending' AND next_attempt_at > %(now)s)"
                    " FROM outbox_message WHERE channel = 'email' AND status <> 'sent'",
                    naive,
                ).one()
                conn.rollback()
                return due, ready, held, held_until

            # Both schedulers fire every due timer and the deliverers send every e-mail that is due.
            # A letter about a breach waits for the working morning (workflows/recommendations):
            # when only held letters are left, the shared clock moves to the moment they wait for,
            # as the morning would come, and they go out too. Each wait ends when its condition
            # holds; HANG_GUARD only stops a hung run.
            until = later
            give_up = time.monotonic() + HANG_GUARD
            while True:
                due, ready, held, held_until = backlog(until)
                if due == 0 and ready == 0:
                    if held == 0:
                        break
                    until = held_until.replace(tzinfo=UTC)
                    hosts[0].call("PUT", "/api/v1/clock", "admin", {"now": until.isoformat()})
                    continue
                _alive(processes)
                assert time.monotonic() < give_up, (
                    f"hung for {HANG_GUARD}s: {due} timer(s) due, {ready} e-mail(s) due and unsent, "
                    f"{held} held\n{_server_errors(processes)}"
                )
                time.sleep(0.5)
            fired = (
                conn.exec_driver_sql("SELECT task_id FROM audit_event WHERE event = 'timer_fired'")
                .scalars()
                .all()
            )
            mails = conn.exec_driver_sql(
                "SELECT id, topic FROM outbox_message WHERE channel = 'email' ORDER BY id"
            ).all()
            overdue = conn.exec_driver_sql(
                "SELECT count(*) FROM recommendation WHERE status = 'reply_overdue'"
            ).scalar()
        engine.dispose()

        # Each timer fired once, by whichever scheduler claimed it; every waiting recommendation is
        # overdue now.
        assert fired and max(Counter(fired).values()) == 1
        assert "Traceback" not in _server_errors(processes), _server_errors(processes)
        assert overdue == SENT_BEFORE
        # Each e-mail arrived once: one message per outbox row, no Message-ID twice.
        received = Counter(m.message["Message-ID"] for m in smtp.messages)
        assert max(received.values()) == 1
        assert sorted(received) == sorted(f"<outbox-{m.id}@ombudsflow.localhost>" for m in mails)
        topics = Counter(m.topic for m in mails)
        assert topics["act_sent"] == SENT_BEFORE + WORKED_DURING
        assert topics["overdue"] >= SENT_BEFORE
        assert all(h.served > 0 for h in hosts)
        # Each host's /metrics adds up its two workers: every completion it served is counted.
        for host in hosts:
            conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=30)
            conn.request("GET", "/healthz")
            assert json.loads(conn.getresponse().read()) == {"status": "ok"}
            conn.request("GET", "/metrics")
            body = conn.getresponse().read().decode()
            conn.close()
            completions = sum(
                float(line.rsplit(" ", 1)[1])
                for line in body.splitlines()
                if line.startswith("ombudsflow_http_requests_total{")
                and 'route="/api/v1/tasks/<task_id>/complete"' in line
                and 'status="200"' in line
            )
            assert completions == host.completions
            assert "ombudsflow_outbox_backlog 0.0" in body
    finally:
        for process, _log in processes:
            process.terminate()
        for process, _log in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        smtp.stop()
