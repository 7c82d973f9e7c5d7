"""Scale benchmark (issue 20): the whole production table in one run, on PostgreSQL.

    .venv/bin/python bench/scale.py [--instances 1000000] [--completions 400] [--quick] [--keep-db]

One run prints the issue's table (docs/PERFORMANCE.md, "Scale"):

1. raw SpiffWorkflow per completion, both ways a host can keep state: *spec inside* (the library's
   serializer, every state holding its spec) and *state only* (our `engine/serialization.py`),
   sampled right after every HTTP completion so that both sides see the same machine load;
2. `POST /api/v1/tasks/{id}/complete` with a bearer token against gunicorn (`config/gunicorn.conf.py`,
   2 workers) on a scratch PostgreSQL database: the median of one keep-alive client, completions per
   second of 4 clients, and the statements and round trips one completion costs (counted in-process
   on the same request through the Flask test client: every statement the driver sends, BEGIN and
   COMMIT, a pipeline of statements counting as one round trip);
3. the resident memory of the two workers after that load;
4. a million recommendation processes (`--instances`): demo recommendations walked through the real
   process by `workflows.demo` are the templates; each clone copies one template's
   `process_instance` (its serialized state with every task id renamed), `human_task`, `timer` and
   `recommendation` rows with COPY, on generated places, authorities, visits and findings, so the
   projections and the domain rows say what the cloned state says;
5. at that size, through gunicorn: the inbox (`GET /api/v1/tasks` and `/inbox`) and the
   recommendation list (`GET /api/v1/recommendations` and `/recommendations`) with every filter,
   the visits and deliveries pages, an empty timer sweep, and the lateness of timers fired by the
   scheduler process under load.

SpiffArena cannot run here; its figures are quoted from the side-by-side measurement of issue 20
(SpiffArena d7678cf on the same kind of machine) and marked so. The bench asserts nothing; it drops
its database at the end unless `--keep-db` (then `--db NAME` reuses it and skips the load).
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# bench/engine.py sets the environment (scratch instance folder, production settings) and holds the
# process, the raw walks and the gunicorn helpers this bench shares with it.
_spec = importlib.util.spec_from_file_location("bench_engine", _HERE / "engine.py")
be = importlib.util.module_from_spec(_spec)
sys.modules["bench_engine"] = be
_spec.loader.exec_module(be)

import sqlalchemy as sa  # noqa: E402

ROOT, TMP, progress = be.ROOT, be.TMP, be.progress
SPIFFARENA = {"median_ms": 124.0, "per_second": 11.8, "statements": "98 (6 commits)", "rss": "150–158 MB"}
FIRST_WAVE = {  # "Ombudsflow today" of issue 20, for the before/after column
    "median_ms": 13.4,
    "per_second": 111,
    "statements": "9 (1 commit)",
    "inbox": 397,
    "recs": 745,
    "sweep": 1.4,
    "rss": "108–112 MB",
}
TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="bench">
  <bpmn:process id="bench_timer" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="wait">
      <bpmn:timerEventDefinition><bpmn:timeDate>due</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def median(values):
    return statistics.median(values) if values else float("nan")


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


# --- the server --------------------------------------------------------------------------------


@contextmanager
def gunicorn(url: str, *, workers: int = 2, extra_env: dict | None = None):
    """gunicorn with the project's config on `url`, `workers` workers; yields (port, master pid)."""
    port = be.free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OMBUDSFLOW_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "PYTHONPATH": str(ROOT),
        "OMBUDSFLOW_ACCESS_LOG": "",
        **(extra_env or {}),
    }
    env.pop("OMBUDSFLOW_ACCESS_LOG")
    log = (TMP / f"gunicorn-{port}.log").open("wb")
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"]
    command += ["--access-logfile", "/dev/null"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{be._tail(log.name)}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/openapi.json")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{be._tail(log.name)}")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def worker_rss_mb(master_pid: int) -> list[float]:
    out = subprocess.run(["ps", "-o", "pid=,rss=", "--ppid", str(master_pid)], capture_output=True, text=True)
    return [int(line.split()[1]) / 1024 for line in out.stdout.splitlines() if line.strip()]


# --- completions -------------------------------------------------------------------------------


def make_token(role: str, email: str) -> str:
    from engine.db import db
    from workflows.users import services as users

    user = users.create_user(email, name=f"Bench {role}", role=role, password="bench-password-1")
    token = users.issue_token(user, label="bench", actor="bench")
    db.session.commit()
    return token


