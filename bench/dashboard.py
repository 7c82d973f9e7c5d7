# ruff: noqa: E501 - the generator's SQL reads better unwrapped
"""Dashboard benchmark (issue 17): the server time of the dashboards, the heat map, the reports and the
transparency page over 1,000,000 recommendations in PostgreSQL.

    .venv/bin/python bench/dashboard.py [--recommendations N] [--runs N] [--pg-url URL] [--keep URL]

Creates a scratch PostgreSQL database on the local server (default `postgresql://postgres@127.0.0.1:5432/`,
or BENCH_PG_URL), migrates it with the project's Alembic migrations and deploys bpmn/, then generates
the data inside PostgreSQL (`generate_recommendations`: INSERT … SELECT over generate_series, no row
crosses the wire) — ten years of recommendations from 5,000 places under 243 regional bodies and the
central bodies, with what the dashboard reads: the recommendation rows, their process instances (the
serialized state left empty: no figure restores a workflow), human_task rows (completed and open),
timers, acts, replies, escalations (protocols, court decisions), the audit events of follow-up timers,
visits and findings. Then it measures each page through the Flask app (test client, signed in) and the
figures' function alone, prints a markdown table for docs/PERFORMANCE.md and drops the database.
`--keep URL` reuses (or keeps) a generated database instead, to EXPLAIN by hand. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="ombudsflow-bench-dashboard-"))
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
YEARS = 10


def generate_recommendations(
    conn, n: int, *, definition_id: int, deployment_id: int, lawyer_ids: list[int]
) -> dict:
    """Bulk-generate `n` recommendations and what the dashboards read, inside PostgreSQL.

    Kept apart from the measuring so that it can be shared with other benchmarks (the scale bench
    generates a million instances of its own). Deterministic: the same `n` gives the same rows.
    Expects the reference data, the central bodies and the lawyers to exist.
    """
    started = time.perf_counter()
    q = conn.exec_driver_sql
    now = NOW.replace(tzinfo=None)
    params = {"n": n, "now": now, "def": definition_id, "dep": deployment_id, "lawyers": lawyer_ids}

    def run(sql: str) -> None:
        conn.execute(sa.text(sql), params)

    # --- the registry: regional bodies per region and ministry, one administration per place -------
    q("""
        CREATE TEMP TABLE bench_ministry AS
        SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM authority WHERE level = 'central_body';
        CREATE TEMP TABLE bench_region AS SELECT code, row_number() OVER (ORDER BY sort) - 1 AS i FROM region;
        CREATE TEMP TABLE bench_kind AS SELECT code, row_number() OVER (ORDER BY sort) - 1 AS i FROM facility_kind;
    """)
    run("""
        INSERT INTO authority (id, code, name_uk, name_en, level, parent_id, emails, language, active, created_at)
        SELECT 1000 + r.i * 20 + m.i, 'REG-' || r.code || '-' || m.i, 'Управління (' || r.code || ', ' || m.i || ')',
               'Department (' || r.code || ', ' || m.i || ')', 'regional_body', m.id, '[]', 'uk', true, :now
        FROM bench_region r CROSS JOIN bench_ministry m
    """)
    run(f"""
        INSERT INTO authority (id, code, name_uk, name_en, level, parent_id, emails, language, active, created_at)
        SELECT 10000 + p, 'ADM-' || p, 'Адміністрація місця № ' || p, 'Administration of place ' || p,
               'facility_administration',
               1000 + (p % 27) * 20 + (abs(hashtext(p::text || 'm')::bigint) % (SELECT count(*) FROM bench_ministry)),
               '[]', 'uk', true, :now
        FROM generate_series(0, {PLACES - 1}) p
    """)
    run(f"""
        INSERT INTO facility (id, name_uk, name_en, kind_code, region_code, address, authority_id,
                              in_hostilities_area, access_note, active, created_at)
        SELECT p + 1, 'Місце несвободи № ' || p, 'Place No. ' || p,
               (SELECT code FROM bench_kind WHERE i = abs(hashtext(p::text || 'k')::bigint) % (SELECT count(*) FROM bench_kind)),
               (SELECT code FROM bench_region WHERE i = p % 27), '', 10000 + p, (p % 97 = 0), '', true, :now
        FROM generate_series(0, {PLACES - 1}) p
    """)
    # --- visits and findings: a visit finds one problem, each finding gets five recommendations ------
    run(f"""
        INSERT INTO visit (id, facility_id, kind, starts_on, ends_on, access_problems, created_by, created_at)
        SELECT v, 1 + (v * 7919) % {PLACES}, (ARRAY['regular','follow_up','ad_hoc'])[1 + v % 3],
               (:now - ((({YEARS} * 365.0) * (1 - v::float / (:n / 5 + 1))) || ' days')::interval)::date,
               (:now - ((({YEARS} * 365.0) * (1 - v::float / (:n / 5 + 1))) || ' days')::interval)::date,
               '', (:lawyers)[1], :now
        FROM generate_series(1, :n / 5 + 1) v
    """)
    run("""
        INSERT INTO finding (id, visit_id, text, category, severity, evidence, created_by, created_at)
        SELECT v, v, 'Порушення, виявлене під час візиту.', 'material_conditions', 'high', '[]', (:lawyers)[1], :now
        FROM generate_series(1, :n / 5 + 1) v
    """)
    # --- the recommendations: ten years, most finished; recent ones still followed up ---------------
    run(f"""
        CREATE TEMP TABLE bench_rec AS
        SELECT g,
               :now - ((({YEARS} * 365.0) * (1 - g::float / (:n + 1))) || ' days')::interval AS created_at,
               abs(hashtext(g::text || 'a')::bigint) % 100 AS r1,
               abs(hashtext(g::text || 'b')::bigint) % 100 AS r2,
               abs(hashtext(g::text || 'c')::bigint) % 100 AS r3,
               1 + ((g - 1) / 5 * 7919) % {PLACES} AS facility_id
        FROM generate_series(1, :n) g
    """)
    run("""
        CREATE TEMP TABLE bench_state AS
        SELECT b.*, extract(epoch FROM (:now - b.created_at)) / 86400 AS age,
               CASE
                 WHEN extract(epoch FROM (:now - b.created_at)) / 86400 > 540 THEN
                   CASE WHEN b.r1 < 60 THEN 'implemented' ELSE 'closed' END
                 WHEN extract(epoch FROM (:now - b.created_at)) / 86400 > 120 THEN
                   CASE WHEN b.r1 < 40 THEN 'implemented' WHEN b.r1 < 55 THEN 'closed'
                        WHEN b.r1 < 75 THEN 'under_verification' WHEN b.r1 < 85 THEN 'follow_up'
                        WHEN b.r1 < 90 THEN 'escalated' WHEN b.r1 < 93 THEN 'in_court' ELSE 'reply_overdue' END
                 ELSE
                   CASE WHEN extract(epoch FROM (:now - b.created_at)) / 86400 < 6 OR b.r1 < 12 THEN 'draft'
                        WHEN b.r1 < 62 THEN 'awaiting_reply' WHEN b.r1 < 72 THEN 'reply_overdue'
                        WHEN b.r1 < 90 THEN 'under_verification' ELSE 'implemented' END
               END AS status
        FROM bench_rec b
    """)
    run("""
        INSERT INTO process_instance (id, definition_id, deployment_id, process_id, business_key, status, version,
                                      state, next_due_at, open_incidents, created_at, created_by, updated_at, ended_at)
        SELECT g, :def, :dep, 'recommendation', g::text,
               CASE WHEN status IN ('implemented', 'closed') THEN 'completed' ELSE 'running' END, 5, '', NULL, 0,
               created_at, 'bench', created_at,
               CASE WHEN status IN ('implemented', 'closed') THEN created_at + ((40 + r2 * 3) || ' days')::interval END
        FROM bench_state
    """)
    run("""
        INSERT INTO recommendation (id, number, finding_id, authority_id, addressee_id, facility_id, region_code,
            facility_kind, text, search_text, severity, category, status, due_at, overdue_since, outcome,
            close_reason, process_instance_id, responsible_lawyer_id, created_by, created_at, updated_at, closed_at)
        SELECT s.g, 'Р-' || extract(year FROM s.created_at) || '-' || lpad(s.g::text, 7, '0'), (s.g - 1) / 5 + 1,
               f.authority_id, CASE WHEN s.status = 'escalated' THEN a.parent_id ELSE f.authority_id END,
               f.id, f.region_code, f.kind_code,
               'Рекомендація № ' || s.g || ': забезпечити належні умови тримання.',
               'рекомендація № ' || s.g || ': забезпечити належні умови тримання.',
               (ARRAY['critical','high','high','medium','medium','medium','low','low'])[1 + s.r2 % 8],
               (ARRAY['treatment','material_conditions','health_care','legal_safeguards',
                      'contact_with_outside_world','regime_and_activities','staff','other'])[1 + s.r3 % 8],
               s.status,
               CASE s.status
                 WHEN 'awaiting_reply' THEN s.created_at + interval '35 days'
                 WHEN 'reply_overdue' THEN s.created_at + interval '35 days'
                 WHEN 'escalated' THEN s.created_at + ((60 + s.r3 * 2) || ' days')::interval
                 WHEN 'follow_up' THEN s.created_at + ((150 + s.r3 * 3) || ' days')::interval
                 WHEN 'in_court' THEN :now + ((s.r3 % 40) || ' days')::interval
               END,
               CASE WHEN s.status = 'reply_overdue' THEN s.created_at + interval '35 days' END,
               CASE s.status WHEN 'implemented' THEN 'implemented'
                 WHEN 'closed' THEN (ARRAY['not_implemented','partially_implemented','no_longer_relevant'])[1 + s.r2 % 3]
               END,
               NULL, s.g, (:lawyers)[1 + s.g % cardinality(:lawyers)], (:lawyers)[1], s.created_at,
               s.created_at,
               CASE WHEN s.status IN ('implemented', 'closed') THEN s.created_at + ((40 + s.r2 * 3) || ' days')::interval END
        FROM bench_state s JOIN facility f ON f.id = s.facility_id JOIN authority a ON a.id = f.authority_id
    """)
    # --- acts, replies, escalations -------------------------------------------------------------------
    run("""
        INSERT INTO response_act (recommendation_id, kind, number, act_date, signatory, text, addressee_id,
                                  sent_at, due_at, created_by)
        SELECT id, (ARRAY['submission','submission','submission','information_request','letter'])[1 + id % 5],
               id || '/НПМ', (created_at + interval '5 days')::date, 'Представник Уповноваженого', 'Текст акта.',
               authority_id, created_at + interval '5 days', created_at + interval '35 days', 'bench'
        FROM recommendation WHERE status <> 'draft'
    """)
    run("""
        INSERT INTO authority_reply (recommendation_id, authority_id, text, measures, attachments, received_at,
                                     was_overdue, submitted_by)
        SELECT r.id, r.authority_id, 'Відповідь органу.', 'Вжито заходів.', '[]',
               r.created_at + ((8 + s.r3 * 0.45) || ' days')::interval, (8 + s.r3 * 0.45) > 35, 'bench'
        FROM recommendation r JOIN bench_state s ON s.g = r.id
        WHERE r.status NOT IN ('draft', 'awaiting_reply', 'reply_overdue') AND s.r3 < 92
    """)
    run("""
        INSERT INTO escalation (recommendation_id, kind, target_authority_id, reason, due_at, protocol_number,
                                protocol_date, offender, court, case_number, hearings, decision, decision_date,
                                decision_note, created_at, created_by)
        SELECT r.id, 'protocol', r.addressee_id, '', NULL, 'П-' || r.id, (r.created_at + interval '70 days')::date,
               'Посадова особа', 'Районний суд', NULL, '[]', NULL, NULL, '', r.created_at + interval '70 days', 'bench'
        FROM recommendation r JOIN bench_state s ON s.g = r.id
        WHERE r.status = 'in_court' OR (r.status = 'closed' AND s.r2 < 8)
    """)
    run("""
        INSERT INTO escalation (recommendation_id, kind, target_authority_id, reason, due_at, protocol_number,
                                protocol_date, offender, court, case_number, hearings, decision, decision_date,
                                decision_note, created_at, created_by)
        SELECT e.recommendation_id, 'court', e.target_authority_id, '', NULL, e.protocol_number, NULL, e.offender,
               e.court, e.recommendation_id || '/2026', '[]',
               (ARRAY['offender_liable','closed_no_offence','returned_for_revision','other'])[1 + e.recommendation_id % 4],
               e.protocol_date + 60, '', e.created_at + interval '60 days', 'bench'
        FROM escalation e JOIN recommendation r ON r.id = e.recommendation_id
        WHERE e.kind = 'protocol' AND r.status = 'closed'
    """)
    # --- the engine's projections: tasks done and open, timers, follow-up timers' audit events --------
    run("""
        INSERT INTO human_task (id, instance_id, process_id, element_id, name, lane, role, candidate_group, assignee,
            claimed_at, due_at, business_key, deployment_id, form_ref, priority, properties, status, version,
            draft, draft_saved_at, created_at, completed_at, completed_by)
        SELECT md5(r.id || t.element)::uuid::text, r.id, 'recommendation', t.element, t.element, NULL, t.grp, t.grp,
               NULL, NULL, r.created_at + (t.until || ' days')::interval, r.id::text, :dep,
               t.element || '.schema.json', 0, '{}', 'completed', 3, NULL, NULL,
               r.created_at + (t.since || ' days')::interval,
               r.created_at + ((t.until - (s.r3 % 3) * 0.4) || ' days')::interval, 'user:' || (:lawyers)[1]
        FROM recommendation r JOIN bench_state s ON s.g = r.id
        CROSS JOIN (VALUES ('draft_act', 'lawyer', 0, 2), ('approve_act', 'manager', 2, 4),
                           ('authority_reply', 'authority', 5, 20), ('review_reply', 'lawyer', 20, 27)) t(element, grp, since, until)
        WHERE r.status <> 'draft'
          AND (t.element IN ('draft_act', 'approve_act') OR r.status NOT IN ('awaiting_reply', 'reply_overdue', 'escalated'))
          AND NOT (t.element = 'review_reply' AND r.status = 'under_verification')
    """)
    run("""
        INSERT INTO human_task (id, instance_id, process_id, element_id, name, lane, role, candidate_group, assignee,
            claimed_at, due_at, business_key, deployment_id, form_ref, priority, properties, status, version,
            draft, draft_saved_at, created_at, completed_at, completed_by)
        SELECT md5(r.id || 'open')::uuid::text, r.id, 'recommendation', e.element, e.element, NULL, e.grp,
               CASE WHEN e.grp = 'authority' THEN 'authority:' || r.addressee_id ELSE e.grp END,
               CASE WHEN e.grp = 'lawyer' AND r.id % 5 < 2 THEN 'user:' || r.responsible_lawyer_id END,
               NULL, coalesce(r.due_at, r.updated_at + interval '10 days'), r.id::text, :dep,
               e.element || '.schema.json', 0, '{}', 'open', 2, NULL, NULL,
               CASE e.element WHEN 'draft_act' THEN r.created_at WHEN 'authority_reply' THEN r.created_at + interval '5 days'
                    ELSE r.created_at + interval '30 days' END, NULL, NULL
        FROM recommendation r
        JOIN (VALUES ('draft', 'draft_act', 'lawyer'), ('awaiting_reply', 'authority_reply', 'authority'),
                     ('escalated', 'authority_reply', 'authority'), ('reply_overdue', 'decide_next_steps', 'lawyer'),
                     ('under_verification', 'review_reply', 'lawyer'), ('in_court', 'follow_court_case', 'lawyer'))
             e(status, element, grp) ON e.status = r.status
    """)
    run("""
        INSERT INTO timer (id, instance_id, element_id, name, kind, placement, interrupting, attached_to, due_at,
                           fire_at, status, attempts, last_error)
        SELECT md5(r.id || 'timer')::uuid::text, r.id,
               CASE WHEN r.status = 'follow_up' THEN 'wait_follow_up' ELSE 'reply_deadline' END, NULL, 'date',
               CASE WHEN r.status = 'follow_up' THEN 'intermediate' ELSE 'boundary' END,
               CASE WHEN r.status = 'follow_up' THEN NULL ELSE true END,
               CASE WHEN r.status = 'follow_up' THEN NULL ELSE 'authority_reply' END,
               r.due_at, r.due_at, 'waiting', 0, NULL
        FROM recommendation r WHERE r.status IN ('awaiting_reply', 'escalated', 'follow_up')
    """)
    run("""
        INSERT INTO audit_event (at, actor, event, instance_id, business_key, task_id, element_id, subject, details)
        SELECT r.created_at + interval '27 days' + (k.n || ' days')::interval, k.actor, k.event, r.id, r.id::text,
               NULL, k.element, NULL, '{}'
        FROM recommendation r JOIN bench_state s ON s.g = r.id
        CROSS JOIN (VALUES (0, 'user:1', 'task_completed', 'review_reply'),
                           (90, 'timer', 'timer_fired', 'wait_follow_up')) k(n, actor, event, element)
        WHERE r.status IN ('implemented', 'closed') AND s.r2 < 12
        ORDER BY r.id, k.n
    """)
    for table in (
        "authority",
        "facility",
        "visit",
        "finding",
        "process_instance",
        "recommendation",
        "response_act",
        "authority_reply",
        "escalation",
        "audit_event",
    ):
        q(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    q(
        "DROP TABLE bench_rec; DROP TABLE bench_state; DROP TABLE bench_ministry; DROP TABLE bench_region; "
        "DROP TABLE bench_kind"
    )
    counts = {
        t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
        for t in (
            "recommendation",
            "human_task",
            "timer",
            "response_act",
            "authority_reply",
            "escalation",
            "audit_event",
            "authority",
            "facility",
        )
    }
    counts["open recommendations"] = conn.exec_driver_sql(
        "SELECT count(*) FROM recommendation WHERE status NOT IN ('implemented', 'closed')"
    ).scalar()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def load(app, n: int) -> dict:
    from engine import deployments
    from engine.db import db
    from engine.models import ProcessDefinition
    from workflows.reference.seed import seed_reference
    from workflows.users import services as users

    with app.app_context():
        seed_reference()
        deployments.deploy(deployments.collect_files([ROOT / "bpmn"]), actor="bench")
        definition = db.session.scalar(
            sa.select(ProcessDefinition).where(ProcessDefinition.process_id == "recommendation")
        )
        lawyers = [
            users.create_user(f"lawyer{i}@bench.example", name=f"Юрист {i}", role="lawyer", password=PASSWORD)
            for i in range(LAWYERS)
        ]
        users.create_user("manager@bench.example", name="Керівник", role="manager", password=PASSWORD)
        db.session.commit()
        conn = db.session.connection()
        counts = generate_recommendations(
            conn,
            n,
            definition_id=definition.id,
            deployment_id=definition.deployment_id,
            lawyer_ids=[u.id for u in lawyers],
        )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
        db.session.remove()
    return counts


BACKENDS: set[int] = set()  # PostgreSQL server processes of the app's connections


def _backend_cpu_ms() -> float:
    """CPU time the app's PostgreSQL server processes have used (from /proc; 10 ms ticks)."""
    total = 0
    for pid in BACKENDS:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def timed(fn, runs: int) -> tuple[float, float, float]:
    """Median and p95 wall time, and the mean CPU time (this process + its PostgreSQL backends) of
    one call: on a machine other work shares, the CPU time is what the call itself costs."""
    fn()  # warm caches (templates, catalog, parsed specs) once
    samples = []
    cpu_started, db_started = time.process_time(), _backend_cpu_ms()
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    cpu = ((time.process_time() - cpu_started) * 1000 + _backend_cpu_ms() - db_started) / runs
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, cpu


