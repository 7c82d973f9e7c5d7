"""Process designer benchmark: what the checks before deploy, a migration preview, a bulk migration
and its undo cost on the standard process, per instance.

    .venv/bin/python bench/designer.py [--instances N] [--pg-url URL | --sqlite-only]

Starts N instances of `bpmn/recommendation.bpmn` through the engine (they wait at the first user
task; no domain rows are needed for that), deploys a second version that changes a decision table,
then times `engine.lint.check` of the bundle, `migration.preview`, `migration.run` (each instance
in its own transaction) and `migration.undo`. Scratch databases only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="ombudsflow-bench-designer-"))
os.environ["OMBUDSFLOW_INSTANCE_DIR"] = str(TMP)
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(8))
os.environ["OMBUDSFLOW_LOG_LEVEL"] = "WARNING"
os.environ["OMBUDSFLOW_SCHEDULER"] = "0"
os.environ["OMBUDSFLOW_CLOCK_ADJUSTABLE"] = "0"
sys.path.insert(0, str(ROOT))

START = {
    "recommendation_id": 0,
    "authority_id": 0,
    "addressee_id": 0,
    "facility_id": 0,
    "severity": "high",
    "category": "material_conditions",
    "lawyer_id": None,
    "outcome": None,
    "follow_up_date": None,
    "next_hearing_date": None,
    "new_due_date": None,
    "extension_until": None,
    "court_note": "",
    "assessment_note": "",
    "decision_reason": "",
}


def run(url: str, count: int) -> dict[str, float]:
    from flask_migrate import upgrade

    from engine import deployments, instances, lint, migration
    from engine.db import db
    from web import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "OMBUDSFLOW_DEPLOY_ON_START": False})
    out: dict[str, float] = {}
    with app.app_context():
        upgrade()
        files = deployments.collect_files([ROOT / "bpmn"])
        checks = []
        for _ in range(5):
            started = time.perf_counter()
            lint.check(files)
            checks.append(time.perf_counter() - started)
        out["checks of the standard bundle (ms)"] = statistics.median(checks) * 1000
        deployments.deploy(files, actor="bench")
        db.session.commit()
        for _ in range(count):
            instances.start("recommendation", data=START, actor="bench")
            db.session.commit()
        changed = dict(files)
        changed["deadlines.dmn"] = changed["deadlines.dmn"].replace(
            'r2_out0"><text>&quot;P1M&quot;', 'r2_out0"><text>&quot;P2M&quot;'
        )
        deployments.deploy(changed, actor="bench", warnings_note="bench")
        db.session.commit()
        started = time.perf_counter()
        plan = migration.preview("recommendation", 1, 2)
        out["preview per instance (ms)"] = (time.perf_counter() - started) * 1000 / count
        assert len(plan.movable) == count
        started = time.perf_counter()
        result = migration.run("recommendation", 1, 2, actor="bench", batch=50)
        out["migration per instance (ms)"] = (time.perf_counter() - started) * 1000 / count
        started = time.perf_counter()
        migration.undo(result.migration_id, actor="bench")
        out["undo per instance (ms)"] = (time.perf_counter() - started) * 1000 / count
        db.session.remove()
        db.engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    results = {"SQLite": run(f"sqlite:///{TMP / 'bench.sqlite3'}", args.instances)}
    if not args.sqlite_only:
        import sqlalchemy as sa

        from config.settings import normalize_database_url

        server = sa.engine.make_url(normalize_database_url(args.pg_url))
        name = f"bench_designer_{secrets.token_hex(4)}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            results["PostgreSQL"] = run(
                server.set(database=name).render_as_string(hide_password=False), args.instances
            )
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"{args.instances} instances of the standard process waiting at their first task\n")
    print("| | " + " | ".join(results) + " |")
    print("|---|" + "---:|" * len(results))
    for key in next(iter(results.values())):
        print(f"| {key} | " + " | ".join(f"{r[key]:.1f}" for r in results.values()) + " |")
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
