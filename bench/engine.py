"""Engine benchmark (issue 2, "Benchmark (not a test)"): what a task completion and a timer sweep
cost through Ombudsflow, against raw SpiffWorkflow measured in the same run.

    .venv/bin/python bench/engine.py [--quick] [--sqlite-only] [--instances N] [--completions N]

Prints one markdown table (with the machine, the versions and the command) for docs/PERFORMANCE.md:

1. the baseline: raw SpiffWorkflow restore + complete one user task + engine steps + serialize of a
   ~20-element process, the way a naive host does it (`BpmnWorkflowSerializer.configure(SPIFF_CONFIG)`,
   `deserialize_json`/`serialize_json` with the spec inside, the default script engine); beside it
   the same at library level with our state-only restore (`engine/serialization.py`) and sandbox;
2. `engine.instances.complete` + commit (one command, one transaction) on SQLite (file, WAL) and on
   PostgreSQL (the local server);
3. `POST /api/v1/tasks/{id}/complete` with a bearer token against a real server on localhost
   (gunicorn with `config/gunicorn.conf.py` when it exists, else werkzeug's threaded server), one
   keep-alive connection;
4. `engine.timers.sweep()` with no due timer among N idle instances (cloned with SQL from instances
   the engine started), and the cost per fired timer of a sweep that fires a batch of due ones.

The bench creates and drops its own databases: SQLite under a temporary directory, PostgreSQL a
database with a random name on `--pg-url` (default `postgresql://postgres@127.0.0.1:5432/postgres`,
or `BENCH_PG_URL`). It asserts nothing: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="ombudsflow-bench-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)  # also after --help or a failure
# Settings are read at import time: point the instance folder (secret key, mail sink) at the
# scratch directory before anything of the project is imported.
os.environ["OMBUDSFLOW_INSTANCE_DIR"] = str(TMP)
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(8))
os.environ["OMBUDSFLOW_LOG_LEVEL"] = "WARNING"
os.environ["OMBUDSFLOW_SCHEDULER"] = "0"
# Production settings: `make` exports an adjustable clock for the demo, which reads the shared clock
# offset at the start of every request (one query more).
os.environ["OMBUDSFLOW_CLOCK_ADJUSTABLE"] = "0"
os.environ["OMBUDSFLOW_DEPLOY_ON_START"] = "0"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

PROCESS_ID = "bench_review"
LAWYER = "Юрист (lawyer)"
MANAGER = "Керівник (manager)"

# --- the process: 21 elements, 8 user tasks on the happy path, lanes, forms, a boundary timer ----

# (id, kind, lane, form or script); flows below.
ELEMENTS = [
    ("start", "startEvent", LAWYER, None),
    ("register", "userTask", LAWYER, "register.schema.json"),
    ("classify", "scriptTask", LAWYER, 'priority = "high" if severity == "high" else "normal"'),
    ("draft_act", "userTask", LAWYER, "note.schema.json"),
    ("handle_late", "userTask", MANAGER, "note.schema.json"),
    ("end_late", "endEvent", MANAGER, None),
    ("review_act", "userTask", MANAGER, "review.schema.json"),
    ("approved_gateway", "exclusiveGateway", MANAGER, None),
    ("end_rejected", "endEvent", MANAGER, None),
    ("send_act", "userTask", LAWYER, "note.schema.json"),
    ("reply_terms", "scriptTask", LAWYER, 'reply_days = 30 if priority == "high" else 60'),
    ("record_reply", "userTask", LAWYER, "reply.schema.json"),
    ("implemented_gateway", "exclusiveGateway", LAWYER, None),
    ("assess_partial", "userTask", LAWYER, "note.schema.json"),
    ("end_partial", "endEvent", LAWYER, None),
    ("verify", "userTask", LAWYER, "note.schema.json"),
    ("approve_closure", "userTask", MANAGER, "note.schema.json"),
    ("summarize", "scriptTask", MANAGER, 'summary = title + " (" + priority + ")"'),
    ("close", "userTask", LAWYER, "note.schema.json"),
    ("end", "endEvent", LAWYER, None),
]
FLOWS = [
    ("start", "register", None),
    ("register", "classify", None),
    ("classify", "draft_act", None),
    ("draft_act", "review_act", None),
    ("draft_deadline", "handle_late", None),
    ("handle_late", "end_late", None),
    ("review_act", "approved_gateway", None),
    ("approved_gateway", "send_act", "approved == True"),
    ("approved_gateway", "end_rejected", None),
    ("send_act", "reply_terms", None),
    ("reply_terms", "record_reply", None),
    ("record_reply", "implemented_gateway", None),
    ("implemented_gateway", "verify", 'implemented == "yes"'),
    ("implemented_gateway", "assess_partial", None),
    ("assess_partial", "end_partial", None),
    ("verify", "approve_closure", None),
    ("approve_closure", "summarize", None),
    ("summarize", "close", None),
    ("close", "end", None),
]
DEFAULT_FLOWS = {"approved_gateway": "end_rejected", "implemented_gateway": "assess_partial"}

FORMS = {
    "register.schema.json": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Register the recommendation",
        "type": "object",
        "required": ["title", "severity"],
        "properties": {
            "title": {"type": "string", "minLength": 3, "maxLength": 300},
            "severity": {"enum": ["low", "medium", "high"]},
            "description": {"type": "string", "maxLength": 5000},
        },
    },
    "note.schema.json": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Note",
        "type": "object",
        "properties": {"note": {"type": "string", "maxLength": 2000}},
    },
    "review.schema.json": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Review the act",
        "type": "object",
        "required": ["approved"],
        "properties": {"approved": {"type": "boolean"}, "comment": {"type": "string"}},
    },
    "reply.schema.json": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Record the reply",
        "type": "object",
        "required": ["implemented"],
        "properties": {"implemented": {"enum": ["yes", "partly", "no"]}, "reply": {"type": "string"}},
    },
}

# What each user task is completed with (the happy path: approved, implemented).
ANSWERS = {
    "register": {
        "title": "Ventilation in the quarantine cells",
        "severity": "high",
        "description": "No ventilation in the cells of the quarantine unit; humidity above 80%.",
    },
    "draft_act": {"note": "Draft of the act of response attached."},
    "review_act": {"approved": True, "comment": "Send it."},
    "send_act": {"note": "Sent by registered mail and e-mail."},
    "record_reply": {"implemented": "yes", "reply": "Ventilation installed, photos attached."},
    "verify": {"note": "Verified during the follow-up visit."},
    "approve_closure": {"note": "Close it."},
    "close": {"note": "Closed."},
    "handle_late": {"note": "Reminder sent."},
    "assess_partial": {"note": "Partly implemented."},
}
USER_TASKS_ON_PATH = 8


def bpmn_xml() -> str:
    ns = (
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
    )
    lanes: dict[str, list[str]] = {}
    for element, _kind, lane, _extra in ELEMENTS:
        lanes.setdefault(lane, []).append(element)
    lanes[LAWYER].append("draft_deadline")
    lane_xml = "".join(
        f'<bpmn:lane id="lane_{i}" name="{name}">'
        + "".join(f"<bpmn:flowNodeRef>{e}</bpmn:flowNodeRef>" for e in members)
        + "</bpmn:lane>"
        for i, (name, members) in enumerate(lanes.items())
    )
    nodes = []
    for element, kind, _lane, extra in ELEMENTS:
        name = element.replace("_", " ").capitalize()
        if kind == "userTask":
            nodes.append(
                f'<bpmn:userTask id="{element}" name="{name}"><bpmn:extensionElements>'
                "<spiffworkflow:properties>"
                f'<spiffworkflow:property name="formJsonSchemaFilename" value="{extra}" />'
                "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
            )
        elif kind == "scriptTask":
            nodes.append(
                f'<bpmn:scriptTask id="{element}" name="{name}"><bpmn:script>{extra}</bpmn:script>'
                "</bpmn:scriptTask>"
            )
        elif kind == "exclusiveGateway":
            nodes.append(f'<bpmn:exclusiveGateway id="{element}" default="flow_{DEFAULT_FLOWS[element]}" />')
        else:
            nodes.append(f'<bpmn:{kind} id="{element}" />')
    nodes.append(
        '<bpmn:boundaryEvent id="draft_deadline" name="Deadline of the draft" attachedToRef="draft_act" '
        'cancelActivity="true"><bpmn:timerEventDefinition id="draft_deadline_timer">'
        '<bpmn:timeDuration>f"P{deadline_days}D"</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )
    for source, target, condition in FLOWS:
        cond = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
        nodes.append(
            f'<bpmn:sequenceFlow id="flow_{target}" sourceRef="{source}" targetRef="{target}">{cond}'
            "</bpmn:sequenceFlow>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions {ns} id="bench_definitions" '
        'targetNamespace="http://ombudsflow.test/bench">'
        f'<bpmn:process id="{PROCESS_ID}" name="Bench review" isExecutable="true">'
        f'<bpmn:laneSet id="bench_lanes">{lane_xml}</bpmn:laneSet>{"".join(nodes)}'
        "</bpmn:process></bpmn:definitions>"
    )


def deployment_files() -> dict[str, str]:
    files = {"bench_review.bpmn": bpmn_xml()}
    for name, schema in FORMS.items():
        files[f"forms/{name}"] = json.dumps(schema, indent=2)
    return files


# --- statistics and the table -----------------------------------------------------------------


@dataclass
class Row:
    number: str
    what: str
    backend: str
    samples: list[float] = field(default_factory=list)  # milliseconds
    statements: float | None = None
    target: str = ""
    note: str = ""
    # Raw-library samples taken alongside (one after each sample of this row); None: no ratio.
    raw: list[float] | None = None
    count: int | None = None  # shown as n when the samples are not one per operation

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def fmt(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def table(rows: list[Row]) -> str:
    lines = [
        "| # | measurement | database | n | median ms | p95 ms | raw median ms | × raw | SQL statements "
        "| target |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in rows:
        raw = statistics.median(r.raw) if r.raw else None
        ratio = f"**{r.median / raw:.2f}×**" if raw else "—"
        stmts = f"{r.statements:.1f}" if r.statements is not None else ""
        lines.append(
            f"| {r.number} | {r.what} | {r.backend} | {r.count or len(r.samples)} | {fmt(r.median)} "
            f"| {fmt(r.p95)} | {fmt(raw) if raw else '—'} | {ratio} | {stmts} | {r.target} |"
        )
    return "\n".join(lines)


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- 1. the library alone ----------------------------------------------------------------------


def parse_spec():
    parser = SpiffBpmnParser()
    files = deployment_files()
    parser.add_bpmn_str(files["bench_review.bpmn"].encode(), filename="bench_review.bpmn")
    return parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)


def start_workflow(spec, subprocess_specs, data: dict, script_engine=None) -> BpmnWorkflow:
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    workflow.task_tree.data.update(data)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    workflow.do_engine_steps()
    return workflow


class LibraryWalk:
    """Completes the process's user tasks one at a time, at library level, timing each completion:
    restore + complete + engine steps + serialize. A finished walk starts a new instance.

    `state_only=False` is the naive host (the library's serializer, spec inside, default script
    engine); `state_only=True` is what the engine does (`engine/serialization.py`, sandbox).
    The bench calls `step()` after every measured engine or HTTP completion, so the baseline is
    sampled under the same machine load as what it is compared with.
    """

    def __init__(self, *, state_only: bool) -> None:
        from engine import serialization
        from engine.scripting import SandboxScriptEngine

        self.state_only = state_only
        self.spec, self.subprocess_specs = parse_spec()
        self.serialization = serialization
        self.script_engine = SandboxScriptEngine
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.workflow: BpmnWorkflow | None = None
        self.state = ""
        self.samples: list[float] = []

    def _start(self) -> None:
        if self.state_only:
            self.workflow = start_workflow(
                self.spec, self.subprocess_specs, {"deadline_days": 30}, self.script_engine()
            )
            self.state = self.serialization.dump(self.workflow)
        else:
            self.workflow = start_workflow(self.spec, self.subprocess_specs, {"deadline_days": 30})
            self.state = self.serializer.serialize_json(self.workflow)

    def step(self) -> float:
        ready = self.workflow.get_tasks(state=TaskState.READY, manual=True) if self.workflow else []
        if not ready:
            self._start()
            ready = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        task_id, answer = ready[0].id, ANSWERS[ready[0].task_spec.bpmn_id]
        started = time.perf_counter()
        if self.state_only:
            workflow = self.serialization.load(
                self.state, self.spec, self.subprocess_specs, self.script_engine()
            )
        else:
            workflow = self.serializer.deserialize_json(self.state)
        task = workflow.get_task_from_id(task_id)
        task.data.update(answer)
        task.run()
        workflow.do_engine_steps()
        if self.state_only:
            self.state = self.serialization.dump(workflow)
        else:
            self.state = self.serializer.serialize_json(workflow)
        elapsed = (time.perf_counter() - started) * 1000
        self.workflow = workflow
        self.samples.append(elapsed)
        return elapsed


class Paired:
    """Raw-library samples taken right after each measured operation of one table row."""

    def __init__(self, raw: LibraryWalk) -> None:
        self.raw = raw
        self.samples: list[float] = []

    def __call__(self) -> None:
        self.samples.append(self.raw.step())


# --- databases ---------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str  # SQLite | PostgreSQL
    url: str
    drop: Callable[[], None]


def sqlite_backend() -> Backend:
    path = TMP / "bench.sqlite3"
    return Backend("SQLite", f"sqlite:///{path}", lambda: None)


def postgresql_backend(server_url: str) -> Backend:
    from config.settings import normalize_database_url

    server = sa.engine.make_url(normalize_database_url(server_url))
    name = f"ombudsflow_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return Backend("PostgreSQL", server.set(database=name).render_as_string(hide_password=False), drop)


def make_app(url: str):
    from web import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "OMBUDSFLOW_SCHEDULER": False,
            "OMBUDSFLOW_DEPLOY_ON_START": False,
            "OMBUDSFLOW_MAIL_SINK_DIR": str(TMP / "mail"),
        }
    )
    return app


def prepare_database(app) -> None:
    from flask_migrate import upgrade

    from engine import deployments
    from engine.db import db

    upgrade()
    deployments.deploy(deployment_files(), actor="bench", name="bench")
    db.session.commit()


@contextmanager
def counting_statements(engine):
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def start_instances(count: int, deadline_days: int = 30) -> list[tuple[int, str]]:
    """(instance id, id of its first open task) for `count` new instances, committed one by one."""
    from engine import instances
    from engine.db import db

    started = []
    for i in range(count):
        result = instances.start(
            PROCESS_ID, data={"deadline_days": deadline_days}, business_key=f"B-{i}", actor="bench"
        )
        db.session.commit()
        started.append((result.instance_id, result.created_tasks[0].id))
    return started


def engine_completions(count_instances: int, paired: Paired) -> tuple[list[float], float]:
    """Walk `count_instances` instances step by step through `engine.instances.complete` + commit."""
    from engine import instances
    from engine.db import db

    def walk(pending: list[tuple[int, str]], samples: list[float] | None, statements: list[int]) -> None:
        elements = {task_id: "register" for _instance_id, task_id in pending}
        while pending:
            following = []
            for instance_id, task_id in pending:
                answer = ANSWERS[elements[task_id]]
                db.session.remove()
                with counting_statements(db.engine) as counted:
                    started = time.perf_counter()
                    result = instances.complete(task_id, actor="user:1", data=answer, expected_version=1)
                    db.session.commit()
                    elapsed = (time.perf_counter() - started) * 1000
                if samples is not None:
                    samples.append(elapsed)
                    statements.append(counted["n"])
                    paired()
                if result.created_tasks:
                    following.append((instance_id, result.created_tasks[0].id))
                    elements[result.created_tasks[0].id] = result.created_tasks[0].element_id
            pending = following

    walk(start_instances(2), None, [])  # warm-up: parse the deployment, compile scripts and SQL
    samples: list[float] = []
    statements: list[int] = []
    walk(start_instances(count_instances), samples, statements)
    return samples, statistics.mean(statements)


# --- 3. over HTTP ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WERKZEUG_SERVER = """
import sys
from werkzeug.serving import WSGIRequestHandler, make_server
from web import create_app

class Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

server = make_server("127.0.0.1", int(sys.argv[1]), create_app(), threaded=True, request_handler=Handler)
server.serve_forever()
"""


def server_kind() -> str:
    if (ROOT / "config" / "gunicorn.conf.py").exists():
        return "gunicorn (config/gunicorn.conf.py)"
    return "werkzeug threaded server"


def _tail(path: str, chars: int = 3000) -> str:
    """The end of the server's log (the scratch directory goes away with the bench)."""
    return Path(path).read_text(errors="replace")[-chars:]


@contextmanager
def http_server(url: str):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OMBUDSFLOW_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    log = (TMP / f"server-{port}.log").open("wb")
    if (ROOT / "config" / "gunicorn.conf.py").exists():
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"]
    else:
        command = [sys.executable, "-c", WERKZEUG_SERVER, str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{_tail(log.name)}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/openapi.json")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{_tail(log.name)}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def http_completions(app, count_instances: int, paired: Paired) -> list[float]:
    from engine.db import db
    from workflows.users import services as users

    user = users.create_user(
        f"bench-{secrets.token_hex(3)}@ombudsman.example", name="Bench Manager", role="manager"
    )
    token = users.issue_token(user, label="bench", actor="bench")
    db.session.commit()
    warm = start_instances(2)
    timed = start_instances(count_instances)
    db.session.remove()
    db.engine.dispose()  # the server gets the database to itself

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def walk(conn, pending: list[tuple[str, int, str]], samples: list[float] | None) -> None:
        # (task id, version, element id); element ids of first tasks are known: register.
        while pending:
            following = []
            for task_id, version, element in pending:
                body = json.dumps({"data": ANSWERS[element], "version": version})
                started = time.perf_counter()
                conn.request("POST", f"/api/v1/tasks/{task_id}/complete", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}: {payload[:500]!r}")
                if samples is not None:
                    samples.append(elapsed)
                    paired()
                for nxt in json.loads(payload)["next_tasks"]:
                    following.append((nxt["id"], nxt["version"], nxt["element_id"]))
            pending = following

    with http_server(app.config["SQLALCHEMY_DATABASE_URI"]) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        walk(conn, [(t, 1, "register") for _i, t in warm], None)
        samples: list[float] = []
        walk(conn, [(t, 1, "register") for _i, t in timed], samples)
        conn.close()
    return samples


# --- 4. the sweep ------------------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def waiting_templates(count: int, deadline_days: int) -> list[int]:
    """Instances started through the engine and moved to `draft_act`, where the deadline timer waits."""
    from engine import instances
    from engine.db import db

    ids = []
    for instance_id, task_id in start_instances(count, deadline_days):
        instances.complete(task_id, actor="bench", data=ANSWERS["register"])
        db.session.commit()
        ids.append(instance_id)
    return ids


def clone_instances(template_ids: list[int], total: int) -> None:
    """Copy the templates' `process_instance`, `human_task` and `timer` rows `total` times with SQL.

    Every task id in a clone's state is replaced (consistently) by a fresh one, so each clone is a
    valid instance: its projections name task ids that exist in its own state, and the primary keys
    of `human_task` and `timer` stay unique.
    """
    from engine.db import db
    from engine.models import HumanTask, ProcessInstance, Timer

    pi, ht, tt = ProcessInstance.__table__, HumanTask.__table__, Timer.__table__
    session = db.session
    templates = []
    for template_id in template_ids:
        instance = dict(session.execute(sa.select(pi).where(pi.c.id == template_id)).mappings().one())
        tasks = [
            dict(r) for r in session.execute(sa.select(ht).where(ht.c.instance_id == template_id)).mappings()
        ]
        timers = [
            dict(r) for r in session.execute(sa.select(tt).where(tt.c.instance_id == template_id)).mappings()
        ]
        parts = _UUID.split(instance["state"])  # text between the ids
        ids = _UUID.findall(instance["state"])
        templates.append((instance, tasks, timers, parts, ids))
    session.commit()
    next_id = (session.scalar(sa.select(sa.func.max(pi.c.id))) or 0) + 1
    chunk = 5_000
    done = 0
    while done < total:
        instances_rows, task_rows, timer_rows = [], [], []
        for _ in range(min(chunk, total - done)):
            instance, tasks, timers, parts, ids = templates[done % len(templates)]
            suffix = f"{next_id:012x}"
            mapping = {old: old[:24] + suffix for old in ids}
            state = parts[0] + "".join(mapping[old] + text for old, text in zip(ids, parts[1:], strict=True))
            instances_rows.append({**instance, "id": next_id, "state": state, "business_key": f"C-{next_id}"})
            for task in tasks:
                task_rows.append(
                    {
                        **task,
                        "id": mapping[task["id"]],
                        "instance_id": next_id,
                        "business_key": f"C-{next_id}",
                    }
                )
            for timer in timers:
                timer_rows.append({**timer, "id": mapping[timer["id"]], "instance_id": next_id})
            next_id += 1
            done += 1
        session.execute(pi.insert(), instances_rows)
        session.execute(ht.insert(), task_rows)
        session.execute(tt.insert(), timer_rows)
        session.commit()
    if db.engine.dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('process_instance', 'id'), :n)"), {"n": next_id}
        )
        session.commit()
    session.execute(sa.text("ANALYZE"))
    session.commit()


