"""Fixtures: an app per test on a real database — SQLite always, PostgreSQL too when
TEST_DATABASE_URL is set — with the schema built by the Alembic migrations, and a frozen clock.

SQLite tests copy a template file migrated once per session; PostgreSQL tests share one migrated
database and truncate it before each test.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from config.settings import normalize_database_url
from engine.clock import clock as engine_clock

TEST_DATABASE_URL = normalize_database_url(os.environ.get("TEST_DATABASE_URL", "").strip())
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

# Monday 23 November 2026, 09:00 in Kyiv.
T0 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def base_config(database_url: str, tmp_path) -> dict:
    return {
        "OMBUDSFLOW_MIGRATION_URL": owner_url(database_url) if database_url.startswith("postgresql") else "",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "OMBUDSFLOW_SCHEDULER": False,
        "OMBUDSFLOW_DEPLOY_ON_START": False,
        "OMBUDSFLOW_MAIL_SINK_DIR": str(tmp_path / "mail"),
        "OMBUDSFLOW_INSTANCE_DIR": str(tmp_path),
        "WTF_CSRF_ENABLED": True,
    }


def _migrate(url: str, tmp_path) -> None:
    from flask_migrate import upgrade

    from web import create_app

    app = create_app(base_config(url, tmp_path))
    with app.app_context():
        upgrade()
        from engine.db import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite3"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgresql_url(tmp_path_factory):
    """A database of this test run's own on the TEST_DATABASE_URL server, dropped at the end, so that
    concurrent runs (two developers, xdist workers) never truncate each other's tables."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    server = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{server.database}_run_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc.orig}")
    url = server.set(database=name).render_as_string(hide_password=False)
    _migrate(url, tmp_path_factory.mktemp("pg"))
    # The application connects as a role that owns nothing (engine/roles.py), as in production.
    yield _app_role(admin, url, name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


APP_ROLE = "ombudsflow_app_test"


def _app_role(admin, owner_url: str, database: str) -> str:
    """The per-run database's application role: DML only (engine/roles.py). The role is the
    cluster's, shared by concurrent runs; its rights are granted per database."""
    from engine.roles import app_role_sql

    owner = sa.create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        for statement in app_role_sql(APP_ROLE, database):
            # another run may create the role at the same moment
            with contextlib.suppress(sa.exc.IntegrityError):
                conn.exec_driver_sql(statement)
    owner.dispose()
    return (
        sa.engine.make_url(owner_url)
        .set(username=APP_ROLE, password=None)
        .render_as_string(hide_password=False)
    )


def owner_url(app_url: str) -> str:
    """The owner's (the test server's superuser's) address of the same per-run database."""
    server = sa.engine.make_url(TEST_DATABASE_URL)
    return (
        sa.engine.make_url(app_url)
        .set(username=server.username, password=server.password)
        .render_as_string(hide_password=False)
    )


def _truncate(url: str) -> None:
    engine = sa.create_engine(owner_url(url))
    with engine.begin() as conn:
        # The audit log refuses TRUNCATE (a trigger); the test server's superuser switches triggers
        # off for this transaction only, and puts the chain's head back to its start.
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        tables = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        if tables:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            conn.exec_driver_sql(f"INSERT INTO audit_chain (id, seq, hash) VALUES (1, 0, '{'0' * 64}')")
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgresql_url")
    _truncate(url)
    return url


@pytest.fixture(autouse=True)
def clock():
    """The engine clock, frozen at T0 for every test; tests move it with `clock.advance(days=…)`."""
    engine_clock.freeze(T0)
    yield engine_clock
    engine_clock.reset()


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch):
    """Argon2id with production costs takes ~170 ms a hash, and the test worlds create and sign in
    many people: same algorithm, tiny costs (the real parameters are the users module's)."""
    from argon2 import PasswordHasher

    from workflows.users import services

    monkeypatch.setattr(services, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    return base_config(database_url, tmp_path)


@pytest.fixture
def app(app_config):
    from engine.db import db
    from web import create_app

    application = create_app(app_config)
    with application.app_context():
        # The migration seeds reference data; truncating PostgreSQL between tests removes it again.
        from workflows.reference.seed import seed_reference

        seed_reference()
        db.session.commit()
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db(app):
    from engine.db import db as database

    return database


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def page(page):
    """pytest-playwright's page, waiting for the page's script after every navigation
    (tests/browser_ready.py): a key pressed or a field filled never beats app.js's handlers."""
    from playwright.sync_api import expect

    from tests.browser_ready import EXPECT_TIMEOUT_MS, settle_after_navigation

    # Waiting for a condition may take long on a busy machine; it never makes a test pass sooner.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    page.set_default_timeout(EXPECT_TIMEOUT_MS)
    return settle_after_navigation(page)
