"""The audit log chained by hash, and TRUNCATE refused.

Every event carries `digest` (sha256 of its canonical content, engine/audit_chain.py), `chain_seq`
(1, 2, 3, … with no gap) and `chain_hash` = sha256(previous chain_hash + digest). The chain's head
(`audit_chain`, one row) is advanced by the insert itself: on PostgreSQL a BEFORE INSERT trigger
(SECURITY DEFINER, so the application role needs no right on the head) locks the head row until
commit, which orders concurrent writers; on SQLite the writer holds the database lock anyway and
the engine advances the head in the same transaction. `ombudsflow audit verify` recomputes it all.

Existing events are chained here, in id order.

Revision ID: 0051_audit_chain
Revises: 0050_sessions_tokens
Create Date: 2026-11-29 11:20:00
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = "0051_audit_chain"
down_revision = "0050_sessions_tokens"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

CHAIN_POSTGRESQL = [
    # Sealing: the events not yet chained, in id order, each linked to the head — by one function
    # that runs as the owner (the application's role may EXECUTE it and has no UPDATE right on the
    # log or its head). Inserts take no lock: chaining at insert time would hold one row lock from a
    # command's first audit event to its commit, serialising every writer (and deadlocking a timer
    # sweep's batch against a completion); sealing a few seconds later costs the commands nothing.
    """CREATE OR REPLACE FUNCTION audit_seal(max_rows integer) RETURNS integer
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
       DECLARE
         seq_now bigint; hash_now text; ev record; sealed integer := 0;
       BEGIN
         SELECT seq, hash INTO seq_now, hash_now FROM audit_chain WHERE id = 1 FOR UPDATE;
         IF NOT FOUND THEN RAISE EXCEPTION 'the audit chain has no head'; END IF;
         PERFORM set_config('ombudsflow.sealing', 'on', true);
         -- An event written around the engine without its digest (a bulk load) stays outside the
         -- chain, and `verify` names it, rather than stopping every later event from being sealed.
         FOR ev IN SELECT id, digest FROM audit_event
                    WHERE chain_seq IS NULL AND length(digest) = 64 ORDER BY id LIMIT max_rows
         LOOP
           seq_now := seq_now + 1;
           hash_now := encode(sha256(convert_to(hash_now || ev.digest, 'UTF8')), 'hex');
           UPDATE audit_event SET chain_seq = seq_now, chain_hash = hash_now WHERE id = ev.id;
           sealed := sealed + 1;
         END LOOP;
         PERFORM set_config('ombudsflow.sealing', 'off', true);
         UPDATE audit_chain SET seq = seq_now, hash = hash_now WHERE id = 1;
         RETURN sealed;
       END; $$""",
    # UPDATE and DELETE stay refused, except the sealing of an unsealed event's chain columns.
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
            AND current_setting('ombudsflow.sealing', true) = 'on'
            AND (NEW.id, NEW.at, NEW.actor, NEW.event, NEW.instance_id, NEW.business_key, NEW.task_id,
                 NEW.element_id, NEW.subject, NEW.details::text, NEW.request_id, NEW.digest)
                IS NOT DISTINCT FROM
                (OLD.id, OLD.at, OLD.actor, OLD.event, OLD.instance_id, OLD.business_key, OLD.task_id,
                 OLD.element_id, OLD.subject, OLD.details::text, OLD.request_id, OLD.digest) THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'audit_event is append-only';
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_event is append-only: TRUNCATE refused'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate()""",
    """CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate()""",
]

APPEND_ONLY_0001 = """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql"""


def _canonical_digest(row) -> str:
    # The same rule as engine/audit_chain.py:digest (copied: a migration must not import app code
    # that may change later).
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    details = row.details
    if isinstance(details, str):
        details = json.loads(details)
    content = {
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": row.actor,
        "event": row.event,
        "instance_id": row.instance_id,
        "business_key": row.business_key,
        "task_id": row.task_id,
        "element_id": row.element_id,
        "subject": row.subject,
        "details": details if details is not None else {},
        "request_id": row.request_id,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("chain_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ux_audit_event_chain_seq", ["chain_seq"], unique=True)

    conn = op.get_bind()
    if dialect == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
    else:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
    seq, head = 0, GENESIS
    table = sa.table(
        "audit_event",
        *(
            sa.column(c)
            for c in (
                "id", "at", "actor", "event", "instance_id", "business_key", "task_id",
                "element_id", "subject", "details", "request_id",
            )
        ),
    )
    last_id = 0
    while True:
        rows = conn.execute(
            sa.select(table).where(table.c.id > last_id).order_by(table.c.id).limit(2000)
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            digest = _canonical_digest(row)
            seq += 1
            head = hashlib.sha256((head + digest).encode()).hexdigest()
            updates.append({"rid": row.id, "seq": seq, "digest": digest, "hash": head})
        conn.execute(
            sa.text(
                "UPDATE audit_event SET chain_seq = :seq, digest = :digest, chain_hash = :hash"
                " WHERE id = :rid"
            ),
            updates,
        )
        last_id = rows[-1].id
    conn.execute(sa.text("INSERT INTO audit_chain (id, seq, hash) VALUES (1, :seq, :hash)"), {"seq": seq, "hash": head})
    # What the sealer reads (PostgreSQL); empty but kept alike on SQLite.
    op.create_index(
        "ix_audit_event_unsealed",
        "audit_event",
        ["id"],
        postgresql_where=sa.text("chain_seq IS NULL"),
        sqlite_where=sa.text("chain_seq IS NULL"),
    )
    if dialect == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
        for statement in CHAIN_POSTGRESQL:
            conn.exec_driver_sql(statement)
    else:
        conn.exec_driver_sql(
            """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
               BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
        )


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(APPEND_ONLY_0001)
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_seal(integer)")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_chain_no_truncate ON audit_chain")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_event_no_truncate()")
    op.drop_index("ix_audit_event_unsealed", table_name="audit_event")
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_index("ux_audit_event_chain_seq")
        batch_op.drop_column("chain_hash")
        batch_op.drop_column("digest")
        batch_op.drop_column("chain_seq")
    op.drop_table("audit_chain")