def sweep_bench(idle: int, due: int, empty_runs: int) -> tuple[list[float], float, int]:
    """Empty sweeps over `idle` waiting instances, then one sweep that fires `due` timers."""
    from engine import timers
    from engine.clock import clock
    from engine.db import db

    progress(f"  cloning {idle:,} idle instances")
    clone_instances(waiting_templates(4, deadline_days=3650), idle)
    timers.sweep()  # warm
    empty = []
    for _ in range(empty_runs):
        db.session.remove()
        started = time.perf_counter()
        result = timers.sweep()
        empty.append((time.perf_counter() - started) * 1000)
        if result.fired:
            raise RuntimeError("a timer fired in the empty sweep")
    progress(f"  cloning {due:,} instances with a due timer")
    clone_instances(waiting_templates(2, deadline_days=1), due)
    with clock.frozen_at(clock.now() + timedelta(days=2)):
        db.session.remove()
        started = time.perf_counter()
        result = timers.sweep()
        elapsed = (time.perf_counter() - started) * 1000
    return empty, elapsed, len(result.fired)


# --- the run -----------------------------------------------------------------------------------


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def versions(pg_version: str | None) -> str:
    names = [
        "SpiffWorkflow",
        "SQLAlchemy",
        "Flask",
        "flask-smorest",
        "psycopg",
        "psycopg2-binary",
        "gunicorn",
        "orjson",
    ]
    parts = [f"Python {platform.python_version()}"]
    parts += [f"{n} {importlib.metadata.version(n)}" for n in names]
    parts.append(f"SQLite {sqlite3.sqlite_version}")
    if pg_version:
        parts.append(f"PostgreSQL {pg_version}")
    return ", ".join(parts)


