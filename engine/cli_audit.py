"""`ombudsflow audit verify` (the hash chain holds, or the first broken event) and `ombudsflow
db-role` (the application's PostgreSQL role with row rights only, engine/roles.py)."""

from __future__ import annotations

import os
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from . import audit_chain
from .db import db


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command():
    """Recompute the audit log's hash chain; exit status 1 and the first broken event if it does not
    hold (an event edited, deleted, or the newest ones cut off)."""
    with db.engine.connect() as conn:
        audit_chain.seal(conn)  # PostgreSQL: chain what the scheduler has not sealed yet
        report = audit_chain.verify(conn)
    if report.broken is None:
        click.echo(f"audit log intact: {report.checked} events, chain head {report.head_seq}")
        return
    click.echo(
        f"audit log BROKEN after {report.checked} intact events: {report.broken}",
        err=True,
    )
    sys.exit(1)


@click.command("db-role")
@click.argument("role")
@click.option(
    "--password-env",
    default="",
    metavar="VAR",
    help="Read the new role's password from this environment variable (none: trust/peer login only).",
)
@click.option("--print-sql", is_flag=True, help="Print the SQL instead of running it.")
@with_appcontext
def db_role_command(role, password_env, print_sql):
    """Create (or re-grant) ROLE, the PostgreSQL role the application connects as: row rights only,
    INSERT/SELECT on the audit log. Runs as the owner (DATABASE_MIGRATION_URL, else DATABASE_URL).
    Run it again after `ombudsflow db upgrade`: it is idempotent."""
    from .roles import app_role_sql

    url = current_app.config.get("OMBUDSFLOW_MIGRATION_URL") or db.engine.url
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    if engine.dialect.name != "postgresql":
        raise click.ClickException("db-role is for PostgreSQL; SQLite has no roles")
    password = os.environ.get(password_env) if password_env else None
    if password_env and not password:
        raise click.ClickException(f"the environment variable {password_env} is empty")
    try:
        statements = app_role_sql(role, engine.url.database, password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if print_sql:
        for statement in statements:
            click.echo(statement + ";")
        return
    with engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()
    click.echo(f"role {role}: row rights on {engine.url.database}; audit log append-only")
