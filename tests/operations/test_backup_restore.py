"""The backup procedure of docs/OPERATIONS.md, run for real: `pg_dump` of a database with every kind
of row, an archive of the stored files, `pg_restore` into a fresh database and the files into a fresh
folder; then every recommendation, task, timer, document (act of response), audit event and file
is compared with the original, and the timer sweep runs on the restored copy."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_DATABASE_URL, base_config

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL or shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
    reason="needs TEST_DATABASE_URL and pg_dump/pg_restore",
)

OMBUDSFLOW = Path(sys.executable).with_name("ombudsflow")
TABLES_ORDERED_BY = {
    "recommendation": "id",
    "process_instance": "id",
    "human_task": "id",
    "timer": "id",
    "response_act": "id",
    "audit_event": "id",
    "outbox_message": "id",
    "app_user": "id",
    "api_token": "id",
    "facility": "id",
    "authority": "id",
    "visit": "id",
    "finding": "id",
    "deployment_file": "id",
}


def _libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _fingerprints(url: str) -> dict[str, tuple[int, str]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        found = {
            table: conn.exec_driver_sql(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.{key}), ''))"
                f" FROM {table} t"
            ).one()
            for table, key in TABLES_ORDERED_BY.items()
        }
    engine.dispose()
    return {table: (row[0], row[1]) for table, row in found.items()}


def _files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def databases():
    server = sa.engine.make_url(TEST_DATABASE_URL)
    names = [f"{server.database}_backup_{os.getpid()}", f"{server.database}_restored_{os.getpid()}"]
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield [server.set(database=n).render_as_string(hide_password=False) for n in names]
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_a_dump_and_the_files_restore_into_a_fresh_database_that_works(databases, tmp_path):
    from flask_migrate import upgrade

    from engine.clock import clock
    from engine.db import db
    from web import create_app
    from workflows import demo

    source, restored = databases
    files = tmp_path / "files"
    for content in (
        b"%PDF-1.7 act of response",
        "Відповідь органу: фото вентиляції".encode(),
        b"\x00\x01binary",
    ):
        digest = hashlib.sha256(content).hexdigest()
        (files / digest[:2]).mkdir(parents=True, exist_ok=True)
        (files / digest[:2] / digest).write_bytes(content)

    app = create_app(base_config(source, tmp_path / "source"))
    with app.app_context():
        upgrade()
        from web.startup import deploy_bundled

        deploy_bundled(app)
        demo.load()
        clock.reset()
        db.session.commit()
        waiting = db.session.scalar(sa.text("SELECT count(*) FROM timer WHERE status = 'waiting'"))
        acts = db.session.scalar(sa.text("SELECT count(*) FROM response_act"))
        db.session.remove()
        db.engine.dispose()
    assert waiting > 0 and acts > 0  # the demo has timers and documents to lose

    # Backup: the database as a custom-format dump, the stored files as an archive.
    dump = tmp_path / "ombudsflow.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", _libpq(source)], check=True, timeout=300)
    archive = tmp_path / "ombudsflow-files.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(files, arcname=".")

    # Restore: into a fresh database and a fresh folder.
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(restored)}", str(dump)],
        check=True,
        timeout=300,
    )
    restored_files = tmp_path / "restored-files"
    restored_files.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(restored_files, filter="data")

    assert _fingerprints(restored) == _fingerprints(source)
    assert _files(restored_files) == _files(files)

    # The restored copy works: its schema is current and the sweep fires what is due on it.
    env = {
        **os.environ,
        "DATABASE_URL": restored,
        "OMBUDSFLOW_INSTANCE_DIR": str(tmp_path / "restored"),
        "OMBUDSFLOW_CLOCK_ADJUSTABLE": "0",
    }
    env.pop("OMBUDSFLOW_SCHEDULER", None)
    upgrade_run = subprocess.run(
        [str(OMBUDSFLOW), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
    )
    assert upgrade_run.returncode == 0, upgrade_run.stderr
    later = (clock.now() + timedelta(days=400)).isoformat()
    sweep = subprocess.run(
        [str(OMBUDSFLOW), "timers", "sweep", "--now", later],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert sweep.returncode == 0, sweep.stderr
    engine = sa.create_engine(restored, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        fired = conn.exec_driver_sql("SELECT count(*) FROM audit_event WHERE event = 'timer_fired'").scalar()
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM timer WHERE status = 'waiting' AND fire_at < now() + interval '399 days'"
        ).scalar()
    engine.dispose()
    assert fired > 0
    assert left == 0
