"""Indexes for lists at a million recommendations (bench/scale.py, docs/PERFORMANCE.md "Scale").

Every list orders by a key its index ends with, so a page is an index range and a capped count
(workflows/paging.py) stops after 10,001 entries:

- recommendation, newest first (`id DESC`) under each filter: (addressee_id, id), (authority_id, id)
  (the authority filter is "addressed to or escalated from": a BitmapOr of the two), (status, id),
  (region_code, id), (facility_id, id), (severity, id);
- the follow-up that is still open (statuses `draft` … `in_court`), partial: (id, due_at) for
  "overdue" and (severity, id, due_at) for "overdue of this severity";
- the inbox joins open tasks to open recommendations only; partial indexes on those hand the
  filtered recommendations' instance ids to the join: (region_code, …), (facility_kind, severity,
  …), (addressee_id, …), (severity, …); PostgreSQL: a trigram index of the open ones' text;
- the same join from the other side: human_task (instance_id, candidate_group, assignee, due_at) of
  open tasks, so probing a recommendation's open task reads neither closed tasks nor the heap;
- visits, newest first: (starts_on, id) and (facility_id, starts_on, id).

Revision ID: 0015_list_indexes
Revises: 0014_operations
Create Date: 2026-11-29 08:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_list_indexes"
down_revision = "0014_operations"
branch_labels = None
depends_on = None

OPEN = sa.text(
    "status IN ('draft', 'awaiting_receipt', 'awaiting_reply', 'reply_overdue', 'under_verification', "
    "'follow_up', 'escalated', 'in_court')"
)
PLAIN = {
    "ix_recommendation_addressee_id_id": ["addressee_id", "id"],
    "ix_recommendation_authority_id_id": ["authority_id", "id"],
    "ix_recommendation_status_id": ["status", "id"],
    "ix_recommendation_region_id": ["region_code", "id"],
    "ix_recommendation_facility_id_id": ["facility_id", "id"],
    "ix_recommendation_severity_id": ["severity", "id"],
}
OPEN_ONLY = {
    "ix_recommendation_open_id": ["id", "due_at"],
    "ix_recommendation_open_severity": ["severity", "id", "due_at"],
    "ix_recommendation_open_region": ["region_code", "process_instance_id"],
    "ix_recommendation_open_kind": ["facility_kind", "severity", "process_instance_id"],
    "ix_recommendation_open_addressee": ["addressee_id", "process_instance_id"],
    "ix_recommendation_open_by_severity": ["severity", "process_instance_id"],
}
VISITS = {
    "ix_visit_starts_on_id": ["starts_on", "id"],
    "ix_visit_facility_starts_on": ["facility_id", "starts_on", "id"],
}


TASK_OPEN = sa.text("status = 'open'")
TASK_COLUMNS = ["instance_id", "candidate_group", "assignee", "due_at"]


def upgrade():
    op.create_index(
        "ix_human_task_open_instance", "human_task", TASK_COLUMNS, postgresql_where=TASK_OPEN, sqlite_where=TASK_OPEN
    )
    for name, columns in PLAIN.items():
        op.create_index(name, "recommendation", columns)
    for name, columns in OPEN_ONLY.items():
        op.create_index(name, "recommendation", columns, postgresql_where=OPEN, sqlite_where=OPEN)
    for name, columns in VISITS.items():
        op.create_index(name, "visit", columns)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                    CREATE INDEX IF NOT EXISTS ix_recommendation_open_search_trgm
                        ON recommendation USING gin (search_text gin_trgm_ops) WHERE {OPEN.text};
                END IF;
            END $$;
        """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_recommendation_open_search_trgm")
    for name in VISITS:
        op.drop_index(name, table_name="visit")
    for name in (*OPEN_ONLY, *PLAIN):
        op.drop_index(name, table_name="recommendation")
    op.drop_index("ix_human_task_open_instance", table_name="human_task")
