"""Inbox benchmark (issue 4): the server time of the lawyers' inbox over 100,000 recommendations.

    .venv/bin/python bench/inbox.py [--recommendations N] [--runs N] [--pg-url URL] [--keep]

Creates a scratch PostgreSQL database on the local server (default
`postgresql://postgres@127.0.0.1:5432/`, or BENCH_PG_URL), migrates it with the project's Alembic
migrations, and loads it twice:

1. *realistic* — 100,000 recommendations over 27 regions, ~5,000 places of deprivation of liberty
   with their administrations under regional bodies and ministries; most recommendations closed
   (their process instances completed, with the human tasks they had, all completed); about one in
   six still followed up, each with its one open task where the process is (a lawyer's draft or
   review, a manager's approval, the authority's reply, …), some claimed by one of 60 lawyers;
2. *worst case* — the same 100,000, every one with an open task in the lawyers' group.

The rows are bulk-inserted with COPY and look like the rows the engine writes (the inbox reads the
projections only: `human_task`, `recommendation`, names of places and authorities — no workflow is
ever restored for a list, so the serialized state is left empty). Then it measures, for a lawyer,
the first page of the inbox with several filters: the HTTP request through the Flask app (test
client, signed in, page rendered) and `workflows.inbox.inbox()` alone (the page query, the counts
per filter and the names). Prints a markdown table for docs/PERFORMANCE.md, then drops the database.
It asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import secrets
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="ombudsflow-bench-inbox-"))
# Settings are read at import time: point the instance folder at the scratch directory first.
os.environ["OMBUDSFLOW_INSTANCE_DIR"] = str(TMP)
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(8))
os.environ["OMBUDSFLOW_LOG_LEVEL"] = "WARNING"
os.environ["OMBUDSFLOW_SCHEDULER"] = "0"
os.environ["OMBUDSFLOW_DEPLOY_ON_START"] = "0"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday, 09:00 in Kyiv
PASSWORD = "correct horse battery"
LAWYERS = 60
PLACES = 5000
FILTERS = [
    ("first page", ""),
    ("overdue", "overdue=1"),
    ("due this week", "week=1"),
    ("my tasks", "scope=mine"),
    ("one region", "region=lviv"),
    ("kind + severity", "kind=pretrial_detention&severity=high"),
    ("search «вентиляц»", "q=%D0%B2%D0%B5%D0%BD%D1%82%D0%B8%D0%BB%D1%8F%D1%86"),
    ("sorted by severity", "sort=severity"),
    ("page 40", "page=40"),
]
PHRASES = [
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
    "Облаштувати кімнату для побачень",
    "Забезпечити харчування відповідно до норм",
    "Провести ремонт санітарних вузлів",
    "Забезпечити доступ до правової допомоги",
    "Усунути перенаповненість камер",
]
# Where the open recommendations are in their process: (status, element, group, share).
OPEN_STEPS = [
    ("draft", "draft_act", "lawyer", 0.15),
    ("draft", "approve_act", "manager", 0.05),
    ("awaiting_reply", "authority_reply", "authority", 0.45),
    ("reply_overdue", "decide_next_steps", "lawyer", 0.12),
    ("under_verification", "review_reply", "lawyer", 0.15),
    ("escalated", "authority_reply", "authority", 0.03),
    ("under_verification", "decide_extension", "lawyer", 0.03),
    ("in_court", "follow_court_case", "lawyer", 0.02),
]
TASK_NAMES = {
    "draft_act": "Підготувати акт реагування",
    "approve_act": "Погодити акт реагування",
    "authority_reply": "Відповідь органу",
    "decide_next_steps": "Вирішити подальші дії",
    "review_reply": "Оцінити відповідь органу",
    "decide_extension": "Розглянути клопотання про продовження строку",
    "follow_court_case": "Супровід судової справи",
    "verify": "Перевірити виконання",
}
LANES = {"lawyer": "Юрист (lawyer)", "manager": "Керівник (manager)", "authority": "Орган влади (authority)"}


def naive(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(tzinfo=None) if value else None


def copy_rows(conn, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples) into a table through psycopg2; None is NULL."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        count += 1
        buffer.write(
            "\t".join(
                "\\N"
                if v is None
                else (v.isoformat(sep=" ") if isinstance(v, datetime) else str(v))
                .replace("\\", "\\\\")
                .replace("\t", " ")
                .replace("\n", " ")
                for v in row
            )
        )
        buffer.write("\n")
    buffer.seek(0)
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def load(app, n: int, worst_case: bool, seed: int = 7) -> dict:
    """Registry, people, visits and findings through plain inserts; recommendations, instances and
    tasks with COPY. Returns what the measurements need."""
    from engine import deployments
    from engine.db import db
    from engine.models import ProcessDefinition
    from workflows.reference.seed import REGIONS, seed_reference
    from workflows.users import services as users

    rng = random.Random(seed)
    with app.app_context():
        seed_reference()
        deployments.deploy(deployments.collect_files([ROOT / "bpmn"]), actor="bench")
        definition = db.session.scalar(
            sa.select(ProcessDefinition).where(ProcessDefinition.process_id == "recommendation")
        )
        people = [
            users.create_user(f"lawyer{i}@bench.example", name=f"Юрист {i}", role="lawyer", password=PASSWORD)
            for i in range(LAWYERS)
        ]
        db.session.commit()
        lawyer_ids = [p.id for p in people]
        conn = db.session.connection()
        ministries = [
            r[0] for r in conn.execute(sa.text("SELECT id FROM authority WHERE level = 'central_body'"))
        ]
        kinds = [r[0] for r in conn.execute(sa.text("SELECT code FROM facility_kind ORDER BY sort"))]
        now = naive(NOW)

        # Regional bodies: one per region and ministry; each place has its own administration.
        regional, next_authority = {}, 1000
        rows = []
        for code, name_uk, name_en in REGIONS:
            for ministry in ministries:
                next_authority += 1
                regional[(code, ministry)] = next_authority
                rows.append(
                    (
                        next_authority,
                        f"REG-{next_authority}",
                        f"Управління: {name_uk}",
                        f"Department: {name_en}",
                        "regional_body",
                        ministry,
                        "[]",
                        "uk",
                        "true",
                        now,
                    )
                )
        places = []
        for i in range(PLACES):
            region = REGIONS[i % len(REGIONS)][0]
            kind = kinds[rng.randrange(len(kinds))]
            ministry = ministries[rng.randrange(len(ministries))]
            next_authority += 1
            name = f"{PHRASES[i % len(PHRASES)].split()[0]} місце № {i}"
            rows.append(
                (
                    next_authority,
                    f"ADM-{i}",
                    f"Адміністрація місця № {i}",
                    f"Administration of place {i}",
                    "facility_administration",
                    regional[(region, ministry)],
                    "[]",
                    "uk",
                    "true",
                    now,
                )
            )
            places.append(
                (i + 1, f"Місце несвободи № {i} ({name})", f"Place No. {i}", kind, region, next_authority)
            )
        columns = [
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
        ]
        copy_rows(conn, "authority", columns, rows)
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
            (
                (pid, uk, en, kind, region, "", aid, "false", "", "true", now)
                for pid, uk, en, kind, region, aid in places
            ),
        )
        visits, findings = [], []
        for i in range(n // 5):
            place = places[rng.randrange(len(places))]
            visits.append(
                (
                    i + 1,
                    place[0],
                    "regular",
                    (NOW - timedelta(days=rng.randrange(3000))).date(),
                    lawyer_ids[i % LAWYERS],
                    now,
                )
            )
            findings.append(
                (
                    i + 1,
                    i + 1,
                    PHRASES[i % len(PHRASES)] + ": порушення.",
                    "material_conditions",
                    "high",
                    "[]",
                    lawyer_ids[i % LAWYERS],
                    now,
                )
            )
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
            ((v[0], v[1], v[2], v[3], v[3], "", v[4], v[5]) for v in visits),
        )
        copy_rows(
            conn,
            "finding",
            ["id", "visit_id", "text", "category", "severity", "evidence", "created_by", "created_at"],
            findings,
        )

        steps = [(s, e, g) for s, e, g, share in OPEN_STEPS for _ in range(int(share * 100))]
        recs, instances, tasks = [], [], []
        open_share = 1.0 if worst_case else 0.17
        for i in range(n):
            rid = i + 1
            finding = findings[i // 5]
            place = places[visits[i // 5][1] - 1]
            created = NOW - timedelta(days=rng.randrange(1, 3000), minutes=rng.randrange(1440))
            severity = rng.choices(("critical", "high", "medium", "low"), (5, 30, 45, 20))[0]
            text = f"{PHRASES[rng.randrange(len(PHRASES))]} ({place[1]})."
            addressee = place[5]
            is_open = rng.random() < open_share
            # what the standard process's `priority` property gives every task of the recommendation
            priority = {"critical": 3, "high": 2, "medium": 1}.get(severity, 0)
            if is_open:
                status, element, group = ("draft", "draft_act", "lawyer") if worst_case else rng.choice(steps)
                if group == "authority":
                    group = f"authority:{addressee}"
                due = NOW + timedelta(days=rng.randrange(-60, 60), hours=rng.randrange(24))
                assignee = None
                if group == "lawyer" and rng.random() < 0.4:
                    assignee = f"user:{lawyer_ids[rng.randrange(LAWYERS)]}"
                tasks.append(
                    (str(uuid.uuid4()), rid, element, group, assignee, due, "open", created, None, priority)
                )
                instances.append((rid, "running", created, None, due))
                recs.append((rid, status, due, None, None))
            else:
                closed = created + timedelta(days=rng.randrange(30, 400))
                for element in ("draft_act", "approve_act", "authority_reply", "review_reply"):
                    grp = {"approve_act": "manager", "authority_reply": f"authority:{addressee}"}.get(
                        element, "lawyer"
                    )
                    tasks.append(
                        (
                            str(uuid.uuid4()),
                            rid,
                            element,
                            grp,
                            None,
                            closed,
                            "completed",
                            created,
                            closed,
                            priority,
                        )
                    )
                instances.append((rid, "completed", created, closed, None))
                recs.append((rid, rng.choice(("implemented", "closed")), None, "implemented", closed))
            recs[-1] = (*recs[-1], finding[0], addressee, place, text, severity, created)

        copy_rows(
            conn,
            "process_instance",
            [
                "id",
                "definition_id",
                "deployment_id",
                "process_id",
                "business_key",
                "status",
                "version",
                "state",
                "next_due_at",
                "open_incidents",
                "created_at",
                "created_by",
                "updated_at",
                "ended_at",
            ],
            (
                (
                    iid,
                    definition.id,
                    definition.deployment_id,
                    "recommendation",
                    str(iid),
                    status,
                    5,
                    "",
                    naive(due),
                    0,
                    naive(created),
                    f"user:{lawyer_ids[0]}",
                    naive(ended or created),
                    naive(ended),
                )
                for iid, status, created, ended, due in instances
            ),
        )
        copy_rows(
            conn,
            "human_task",
            [
                "id",
                "instance_id",
                "process_id",
                "element_id",
                "name",
                "lane",
                "role",
                "candidate_group",
                "assignee",
                "claimed_at",
                "due_at",
                "business_key",
                "deployment_id",
                "form_ref",
                "properties",
                "status",
                "version",
                "created_at",
                "completed_at",
                "completed_by",
                "priority",
            ],
            (
                (
                    tid,
                    iid,
                    "recommendation",
                    element,
                    TASK_NAMES[element],
                    LANES[group.split(":")[0]],
                    group.split(":")[0],
                    group,
                    assignee,
                    naive(created) if assignee else None,
                    naive(due),
                    str(iid),
                    definition.deployment_id,
                    f"{element}.schema.json",
                    "{}",
                    status,
                    2 if status == "open" else 3,
                    naive(created),
                    naive(completed),
                    f"user:{lawyer_ids[0]}" if completed else None,
                    priority,
                )
                for tid, iid, element, group, assignee, due, status, created, completed, priority in tasks
            ),
        )
        copy_rows(
            conn,
            "recommendation",
            [
                "id",
                "number",
                "finding_id",
                "authority_id",
                "addressee_id",
                "facility_id",
                "region_code",
                "facility_kind",
                "text",
                "search_text",
                "severity",
                "category",
                "status",
                "due_at",
                "overdue_since",
                "outcome",
                "close_reason",
                "process_instance_id",
                "responsible_lawyer_id",
                "created_by",
                "created_at",
                "updated_at",
                "closed_at",
            ],
            (
                (
                    rid,
                    f"Р-{created.year}-{rid:06d}",
                    finding_id,
                    addressee,
                    addressee,
                    place[0],
                    place[4],
                    place[3],
                    text,
                    text.casefold(),
                    severity,
                    "material_conditions",
                    status,
                    naive(due),
                    naive(due) if status == "reply_overdue" else None,
                    outcome,
                    None,
                    rid,
                    lawyer_ids[rid % LAWYERS],
                    lawyer_ids[rid % LAWYERS],
                    naive(created),
                    naive(closed or created),
                    naive(closed),
                )
                for (
                    rid,
                    status,
                    due,
                    outcome,
                    closed,
                    finding_id,
                    addressee,
                    place,
                    text,
                    severity,
                    created,
                ) in (recs)
            ),
        )
        for table in ("authority", "facility", "visit", "finding", "process_instance", "recommendation"):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
        counts = {
            "recommendations": n,
            "human_task rows": len(tasks),
            "open tasks": sum(1 for t in tasks if t[6] == "open"),
            "open in the lawyers' group": sum(1 for t in tasks if t[6] == "open" and t[3] == "lawyer"),
        }
        db.session.remove()
    return {"lawyer_email": "lawyer0@bench.example", "counts": counts}


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm caches (templates, catalog, parsed specs) once
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def measure(app, info: dict, runs: int) -> list[tuple[str, float, float, float, float, int]]:
    from urllib.parse import parse_qsl

    from engine.clock import clock
    from engine.db import db
    from web.inbox.params import filters_from
    from workflows import inbox
    from workflows.users.models import User

    clock.freeze(NOW)
    client = app.test_client()
    with app.app_context():
        import re

        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"csrf_token": token, "email": info["lawyer_email"], "password": PASSWORD}
        )
        assert response.status_code == 302, response.status_code
        db.session.remove()
    results = []
    for label, query in FILTERS:
        url = "/inbox" + (f"?{query}" if query else "")

        def http(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        http_median, http_p95 = timed(http, runs)

        with app.test_request_context(url):
            user = db.session.scalar(sa.select(User).where(User.email == info["lawyer_email"]))
            filters = filters_from(dict(parse_qsl(query)))
            total = inbox.inbox(user, filters).total

            def query_only(filters=filters, user=user):
                inbox.inbox(user, filters)
                db.session.rollback()

            query_median, query_p95 = timed(query_only, runs)
            db.session.remove()
        results.append((label, http_median, http_p95, query_median, query_p95, total))
    clock.reset()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/")
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases (to EXPLAIN by hand)")
    args = parser.parse_args()

    from config.settings import normalize_database_url

    server = sa.engine.make_url(normalize_database_url(args.pg_url))
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    tables = []
    for worst_case in (False, True):
        name = f"ombudsflow_bench_inbox_{os.getpid()}_{'worst' if worst_case else 'real'}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = server.set(database=name).render_as_string(hide_password=False)
        try:
            from flask_migrate import upgrade

            from web import create_app

            app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": url,
                    "OMBUDSFLOW_SCHEDULER": False,
                    "OMBUDSFLOW_DEPLOY_ON_START": False,
                }
            )
            with app.app_context():
                upgrade()
            started = time.perf_counter()
            info = load(app, args.recommendations, worst_case)
            loaded = time.perf_counter() - started
            results = measure(app, info, args.runs)
            tables.append((worst_case, info["counts"], loaded, results))
            with app.app_context():
                from engine.db import db

                db.engine.dispose()
        finally:
            if not args.keep:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()

    with sa.create_engine(server.set(database="postgres")).connect() as conn:
        version = conn.exec_driver_sql("SHOW server_version").scalar()
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL {version}; median and 95th percentile of {args.runs} runs, milliseconds."
    )
    print(f"Command: `{shlex.join(['.venv/bin/python', 'bench/inbox.py', *sys.argv[1:]])}`\n")
    for worst_case, counts, loaded, results in tables:
        title = "Worst case: every recommendation has an open lawyers' task" if worst_case else "Realistic"
        print(
            f"**{title}** — "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            + f" (loaded in {loaded:.0f} s)\n"
        )
        print("| inbox, first page of | tasks found | HTTP request median | p95 | query alone median | p95 |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, hm, hp, qm, qp, total in results:
            print(f"| {label} | {total:,} | {hm:.1f} | {hp:.1f} | {qm:.1f} | {qp:.1f} |")
        print()


if __name__ == "__main__":
    main()