def sign_in(app, email: str):
    from engine.db import db

    client = app.test_client()
    with app.app_context():
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        db.session.remove()
    return client


def measure(app, runs: int) -> list[tuple[str, str, float, float, str]]:
    from engine.clock import clock
    from engine.db import db
    from workflows.publication import snapshot
    from workflows.recommendations.queries import RecommendationFilters
    from workflows.reports import figures, heatmap, periods
    from workflows.users.models import User

    clock.freeze(NOW)
    with app.app_context():

        @sa.event.listens_for(db.engine, "connect")
        def _remember(dbapi_connection, record):
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                BACKENDS.add(cursor.fetchone()[0])

        db.engine.dispose()  # new connections, each remembered
    manager = sign_in(app, "manager@bench.example")
    lawyer = sign_in(app, "lawyer7@bench.example")
    anonymous = app.test_client()
    results = []

    def http(client, url, label, target=""):
        def call():
            response = client.get(url)
            assert response.status_code in (200, 304), (url, response.status_code)
            response.get_data()

        median, p95, cpu = timed(call, runs)
        results.append((label, f"`GET {url}`", median, p95, cpu, target))

    def alone(label, fn, target=""):
        def call():
            with app.app_context():
                fn()
                db.session.rollback()
                db.session.remove()

        median, p95, cpu = timed(call, runs)
        results.append((label, "function", median, p95, cpu, target))

    with app.app_context():
        moj = db.session.execute(sa.text("SELECT id FROM authority WHERE code = 'MOJ'")).scalar()
        started = time.perf_counter()
        snapshot.refresh()
        refresh_ms = (time.perf_counter() - started) * 1000
        db.session.remove()
    http(manager, "/dashboard", "dashboard, manager, last 12 months", "< 300 ms")
    http(manager, "/dashboard?period=year", "dashboard, this year", "< 300 ms")
    http(manager, f"/dashboard?authority={moj}", "dashboard, one ministry and all under it", "< 300 ms")
    http(manager, "/dashboard?region=lviv", "dashboard, one oblast", "< 300 ms")
    http(lawyer, "/dashboard", "dashboard, a lawyer's own", "< 300 ms")
    http(manager, "/dashboard?period=all", "dashboard, all ten years", "")

    def build_figures():
        user = db.session.scalar(sa.select(User).where(User.email == "manager@bench.example"))
        figures.build(user, figures.scope_for(user, RecommendationFilters()), periods.preset("12m"))

    alone("`figures.build` alone (last 12 months)", build_figures)
    http(manager, "/recommendations?overdue_days=8-30", "list behind a bucket (8–30 days), first page")
    http(manager, "/dashboard/heatmap", "heat map of the process, last 12 months")
    alone("`heatmap.build` alone", lambda: heatmap.build(periods.preset("12m")))
    http(manager, "/reports/annual?period=last-year", "annual-report section (HTML), last year")
    http(manager, "/reports/annual.pdf?period=last-year", "annual-report section (PDF), last year")
    http(anonymous, "/public", "transparency page, prepared figures", "< 100 ms")
    http(anonymous, "/public?lang=en", "transparency page in English", "< 100 ms")
    http(anonymous, "/public/data/v1/recommendations.json", "open data (JSON)", "< 100 ms")
    results.append(
        (
            "public figures prepared (the job)",
            "`snapshot.refresh()`",
            refresh_ms,
            refresh_ms,
            None,
            "every 10 min",
        )
    )

    from workflows.alerts import services as alerts

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "manager@bench.example"))
        subs = [
            alerts.subscribe(user, kind="overdue_authority", authority_id=str(moj), days="30"),
            alerts.subscribe(user, kind="protocol_limitation", days="14"),
            alerts.subscribe(user, kind="critical_region", region="kharkiv", threshold="100"),
        ]
        db.session.commit()
        ids = [s.id for s in subs]
        db.session.remove()
    for sub_id, label in zip(
        ids,
        ("overdue > 30 days, one ministry", "protocol limitation < 14 days", "critical open in an oblast"),
        strict=True,
    ):

        def evaluate(sub_id=sub_id):
            from workflows.alerts.models import AlertSubscription
            from workflows.recommendations import queries

            sub = db.session.get(AlertSubscription, sub_id)
            owner = db.session.get(User, sub.user_id)
            queries.count(owner, alerts.filters(sub))

        alone(f"an alert's count: {label}", evaluate)
    clock.reset()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/")
    )
    parser.add_argument("--keep", default=None, help="a database URL to keep (generated into if empty)")
    args = parser.parse_args()

    from config.settings import normalize_database_url
    from web import create_app

    server = sa.engine.make_url(normalize_database_url(args.pg_url))
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    if args.keep:
        url = normalize_database_url(args.keep)
        name = sa.engine.make_url(url).database
    else:
        name = f"ombudsflow_bench_dashboard_{os.getpid()}"
        url = server.set(database=name).render_as_string(hide_password=False)
    exists = False
    with admin.connect() as conn:
        exists = bool(conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).scalar())
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "WTF_CSRF_ENABLED": True})
        counts = {}
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()  # a kept database is brought to this revision (its migrations fill what they add)
        if not exists:
            print(f"generating {args.recommendations:,} recommendations …", file=sys.stderr)
            counts = load(app, args.recommendations)
            print(f"generated: {counts}", file=sys.stderr)
        load_start = os.getloadavg()
        results = measure(app, args.runs)
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with admin.connect() as conn:
        version = conn.exec_driver_sql("SHOW server_version").scalar()
    print(
        f"\nCommand: `python bench/dashboard.py --recommendations {args.recommendations} --runs {args.runs}`  "
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL {version}; median and 95th percentile of {args.runs} runs, milliseconds  "
    )
    if counts:
        print(
            "Data: "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "seconds")
            + f" (generated in {counts['seconds']} s)\n"
        )
    print(
        f"Load average at the start: {' '.join(f'{x:.2f}' for x in load_start)}, at the end: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
    )
    print("| what | how | median ms | p95 ms | CPU ms (app + PostgreSQL) | target |")
    print("|---|---|--:|--:|--:|---|")
    for label, how, median, p95, cpu, target in results:
        shown = "" if cpu is None else f"{cpu:.1f}"
        print(f"| {label} | {how} | {median:.1f} | {p95:.1f} | {shown} | {target} |")


if __name__ == "__main__":
    main()