class Walker:
    """Walks bench_review instances task by task over one keep-alive connection."""

    def __init__(self, port: int, token: str, first_tasks: list[str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.pending = [(t, 1, "register") for t in first_tasks]

    def step(self) -> float | None:
        if not self.pending:
            return None
        task_id, version, element = self.pending.pop(0)
        body = json.dumps({"data": be.ANSWERS[element], "version": version})
        started = time.perf_counter()
        self.conn.request("POST", f"/api/v1/tasks/{task_id}/complete", body=body, headers=self.headers)
        response = self.conn.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {payload[:500]!r}")
        for nxt in json.loads(payload)["next_tasks"]:
            self.pending.insert(0, (nxt["id"], nxt["version"], nxt["element_id"]))
        return elapsed


def first_tasks(count: int) -> list[str]:
    return [task_id for _i, task_id in be.start_instances(count)]


def completion_figures(app, completions: int, clients: int, raw_spec, raw_state) -> dict:
    from engine.db import db

    walks = max(completions // be.USER_TASKS_ON_PATH, 1)
    token = make_token("manager", f"bench-manager-{uuid.uuid4().hex[:6]}@bench.example")
    warm, timed = first_tasks(2), first_tasks(walks)
    parallel = [first_tasks(walks // 2 + 1) for _ in range(clients)]
    counted = first_tasks(4)
    db.session.remove()
    db.engine.dispose()
    result: dict = {}
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"]) as (port, master):
        walker = Walker(port, token, warm)
        while walker.step() is not None:
            pass
        walker = Walker(port, token, timed)
        samples, spec_inside, state_only = [], [], []
        while (elapsed := walker.step()) is not None:
            samples.append(elapsed)
            spec_inside.append(raw_spec.step())
            state_only.append(raw_state.step())
        result.update(http=samples, raw_spec=spec_inside, raw_state=state_only)
        progress(f"  {clients} clients in parallel")
        walkers = [Walker(port, token, tasks) for tasks in parallel]
        done = [0] * clients
        errors: list[BaseException] = []

        def run(i: int) -> None:
            try:
                while walkers[i].step() is not None:
                    done[i] += 1
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        if errors:
            raise errors[0]
        result["per_second"] = sum(done) / seconds
        result["rss"] = worker_rss_mb(master)
    # The first walk in this process loads the deployment's forms and specs (a read each, once per
    # worker); the count is of the walks after it.
    count_round_trips(app, token, counted[:1])
    result["statements"], result["round_trips"], result["commits"] = count_round_trips(
        app, token, counted[1:]
    )
    return result


def count_round_trips(app, token: str, tasks: list[str]) -> tuple[float, float, float]:
    """Statements, round trips and commits per completion, counted on the driver's connection for the
    same request served in-process (test client)."""
    from engine.db import db

    counter = {"statements": 0, "begins": 0, "commits": 0, "pipelined": 0, "syncs": 0}
    engine = db.engine

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        counter["statements"] += 1

    def on_begin(conn):
        counter["begins"] += 1

    def on_commit(conn):
        counter["commits"] += 1

    sa.event.listen(engine, "before_cursor_execute", on_execute)
    sa.event.listen(engine, "begin", on_begin)
    sa.event.listen(engine, "commit", on_commit)
    stats = _pipeline_stats()
    before = dict(stats) if stats is not None else None
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    pending = [(t, 1, "register") for t in tasks]
    n = 0
    try:
        while pending:
            task_id, version, element = pending.pop(0)
            response = client.post(
                f"/api/v1/tasks/{task_id}/complete",
                json={"data": be.ANSWERS[element], "version": version},
                headers=headers,
            )
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.data[:300]!r}")
            n += 1
            for nxt in response.json["next_tasks"]:
                pending.insert(0, (nxt["id"], nxt["version"], nxt["element_id"]))
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
        sa.event.remove(engine, "begin", on_begin)
        sa.event.remove(engine, "commit", on_commit)
    statements = counter["statements"]
    trips = statements + counter["commits"]
    if stats is not None:
        # Statements sent together in one pipeline are one round trip; a BEGIN sent ahead of the
        # transaction's first statement travels with it.
        trips -= stats["pipelined_statements"] - before["pipelined_statements"]
        trips += stats["pipelines"] - before["pipelines"]
        trips += stats["separate_begins"] - before["separate_begins"]
    else:
        trips += counter["begins"] if db.engine.dialect.name == "postgresql" else 0
    return statements / n, trips / n, counter["commits"] / n


def _pipeline_stats():
    import importlib

    return getattr(importlib.import_module("engine.db"), "ROUND_TRIPS", None)


# --- a million recommendations -----------------------------------------------------------------

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    elif isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, date):
        value = value.isoformat()
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    """COPY through whichever PostgreSQL driver is in use (psycopg2 or psycopg 3)."""
    if not rows:
        return
    text = "".join("\t".join(_copy_value(v) for v in row) + "\n" for row in rows)
    raw = connection.connection.dbapi_connection
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    cursor = raw.cursor()
    try:
        if hasattr(cursor, "copy_expert"):
            cursor.copy_expert(sql, io.StringIO(text))
        else:
            with cursor.copy(sql) as copy:
                copy.write(text)
    finally:
        cursor.close()


REGISTRY_PLACES = 5000


def generate(app, total: int, seed: int = 20) -> dict:
    """Demo recommendations as templates, cloned `total` times with COPY (see the module docstring)."""
    from engine.clock import clock
    from engine.db import db
    from workflows import demo
    from workflows.reference.seed import REGIONS

    rng = random.Random(seed)
    started = time.perf_counter()
    progress("  demo recommendations (templates) through the real process")
    clock.reset()
    demo.load()
    clock.reset()
    session = db.session
    conn = session.connection()
    md = sa.MetaData()
    tables = {n: sa.Table(n, md, autoload_with=conn) for n in ("process_instance", "human_task", "timer")}
    tables.update(
        {n: sa.Table(n, md, autoload_with=conn) for n in ("recommendation", "authority", "facility")}
    )
    tables.update({n: sa.Table(n, md, autoload_with=conn) for n in ("visit", "finding")})
    pi, ht, tt, rt = (tables[n] for n in ("process_instance", "human_task", "timer", "recommendation"))
    templates = []
    for rec in conn.execute(sa.select(rt).order_by(rt.c.id)).mappings():
        instance = dict(
            conn.execute(sa.select(pi).where(pi.c.id == rec["process_instance_id"])).mappings().one()
        )
        tasks = [
            dict(r) for r in conn.execute(sa.select(ht).where(ht.c.instance_id == instance["id"])).mappings()
        ]
        timers = [
            dict(r) for r in conn.execute(sa.select(tt).where(tt.c.instance_id == instance["id"])).mappings()
        ]
        templates.append((dict(rec), instance, tasks, timers))
    if not templates:
        raise RuntimeError("the demo made no recommendation")
    # Most recommendations of a decade are closed; about one in six is still followed up.
    closed = [t for t in templates if t[1]["status"] == "completed"]
    running = [t for t in templates if t[1]["status"] != "completed"]
    progress(f"  {len(templates)} templates ({len(closed)} closed, {len(running)} running)")

    now = clock.now()
    ministries = [
        r.id
        for r in conn.execute(
            sa.select(tables["authority"].c.id).where(tables["authority"].c.level == "central_body")
        )
    ]
    kinds = [r[0] for r in conn.execute(sa.text("SELECT code FROM facility_kind ORDER BY sort"))]
    first_user = conn.execute(sa.text("SELECT min(id) FROM app_user")).scalar()
    next_auth = (conn.execute(sa.text("SELECT max(id) FROM authority")).scalar() or 0) + 1000
    next_place = (conn.execute(sa.text("SELECT max(id) FROM facility")).scalar() or 0) + 1000
    authority_rows, facility_rows, places = [], [], []
    regional = {}
    for code, name_uk, name_en in REGIONS:
        for ministry in ministries:
            regional[(code, ministry)] = next_auth
            authority_rows.append(
                (
                    next_auth,
                    f"REG-{next_auth}",
                    f"Управління: {name_uk}",
                    f"Department: {name_en}",
                    "regional_body",
                    ministry,
                    [],
                    "uk",
                    True,
                    now,
                )
            )
            next_auth += 1
    for i in range(REGISTRY_PLACES):
        region = REGIONS[i % len(REGIONS)][0]
        kind = kinds[rng.randrange(len(kinds))]
        ministry = ministries[rng.randrange(len(ministries))]
        authority_rows.append(
            (
                next_auth,
                f"ADM-{next_auth}",
                f"Адміністрація місця № {i}",
                f"Administration of place {i}",
                "facility_administration",
                regional[(region, ministry)],
                [],
                "uk",
                True,
                now,
            )
        )
        facility_rows.append(
            (
                next_place,
                f"Місце несвободи № {i}",
                f"Place No. {i}",
                kind,
                region,
                "",
                next_auth,
                False,
                "",
                True,
                now,
            )
        )
        places.append((next_place, region, kind, next_auth))
        next_auth += 1
        next_place += 1
    copy_rows(
        conn,
        "authority",
        [
            "id",
            "code",
            "name_uk",
            "name_en",
            "level",
            "parent_id",
            "emails",
            "language",
            "active",
            "created_at",
        ],
        authority_rows,
    )
    copy_rows(
        conn,
        "facility",
        [
            "id",
            "name_uk",
            "name_en",
            "kind_code",
            "region_code",
            "address",
            "authority_id",
            "in_hostilities_area",
            "access_note",
            "active",
            "created_at",
        ],
        facility_rows,
    )
    session.commit()
    conn = session.connection()

    phrases = [
        "Забезпечити дієву вентиляцію в камерах",
        "Усунути вологість і пліснову в житлових приміщеннях",
        "Забезпечити конфіденційність медичних оглядів",
        "Облаштувати прогулянкові дворики навісами",
        "Забезпечити щоденний доступ до телефонного зв'язку",
        "Привести освітлення камер до санітарних норм",
        "Забезпечити доступ до питної води цілодобово",
        "Забезпечити доступ до психологічної допомоги",
        "Вести журнал застосування спеціальних засобів",
        "Забезпечити повідомлення родичів про затримання",
    ]
    prepared = []
    for rec, instance, tasks, timers in templates:
        parts = _UUID.split(instance["state"])
        ids = _UUID.findall(instance["state"])
        prepared.append((rec, instance, tasks, timers, parts, ids))
    closed_p = [p for p in prepared if p[1]["status"] == "completed"] or prepared
    running_p = [p for p in prepared if p[1]["status"] != "completed"] or prepared
    ids = {
        name: (conn.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar() or 0) + 1
        for name in ("process_instance", "recommendation", "visit", "finding")
    }
    pi_cols = [c.name for c in pi.columns]
    ht_cols = [c.name for c in ht.columns]
    tt_cols = [c.name for c in tt.columns]
    rt_cols = [c.name for c in rt.columns]
    chunk = 20_000
    done = 0
    while done < total:
        size = min(chunk, total - done)
        pis, hts, tts, rts, visits, findings = [], [], [], [], [], []
        for k in range(size):
            if (done + k) % 5 == 0:
                place = places[rng.randrange(len(places))]
                visit_id, finding_id = ids["visit"], ids["finding"]
                ids["visit"] += 1
                ids["finding"] += 1
                day = (now - timedelta(days=rng.randrange(3650))).date()
                visits.append((visit_id, place[0], "regular", day, day, "", first_user, now))
                findings.append(
                    (
                        finding_id,
                        visit_id,
                        phrases[k % len(phrases)] + ": порушення.",
                        "material_conditions",
                        "high",
                        [],
                        first_user,
                        now,
                    )
                )
            rec, instance, tasks, timers, parts, uuids = (
                rng.choice(running_p) if rng.random() < 0.17 else rng.choice(closed_p)
            )
            iid, rid = ids["process_instance"], ids["recommendation"]
            ids["process_instance"] += 1
            ids["recommendation"] += 1
            suffix = f"{iid:012x}"
            mapping = {old: old[:24] + suffix for old in uuids}
            number = f"R-{rid:07d}"
            old_group = f"authority:{rec['addressee_id']}"
            new_group = f"authority:{place[3]}"
            state = parts[0] + "".join(mapping[o] + text for o, text in zip(uuids, parts[1:], strict=True))
            state = state.replace(f'"{old_group}"', f'"{new_group}"')
            pis.append(
                tuple({**instance, "id": iid, "business_key": number, "state": state}[c] for c in pi_cols)
            )
            for task in tasks:
                group = new_group if task["candidate_group"] == old_group else task["candidate_group"]
                row = {
                    **task,
                    "id": mapping.get(task["id"], task["id"]),
                    "instance_id": iid,
                    "business_key": number,
                    "candidate_group": group,
                }
                hts.append(tuple(row[c] for c in ht_cols))
            for timer in timers:
                row = {**timer, "id": mapping.get(timer["id"], timer["id"]), "instance_id": iid}
                tts.append(tuple(row[c] for c in tt_cols))
            severity = rng.choices(("critical", "high", "medium", "low"), (5, 30, 45, 20))[0]
            text = f"{phrases[rng.randrange(len(phrases))]} (місце № {place[0]})."
            row = {
                **rec,
                "id": rid,
                "number": number,
                "finding_id": findings[-1][0],
                "authority_id": place[3],
                "addressee_id": place[3],
                "facility_id": place[0],
                "region_code": place[1],
                "facility_kind": place[2],
                "text": text,
                "search_text": text.casefold(),
                "severity": severity,
                "process_instance_id": iid,
            }
            if "business_key" in row:
                row["business_key"] = number
            rts.append(tuple(row[c] for c in rt_cols))
        copy_rows(
            conn,
            "visit",
            [
                "id",
                "facility_id",
                "kind",
                "starts_on",
                "ends_on",
                "access_problems",
                "created_by",
                "created_at",
            ],
            visits,
        )
        copy_rows(
            conn,
            "finding",
            ["id", "visit_id", "text", "category", "severity", "evidence", "created_by", "created_at"],
            findings,
        )
        copy_rows(conn, "process_instance", pi_cols, pis)
        copy_rows(conn, "human_task", ht_cols, hts)
        copy_rows(conn, "timer", tt_cols, tts)
        copy_rows(conn, "recommendation", rt_cols, rts)
        session.commit()
        conn = session.connection()
        done += size
        if done % 100_000 == 0 or done == total:
            progress(f"  {done:,} cloned ({time.perf_counter() - started:.0f} s)")
    for name in ("process_instance", "recommendation", "visit", "finding"):
        conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {ids[name]})"))
    session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
        auto.exec_driver_sql("VACUUM ANALYZE")
    counts = {
        n: session.scalar(sa.text(f"SELECT count(*) FROM {n}"))
        for n in ("process_instance", "human_task", "timer", "recommendation")
    }
    counts["open_tasks"] = session.scalar(sa.text("SELECT count(*) FROM human_task WHERE status = 'open'"))
    counts["seconds"] = time.perf_counter() - started
    session.commit()
    return counts


# --- lists and pages at a million --------------------------------------------------------------

TASK_FILTERS = [
    ("first page", ""),
    ("overdue", "overdue=true"),
    ("due this week", "due_this_week=true"),
    ("my tasks", "scope=mine"),
    ("one region", "region=lviv"),
    ("kind + severity", "facility_kind=pretrial_detention&severity=high"),
    ("search «вентиляц»", "q=вентиляц"),
    ("sorted by severity", "sort=severity"),
    ("page 40", "page=40"),
]
REC_FILTERS = [
    ("first page", ""),
    ("overdue + high", "overdue=true&severity=high"),
    ("status", "status=awaiting_reply"),
    ("one region", "region=lviv"),
    ("one authority", "authority_id={authority}"),
    ("one facility", "facility_id={facility}"),
    ("not overdue", "overdue=false"),
    ("search «вентиляц»", "q=вентиляц"),
    ("page 40", "page=40"),
]
PAGE_FILTERS = {
    "/inbox": [
        ("first page", ""),
        ("overdue", "overdue=1"),
        ("kind + severity", "kind=pretrial_detention&severity=high"),
    ],
    "/recommendations": [
        ("first page", ""),
        ("overdue + high", "overdue=1&severity=high"),
        ("search «вентиляц»", "q=вентиляц"),
    ],
    "/visits": [("first page", "")],
    "/admin/deliveries": [("first page", "")],
}


def _quote(query: str) -> str:
    return urllib.parse.quote(query, safe="=&")


def timed_get(conn, path: str, headers: dict, runs: int) -> tuple[float, float, int]:
    samples, status = [], 0
    for i in range(runs + 1):
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        status = response.status
        if i:
            samples.append((time.perf_counter() - started) * 1000)
    return median(samples), pct(samples, 0.95), status


def sign_in(conn, email: str, password: str) -> str:
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    body = urllib.parse.urlencode(
        {"csrf_token": token.group(1) if token else "", "email": email, "password": password}
    )
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    return (response.getheader("Set-Cookie", "") or cookie).split(";")[0]


def list_figures(app, runs: int) -> dict:
    from engine.db import db

    with app.app_context():
        lawyer_token = make_token("lawyer", f"bench-lawyer-{uuid.uuid4().hex[:6]}@bench.example")
        admin_email = f"bench-admin-{uuid.uuid4().hex[:6]}@bench.example"
        make_token("admin", admin_email)
        authority = db.session.scalar(
            sa.text(
                "SELECT addressee_id FROM recommendation GROUP BY addressee_id ORDER BY count(*) DESC LIMIT 1"
            )
        )
        facility = db.session.scalar(
            sa.text(
                "SELECT facility_id FROM recommendation GROUP BY facility_id ORDER BY count(*) DESC LIMIT 1"
            )
        )
        db.session.remove()
        db.engine.dispose()
    figures: dict = {"tasks": [], "recs": [], "pages": []}
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"]) as (port, _master):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {lawyer_token}"}
        for label, query in TASK_FILTERS:
            m, p95, status = timed_get(conn, "/api/v1/tasks?" + _quote(query), headers, runs)
            figures["tasks"].append((label, query, m, p95, status))
        for label, query in REC_FILTERS:
            query = query.format(authority=authority, facility=facility)
            m, p95, status = timed_get(conn, "/api/v1/recommendations?" + _quote(query), headers, runs)
            figures["recs"].append((label, query, m, p95, status))
        cookie = sign_in(conn, admin_email, "bench-password-1")
        for page, filters in PAGE_FILTERS.items():
            for label, query in filters:
                m, p95, status = timed_get(
                    conn, page + ("?" + _quote(query) if query else ""), {"Cookie": cookie}, max(runs // 2, 3)
                )
                figures["pages"].append((page, label, m, p95, status))
        conn.close()
    return figures


def empty_sweep(app, runs: int) -> list[float]:
    from engine import timers
    from engine.db import db

    with app.app_context():
        timers.sweep()
        samples = []
        for _ in range(runs):
            db.session.remove()
            started = time.perf_counter()
            result = timers.sweep()
            samples.append((time.perf_counter() - started) * 1000)
            if result.fired:
                progress(f"  note: {len(result.fired)} timer(s) were due in the 'empty' sweep")
        db.session.remove()
    return samples


# --- timer lateness ----------------------------------------------------------------------------


def scheduler_command() -> tuple[list[str], dict, str]:
    """The scheduler's own process where the project has one; else gunicorn workers run the jobs."""
    cli = "".join((ROOT / "web" / name).read_text() for name in ("cli.py", "commands.py"))
    if 'command("scheduler")' in cli:
        return [str(Path(sys.executable).parent / "ombudsflow"), "scheduler"], {}, "`ombudsflow scheduler`"
    return [], {"OMBUDSFLOW_SCHEDULER": "1"}, "the scheduler inside the gunicorn workers"


def timer_lateness(app, count: int, load_seconds: float) -> tuple[list[float], str]:
    """Start `count` instances whose timer is due 2–12 s later while 4 clients complete tasks; the
    lateness of each is when the sweep fired it (its audit event) minus its due time."""
    from engine import deployments, instances
    from engine.db import db

    with app.app_context():
        deployments.deploy({"bench_timer.bpmn": TIMER_BPMN}, actor="bench", name="bench timer")
        db.session.commit()
        token = make_token("manager", f"bench-timer-{uuid.uuid4().hex[:6]}@bench.example")
        load_tasks = [first_tasks(40) for _ in range(4)]
        db.session.remove()
        db.engine.dispose()
    command, env, how = scheduler_command()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    scheduler = None
    log = (TMP / "scheduler.log").open("wb")
    with gunicorn(url, extra_env=env) as (port, _master):
        if command:
            scheduler = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
            )
        try:
            stop = threading.Event()

            def load(tasks):
                walker = Walker(port, token, tasks)
                while not stop.is_set() and walker.step() is not None:
                    pass

            threads = [threading.Thread(target=load, args=(t,)) for t in load_tasks]
            for t in threads:
                t.start()
            started_ids = []
            with app.app_context():
                from engine.clock import clock

                for i in range(count):
                    due = clock.now() + timedelta(seconds=2 + (i % 10))
                    result = instances.start(
                        "bench_timer", data={"due": due.isoformat()}, business_key=f"T-{i}", actor="bench"
                    )
                    db.session.commit()
                    started_ids.append(result.instance_id)
                    time.sleep(load_seconds / count)
                deadline = time.monotonic() + 90
                lateness = []
                while time.monotonic() < deadline:
                    rows = db.session.execute(
                        sa.text(
                            "SELECT at, details FROM audit_event"
                            " WHERE event = 'timer_fired' AND instance_id = ANY(:ids)"
                        ),
                        {"ids": started_ids},
                    ).all()
                    db.session.commit()
                    if len(rows) >= count:
                        for at, details in rows:
                            details = details if isinstance(details, dict) else json.loads(details)
                            due = datetime.fromisoformat(details["due_at"])
                            at = at if at.tzinfo else at.replace(tzinfo=UTC)
                            lateness.append((at - due).total_seconds() * 1000)
                        break
                    time.sleep(0.5)
                db.session.remove()
            stop.set()
            for t in threads:
                t.join()
        finally:
            if scheduler is not None:
                scheduler.terminate()
                scheduler.wait(timeout=30)
            log.close()
    return lateness, how


# --- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=1_000_000, help="recommendations to generate")
    parser.add_argument("--completions", type=int, default=400, help="timed HTTP completions")
    parser.add_argument("--runs", type=int, default=15, help="requests per list filter")
    parser.add_argument("--quick", action="store_true", help="small numbers (a smoke run)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database (print its name)")
    parser.add_argument("--db", help="reuse this database (loaded by an earlier --keep-db run)")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.instances, args.completions, args.runs = min(args.instances, 20_000), 80, 5
    load_start = be.load_average()
    from config.settings import normalize_database_url

    server = sa.engine.make_url(normalize_database_url(args.pg_url))
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = args.db or f"ombudsflow_scale_{uuid.uuid4().hex[:8]}"
    if not args.db:
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    report: dict = {}
    try:
        app = be.make_app(url)
        with app.app_context():
            from flask_migrate import upgrade

            from engine import deployments
            from engine.db import db

            upgrade()
            deployments.deploy(be.deployment_files(), actor="bench", name="bench")
            deployments.deploy(deployments.collect_files([ROOT / "bpmn"]), actor="bench", name="bundled")
            db.session.commit()
            pg_version = db.session.scalar(sa.text("SHOW server_version"))
            loaded = db.session.scalar(sa.text("SELECT count(*) FROM recommendation"))
            db.session.commit()
            raw_spec, raw_state = be.LibraryWalk(state_only=False), be.LibraryWalk(state_only=True)
            for _ in range(2 * be.USER_TASKS_ON_PATH):
                raw_spec.step()
                raw_state.step()
            progress(f"completions over HTTP (gunicorn, 2 workers) × {args.completions}")
            report["completion"] = completion_figures(app, args.completions, 4, raw_spec, raw_state)
            if loaded < args.instances // 2:
                progress(f"generating {args.instances:,} recommendations")
                report["generated"] = generate(app, args.instances)
            else:
                report["generated"] = {"seconds": 0, "recommendation": loaded, "reused": name}
            db.session.remove()
        progress("lists and pages")
        report["lists"] = list_figures(app, args.runs)
        progress("empty sweep")
        report["sweep"] = empty_sweep(app, 30 if not args.quick else 10)
        progress("timer lateness under load")
        report["lateness"], report["scheduler"] = timer_lateness(app, 20 if args.quick else 60, 20.0)
        with app.app_context():
            from engine.db import db

            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep_db and not args.db:
            with admin.connect() as c:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        elif args.keep_db:
            progress(f"kept database {name}")
        admin.dispose()
    print_report(report, args, argv, load_start, pg_version)


def print_report(report: dict, args, argv, load_start: str, pg_version: str) -> None:
    c = report["completion"]
    http_median = median(c["http"])
    raw_state, raw_spec = median(c["raw_state"]), median(c["raw_spec"])
    tasks = report["lists"]["tasks"]
    recs = report["lists"]["recs"]
    first_inbox = tasks[0][2]
    worst_task = max(tasks, key=lambda r: r[2])
    overdue_high = next(r for r in recs if r[0] == "overdue + high")[2]
    worst_rec = max(recs, key=lambda r: r[2])
    sweep = median(report["sweep"])
    lateness = report["lateness"]
    rss = c["rss"]
    generated = report["generated"]
    command = "python bench/scale.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"Command: `{command.strip()}`  ")
    print(
        f"Machine: {be.machine()}; load average {load_start} at the start, {be.load_average()} at the end  "
    )
    print(f"Versions: {be.versions(pg_version)}  ")
    print(f"Revision: {be.git_revision()}  ")
    n = generated.get("recommendation", 0)
    print(
        f"Data: {n:,} recommendations"
        + (
            f", generated in {generated['seconds']:.0f} s "
            f"({generated.get('human_task', 0):,} human_task rows, "
            f"{generated.get('open_tasks', 0):,} open; {generated.get('timer', 0):,} timers)"
            if generated.get("seconds")
            else f" (reused database {generated.get('reused')})"
        )
        + "  "
    )
    print("Server: gunicorn, `config/gunicorn.conf.py`, 2 workers; clients: http.client keep-alive  ")
    print(f"Scheduler: {report['scheduler']}")
    print()
    ratio = http_median / raw_state
    print(
        "| figure | Ombudsflow (this run) | issue 20's 'today' | SpiffArena d7678cf (quoted) "
        "| raw SpiffWorkflow (this run) | target | |"
    )
    print("|---|--:|--:|--:|---|---|---|")

    def line(figure, ours, today, spiff, raw, target, met):
        print(
            f"| {figure} | {ours} | {today} | {spiff} | {raw} | {target} | {'met' if met else '**missed**'} |"
        )

    line(
        "HTTP task completion, median",
        f"{http_median:.2f} ms (p95 {pct(c['http'], 0.95):.2f}; {ratio:.2f}× state-only)",
        f"{FIRST_WAVE['median_ms']} ms (12.5×)",
        f"{SPIFFARENA['median_ms']:.0f} ms",
        f"{raw_spec:.2f} ms spec inside; {raw_state:.2f} ms state only",
        "≤ 4× raw state-only",
        ratio <= 4,
    )
    line(
        "completions/s, 4 clients",
        f"{c['per_second']:.0f}",
        FIRST_WAVE["per_second"],
        SPIFFARENA["per_second"],
        f"{1000 / raw_state:.0f} (one core, state only)",
        "≥ 300/s on the 2 cores",
        c["per_second"] >= 300,
    )
    line(
        "statements per completion",
        f"{c['statements']:.1f} statements, {c['round_trips']:.1f} round trips ({c['commits']:.0f} commit)",
        FIRST_WAVE["statements"],
        SPIFFARENA["statements"],
        "—",
        "≤ 4 round trips",
        c["round_trips"] <= 4.05,
    )
    line(
        f"inbox first page at {n:,} (`GET /api/v1/tasks`)",
        f"{first_inbox:.1f} ms (slowest filter: {worst_task[0]} {worst_task[2]:.1f})",
        f"{FIRST_WAVE['inbox']} ms",
        "—",
        "—",
        "< 100 ms",
        worst_task[2] < 100,
    )
    line(
        f"`recommendations?overdue=true&severity=high` at {n:,}",
        f"{overdue_high:.1f} ms (slowest filter: {worst_rec[0]} {worst_rec[2]:.1f})",
        f"{FIRST_WAVE['recs']} ms",
        "—",
        "—",
        "< 150 ms, every filter",
        worst_rec[2] < 150,
    )
    line(
        f"empty sweep at {n:,}",
        f"{sweep:.2f} ms",
        f"{FIRST_WAVE['sweep']} ms",
        "reloads every waiting instance",
        "—",
        "< 20 ms (holds)",
        sweep < 20,
    )
    line(
        "worker RSS",
        " / ".join(f"{r:.0f} MB" for r in rss),
        FIRST_WAVE["rss"],
        SPIFFARENA["rss"],
        "—",
        "< 250 MB (holds)",
        bool(rss) and max(rss) < 250,
    )
    if lateness:
        line(
            "timer lateness p99 under load",
            f"{pct(lateness, 0.99):.0f} ms (median {median(lateness):.0f}, {len(lateness)} timers)",
            "up to 30 s (30 s polling)",
            "—",
            "—",
            "< 1 s",
            pct(lateness, 0.99) < 1000,
        )
    else:
        line("timer lateness p99 under load", "timers not fired within 90 s", "—", "—", "—", "< 1 s", False)
    print()
    print(
        "Lists at this size through gunicorn (median and p95 of "
        f"{args.runs} requests, ms; the API with a lawyer's bearer token, pages signed in as an admin):"
    )
    print()
    print("| list | filter | median | p95 | status |")
    print("|---|---|--:|--:|--:|")
    for label, query, m, p95, status in tasks:
        print(f"| `GET /api/v1/tasks` | {label} `{query}` | {m:.1f} | {p95:.1f} | {status} |")
    for label, query, m, p95, status in recs:
        print(f"| `GET /api/v1/recommendations` | {label} `{query}` | {m:.1f} | {p95:.1f} | {status} |")
    for page, label, m, p95, status in report["lists"]["pages"]:
        print(f"| `{page}` | {label} | {m:.1f} | {p95:.1f} | {status} |")


if __name__ == "__main__":
    main()
