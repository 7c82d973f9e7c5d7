"""The PostgreSQL role the application connects as: it may read and write rows, and nothing more.

Migrations run as the owner of the schema (`DATABASE_MIGRATION_URL`); the site, the scheduler and the
CLI connect as this role (`DATABASE_URL`). It owns no table, so it cannot ALTER one, disable a
trigger or TRUNCATE; it is no superuser, so `SET session_replication_role` is refused too. On the
audit log it may only INSERT and SELECT, on the chain's head only SELECT, and it may EXECUTE the
sealer `audit_seal`, a SECURITY DEFINER function (engine/audit_chain.py). docs/DEPLOYMENT.md shows
the commands.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Tables the application must never write to (beyond the triggers that guard them).
READ_ONLY = ("audit_chain", "alembic_version")
# Append-only: INSERT and SELECT.
APPEND_ONLY = ("audit_event",)


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def app_role_sql(role: str, database: str, password: str | None = None, *, create: bool = True) -> list[str]:
    """The statements, run as the owner in `database`: create the role (unless it exists) and give it
    row rights on today's tables and on every table the owner creates later."""
    if not _NAME.match(role):
        raise ValueError(f"role name {role!r}: use lower-case letters, digits and _")
    db_name = database.replace('"', '""')
    statements = []
    if create:
        login = f"LOGIN PASSWORD {_quote_literal(password)}" if password else "LOGIN"
        statements.append(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
            f"{_quote_literal(role)}) THEN CREATE ROLE {role} {login} NOSUPERUSER NOCREATEDB "
            "NOCREATEROLE NOREPLICATION NOBYPASSRLS; END IF; END $$"
        )
    statements += [
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{db_name}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE CREATE ON SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {', '.join(APPEND_ONLY)} FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {', '.join(READ_ONLY)} FROM {role}",
        # The sealer of the audit chain runs as the owner (migration 0051).
        f"GRANT EXECUTE ON FUNCTION audit_seal(integer) TO {role}",
    ]
    return statements
