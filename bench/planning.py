"""Visit planning benchmark (issue 19): risk scores of ~5,000 places, drafting a plan, coverage and
the map, on SQLite and (with --pg-url or BENCH_PG_URL) PostgreSQL.

    .venv/bin/python bench/planning.py [--places N] [--runs N] [--pg-url URL]

Loads a scratch database migrated with the project's migrations: N places (default 5,000) over the
27 regions and every kind, each with its own administration; visits for about half of them (some
years ago), findings (some of ill-treatment), 20,000 recommendations (a third open, some past their
deadline), signals for one place in twenty. Rows are bulk-inserted as the services would write them
(the risk inputs read the registry, `visit`, `finding`, `recommendation` and `facility_signal`
tables; no workflow is involved). Then it times `risk.refresh_all` (every place through
bpmn/risk.dmn), `drafting.draft` of a 120-visit plan, `coverage.by_region` and the map page, and
prints a markdown table for docs/PLANNING.md. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="ombudsflow-bench-planning-"))
os.environ["OMBUDSFLOW_INSTANCE_DIR"] = str(TMP)
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(8))
os.environ["OMBUDSFLOW_LOG_LEVEL"] = "WARNING"
os.environ["OMBUDSFLOW_SCHEDULER"] = "0"
os.environ["OMBUDSFLOW_DEPLOY_ON_START"] = "0"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
RECOMMENDATIONS = 20000


def make_app(url: str):
    from flask_migrate import upgrade

    from web import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
    return app


def load(app, places: int, seed: int = 19) -> None:
    from engine import deployments
    from engine.clock import clock
    from engine.db import db
    from workflows.authorities.models import Authority
    from workflows.facilities.models import Facility, FacilitySignal
    from workflows.recommendations.models import Recommendation
    from workflows.reference.seed import seed_reference
    from workflows.users import services as users
    from workflows.visits.models import Finding, Visit

    rng = random.Random(seed)
    clock.freeze(NOW)
    with app.app_context():
        seed_reference()
        deployments.deploy(deployments.collect_files([ROOT / "bpmn"]), actor="bench")
        lawyer = users.create_user(
            "planner@bench.example", name="Планувальник", role="lawyer", password="x" * 12
        )
        db.session.commit()
        now = NOW
        regions = [r[0] for r in db.session.execute(sa.text("SELECT code FROM region ORDER BY sort"))]
        kinds = [r[0] for r in db.session.execute(sa.text("SELECT code FROM facility_kind ORDER BY sort"))]
        ministry = db.session.scalar(sa.select(Authority.id).where(Authority.code == "MOJ"))
        db.session.execute(
            sa.insert(Authority),
            [
                {
                    "code": f"ADM-{i}",
                    "name_uk": f"Адміністрація місця № {i}",
                    "name_en": f"Administration {i}",
                    "level": "facility_administration",
                    "parent_id": ministry,
                    "emails": [],
                    "language": "uk",
                    "active": True,
                    "created_at": now,
                }
                for i in range(places)
            ],
        )
        admin_ids = dict(db.session.execute(sa.select(Authority.code, Authority.id)).all())
        db.session.execute(
            sa.insert(Facility),
            [
                {
                    "code": f"PL-{i}",
                    "name_uk": f"Місце несвободи № {i}",
                    "name_en": f"Place {i}",
                    "kind_code": kinds[rng.randrange(len(kinds))],
                    "region_code": regions[i % len(regions)],
                    "district": f"Район {i % 7}",
                    "address": "",
                    "authority_id": admin_ids[f"ADM-{i}"],
                    "capacity": rng.choice([None, 20, 60, 150, 400, 900, 1500]),
                    "in_hostilities_area": rng.random() < 0.12,
                    "access_note": "",
                    "access_suspended": rng.random() < 0.03,
                    "active": True,
                    "created_at": now,
                }
                for i in range(places)
            ],
        )
        facility_ids = [r[0] for r in db.session.execute(sa.select(Facility.id).order_by(Facility.id))]
        visited = rng.sample(facility_ids, len(facility_ids) // 2)
        db.session.execute(
            sa.insert(Visit),
            [
                {
                    "facility_id": fid,
                    "kind": "regular",
                    "starts_on": (d := date(2026, 11, 1) - timedelta(days=rng.randrange(1, 2000))),
                    "ends_on": d,
                    "access_problems": "",
                    "created_by": lawyer.id,
                    "created_at": now,
                }
                for fid in visited
            ],
        )
        visits = db.session.execute(sa.select(Visit.id, Visit.facility_id)).all()
        db.session.execute(
            sa.insert(Finding),
            [
                {
                    "visit_id": vid,
                    "text": "Порушення, виявлене під час візиту.",
                    "category": "treatment" if rng.random() < 0.2 else "material_conditions",
                    "severity": rng.choice(["critical", "high", "medium", "low"]),
                    "evidence": [],
                    "created_by": lawyer.id,
                    "created_at": now,
                }
                for vid, _fid in visits
            ],
        )
        findings = db.session.execute(
            sa.select(Finding.id, Visit.facility_id).join(Visit, Visit.id == Finding.visit_id)
        ).all()
        statuses = [
            "awaiting_reply",
            "reply_overdue",
            "under_verification",
            "implemented",
            "closed",
            "closed",
        ]
        facility_region = dict(db.session.execute(sa.select(Facility.id, Facility.region_code)).all())
        facility_kind = dict(db.session.execute(sa.select(Facility.id, Facility.kind_code)).all())
        rows = []
        for n in range(RECOMMENDATIONS):
            finding_id, fid = findings[rng.randrange(len(findings))]
            status = rng.choice(statuses)
            rows.append(
                {
                    "number": f"Р-B-{n}",
                    "finding_id": finding_id,
                    "authority_id": ministry,
                    "addressee_id": ministry,
                    "facility_id": fid,
                    "region_code": facility_region[fid],
                    "facility_kind": facility_kind[fid],
                    "text": "Рекомендація",
                    "search_text": "рекомендація",
                    "severity": rng.choice(["critical", "high", "medium", "low"]),
                    "category": "material_conditions",
                    "status": status,
                    "due_at": now + timedelta(days=rng.randrange(-90, 60)),
                    "created_by": lawyer.id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(sa.insert(Recommendation), rows)
        db.session.execute(
            sa.insert(FacilitySignal),
            [
                {
                    "facility_id": fid,
                    "kind": "complaint",
                    "received_on": date(2026, 11, 1) - timedelta(days=rng.randrange(0, 500)),
                    "summary": "Скарга",
                    "source": "",
                    "recorded_by": lawyer.id,
                    "created_at": now,
                }
                for fid in facility_ids[::20]
            ],
        )
        db.session.commit()


def timed(fn, runs: int) -> tuple[float, float]:
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        values.append((time.perf_counter() - start) * 1000)
    return statistics.median(values), max(values)


def measure(app, runs: int) -> list[tuple[str, float, float]]:
    from engine.clock import clock
    from engine.db import db
    from workflows.planning import coverage, drafting, plans
    from workflows.risk import inputs, services
    from workflows.users.models import User

    out = []
    clock.freeze(NOW)
    with app.app_context():
        places = len(inputs.gather(NOW))
        distinct = len({services._key(p.data) for p in inputs.gather(NOW)})

        def refresh():
            services.refresh_all(actor="bench")
            db.session.commit()

        out.append((f"risk.refresh_all: {places} places ({distinct} distinct inputs)", *timed(refresh, runs)))
        out.append(("risk inputs only (5 grouped queries)", *timed(lambda: inputs.gather(NOW), runs)))
        user = db.session.scalar(sa.select(User))

        def draft():
            plan = plans.create(year=2027, targets={"visits": 120, "per_oblast": 2}, user=user)
            drafting.draft(plan, user=user)
            db.session.rollback()

        out.append(("drafting.draft: a plan of 120 visits", *timed(draft, runs)))
        out.append(("coverage.by_region", *timed(lambda: coverage.by_region(), runs)))
        client = app.test_client()
        signed_in = client.post("/login", data={"email": user.email, "password": "x" * 12})
        assert signed_in.status_code == 302, "could not sign in"
        for what, path in (
            ("GET /planning/map (page rendered)", "/planning/map"),
            ("GET /planning/risk (first page of 50)", "/planning/risk"),
            ("GET /registry/places (first page of 50)", "/registry/places"),
            ("GET /planning/coverage", "/planning/coverage"),
        ):
            assert client.get(path).status_code == 200, path
            out.append((what, *timed(lambda p=path: client.get(p), runs)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", ""))
    args = parser.parse_args()
    targets = [("SQLite", f"sqlite:///{TMP / 'bench.sqlite3'}")]
    admin = None
    if args.pg_url:
        from config.settings import normalize_database_url

        server = normalize_database_url(args.pg_url)
        name = f"bench_planning_{secrets.token_hex(3)}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        targets.append(
            (
                "PostgreSQL",
                sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False),
            )
        )
    machine = f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs"
    print(f"{machine}; {args.runs} runs\n")
    print("| database | what | median ms | max ms |")
    print("|---|---|---:|---:|")
    try:
        for label, url in targets:
            app = make_app(url)
            load(app, args.places)
            for what, median, worst in measure(app, args.runs):
                print(f"| {label} | {what} | {median:.0f} | {worst:.0f} |")
            with app.app_context():
                from engine.db import db

                db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
