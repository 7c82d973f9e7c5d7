"""Indexes for the lawyers' inbox (bench/inbox.py, docs/PERFORMANCE.md "## Inbox").

- human_task (due_at, id) WHERE status = 'open': the first page walks open tasks in due order and
  stops after a page, instead of sorting every open task of the group;
- human_task (candidate_group, assignee, due_at, process_id, instance_id) WHERE status = 'open': the
  counts per filter are an index-only scan over my and my groups' open tasks;
- PostgreSQL only, where 0003 could install pg_trgm: a trigram index on recommendation numbers too
  (the search is `search_text LIKE '%…%' OR number ILIKE '%…%'`; 0003 indexed the text only, and an
  OR with one unindexed side reads every recommendation).

Revision ID: 0004_inbox_indexes
Revises: 0003_domain
Create Date: 2026-11-23 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_inbox_indexes"
down_revision = "0003_domain"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    op.create_index(
        "ix_human_task_open_due",
        "human_task",
        ["due_at", "id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index(
        "ix_human_task_open_scope",
        "human_task",
        ["candidate_group", "assignee", "due_at", "process_id", "instance_id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                    CREATE INDEX IF NOT EXISTS ix_recommendation_number_trgm
                        ON recommendation USING gin (number gin_trgm_ops);
                END IF;
            END $$;
        """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_recommendation_number_trgm")
    op.drop_index("ix_human_task_open_scope", table_name="human_task")
    op.drop_index("ix_human_task_open_due", table_name="human_task")
