"""Task priority: higher is more urgent, from a user task's `priority` property.

The inbox's "by priority" order (critical recommendations first, then by due date) walks the open
tasks' (priority DESC, due_at, id) index instead of joining and sorting every open task.

Revision ID: 0005_task_priority
Revises: 0004_inbox_indexes
Create Date: 2026-11-23 03:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_task_priority"
down_revision = "0004_inbox_indexes"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), server_default="0", nullable=False))
    op.create_index(
        "ix_human_task_open_priority",
        "human_task",
        [sa.text("priority DESC"), "due_at", "id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade():
    op.drop_index("ix_human_task_open_priority", table_name="human_task")
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.drop_column("priority")
