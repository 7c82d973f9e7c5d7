"""The one SQLAlchemy handle every layer shares, and the column types they all use.

Naming conventions make constraint names stable across SQLite and PostgreSQL, which Alembic needs to
alter them later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on both databases.

    SQLite has no time zones and PostgreSQL's `timestamptz` hands back the session zone; storing naive
    UTC everywhere and tagging it on the way out keeps comparisons and the clock consistent.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


def is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


# Round trips saved, for the benchmark's count (bench/scale.py): statements sent in one pipeline are
# one round trip; a BEGIN sent with the transaction's first statement is none of its own.
ROUND_TRIPS = {"pipelines": 0, "pipelined_statements": 0, "separate_begins": 0}


def _psycopg3(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("psycopg") and hasattr(dbapi_connection, "pipeline")


def pipeline_of(conn: sa.Connection) -> Callable[[], AbstractContextManager] | None:
    """psycopg 3's pipeline mode on this connection (statements sent without waiting for each
    answer, synchronised at the end), or None where the driver has none (SQLite, psycopg2)."""
    raw = conn.connection.driver_connection
    return raw.pipeline if _psycopg3(raw) else None


_OPEN_PIPELINE = "ombudsflow_begin_pipeline"


@sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _begin_with_first_statement(conn, cursor, statement, parameters, context, executemany):
    """psycopg 3 sends BEGIN and waits for its answer before a transaction's first statement: a
    round trip of its own on every request. In pipeline mode it queues BEGIN with the statement, so
    the first statement of each transaction runs in a pipeline that `_sync_first_statement` closes
    at once (its rows are then there to read, as usual)."""
    raw = conn.connection.driver_connection
    if not _psycopg3(raw) or raw.autocommit or getattr(raw, "_pipeline", None) is not None:
        return
    from psycopg.pq import TransactionStatus

    if raw.pgconn.transaction_status != TransactionStatus.IDLE:
        return
    pipeline = raw.pipeline()
    pipeline.__enter__()
    conn.info[_OPEN_PIPELINE] = pipeline


@sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
def _sync_first_statement(conn, cursor, statement, parameters, context, executemany):
    pipeline = conn.info.pop(_OPEN_PIPELINE, None)
    if pipeline is not None:
        pipeline.__exit__(None, None, None)


@sa.event.listens_for(sa.engine.Engine, "handle_error")
def _close_failed_pipeline(context):
    pipeline = context.connection.info.pop(_OPEN_PIPELINE, None) if context.connection is not None else None
    if pipeline is not None:
        with suppress(Exception):  # the statement's own error is the one to report
            pipeline.__exit__(type(context.original_exception), context.original_exception, None)


@sa.event.listens_for(sa.engine.Engine, "begin")
def _count_separate_begin(conn):
    if conn.dialect.name == "postgresql" and not _psycopg3(conn.connection.driver_connection):
        ROUND_TRIPS["separate_begins"] += 1


WAL_AUTOCHECKPOINT_PAGES = 10_000  # ~40 MB with 4 KiB pages


def checkpoint() -> None:
    """Fold SQLite's write-ahead log into the database outside any request (a scheduler job); on
    PostgreSQL there is nothing to do."""
    if db.engine.dialect.name != "sqlite":
        return
    raw = db.engine.raw_connection()  # no BEGIN: a checkpoint cannot run inside a transaction
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        raw.close()


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    """WAL lets readers work while a command writes; the driver's own transaction handling is turned
    off so that `_sqlite_begin` can open every transaction as IMMEDIATE."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    # The audit chain's hash on SQLite (engine/audit_chain.py; PostgreSQL has sha256() built in).
    dbapi_connection.create_function(
        "ombudsflow_sha256", 1, lambda text: hashlib.sha256(text.encode()).hexdigest(), deterministic=True
    )
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Checkpoints move the WAL into the database file; the scheduler runs them between requests
    # (`checkpoint`), so a commit only does it itself when the WAL has grown large.
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.close()


_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@sa.event.listens_for(sa.engine.Engine, "begin")
def _sqlite_begin(connection):
    """SQLite cannot upgrade a read snapshot to a write once another writer committed; taking the
    write lock at BEGIN makes concurrent commands queue instead of failing with "database is locked".
    Page and API reads (GET) begin deferred, so they never wait for a writer (WAL lets them read).
    """
    if connection.dialect.name != "sqlite":
        return
    from flask import has_request_context, request

    if has_request_context() and request.method in _READ_ONLY_METHODS:
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