def git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "engine", "web", "workflows"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return rev + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (small numbers)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--instances", type=int, help="idle instances for the sweep (default 100,000)")
    parser.add_argument("--completions", type=int, help="timed completions per path (default 400)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server to create the scratch database on",
    )
    args = parser.parse_args(argv)
    load_at_start = load_average()
    completions = args.completions or (80 if args.quick else 400)
    walks = max(completions // USER_TASKS_ON_PATH, 1)
    idle = args.instances if args.instances is not None else (2_000 if args.quick else 100_000)
    due = 100 if args.quick else 1_000
    empty_runs = 10 if args.quick else 50

    progress("library: raw SpiffWorkflow and state-only restore")
    raw_walk, ours_walk = LibraryWalk(state_only=False), LibraryWalk(state_only=True)
    for _ in range(2 * USER_TASKS_ON_PATH):  # warm-up
        raw_walk.step()
        ours_walk.step()
    raw_walk.samples.clear()
    ours_walk.samples.clear()
    for _ in range(completions):
        raw_walk.step()
        ours_walk.step()
    library_raw = list(raw_walk.samples)
    raw = Row(
        "1",
        "raw SpiffWorkflow: restore (spec inside) + complete + steps + serialize",
        "—",
        library_raw,
        raw=library_raw,
    )
    ours = Row(
        "1b",
        "library level: state-only restore (`engine/serialization.py`), sandbox",
        "—",
        list(ours_walk.samples),
        raw=library_raw,
    )
    rows = [raw, ours]

    backends = [sqlite_backend()]
    pg_version = None
    if not args.sqlite_only:
        backends.append(postgresql_backend(args.pg_url))
    swept: list[Row] = []
    try:
        for backend in backends:
            progress(f"{backend.name}: migrate and deploy")
            app = make_app(backend.url)
            with app.app_context():
                from engine.db import db

                prepare_database(app)
                if backend.name == "PostgreSQL":
                    pg_version = db.session.scalar(sa.text("SHOW server_version"))
                progress(f"{backend.name}: engine.instances.complete × {walks * USER_TASKS_ON_PATH}")
                paired = Paired(raw_walk)
                samples, statements = engine_completions(walks, paired)
                rows.append(
                    Row(
                        "2",
                        "`engine.instances.complete` + commit",
                        backend.name + (" (file, WAL)" if backend.name == "SQLite" else " (local)"),
                        samples,
                        statements=statements,
                        target="≤ 3×",
                        raw=paired.samples,
                    )
                )
                progress(f"{backend.name}: HTTP × {walks * USER_TASKS_ON_PATH}")
                paired = Paired(raw_walk)
                rows.append(
                    Row(
                        "3",
                        "`POST /api/v1/tasks/{id}/complete`, bearer token, keep-alive",
                        backend.name,
                        http_completions(app, walks, paired),
                        target="≤ 2.5×",
                        raw=paired.samples,
                    )
                )
                progress(f"{backend.name}: sweep")
                empty, fired, fired_total = sweep_bench(idle, due, empty_runs)
                swept.append(
                    Row(
                        "4",
                        f"`timers.sweep()`, 0 due, {idle:,} idle instances",
                        backend.name,
                        empty,
                        target="< 20 ms",
                    )
                )
                swept.append(
                    Row(
                        "4b",
                        f"`timers.sweep()` firing {fired_total:,} due timers, per fired timer",
                        backend.name,
                        [fired / max(fired_total, 1)],
                        count=fired_total,
                        note=f"the whole sweep took {fired:.0f} ms",
                        raw=raw_walk.samples,
                    )
                )
                db.session.remove()
                db.engine.dispose()
    finally:
        for backend in backends:
            try:
                backend.drop()
            except Exception as exc:  # the report matters more than the clean-up message
                progress(f"could not drop the {backend.name} database: {exc}")

    rows += swept
    command = (
        "python bench/engine.py"
        + ("" if argv is None and len(sys.argv) == 1 else " ")
        + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    )
    print(f"Command: `{command.strip()}`  ")
    print(f"Machine: {machine()}; load average {load_at_start} at the start, {load_average()} at the end  ")
    print(f"Versions: {versions(pg_version)}  ")
    print(f"Revision: {git_revision()}  ")
    print(f"HTTP server: {server_kind()}; client: http.client, one keep-alive connection  ")
    print(
        "× raw: the row's median over the median of raw-library completions (row 1's operation) "
        "timed right after each of the row's samples, in the same process, so that both see the "
        "same machine load; 4b is compared with every raw sample of the run.  "
    )
    print(
        "SQL statements: mean per completion as SQLAlchemy sends them, COMMIT not counted (SQLite's "
        "BEGIN IMMEDIATE is; psycopg2 sends PostgreSQL's BEGIN by itself, so it is not)."
    )
    print()
    print(table(rows))
    for r in rows:
        if r.note:
            print(f"\n{r.number} ({r.backend}): {r.note}", end="")
    print()


if __name__ == "__main__":
    main()
