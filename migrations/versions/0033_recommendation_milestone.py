"""When each recommendation's first act went out and its first reply came (`recommendation_milestone`),
kept by the domain in the transaction of the act or the reply, filled here for what exists; the
ended-recommendations index carries `created_at` (days to implementation from the index alone); and
recommendations by the authority first addressed (`authority_id`, with `id` for joins): an authority
with its subordinates, and the list's `authority` filter, read an index instead of the table.

Revision ID: 0033_recommendation_milestone
Revises: 0032_report_indexes
Create Date: 2026-11-29 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_recommendation_milestone"
down_revision = "0032_report_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recommendation_milestone",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("first_act_at", sa.DateTime(), nullable=True),
        sa.Column("first_act_due_at", sa.DateTime(), nullable=True),
        sa.Column("first_reply_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_milestone_recommendation_id_recommendation"),
        ),
        sa.PrimaryKeyConstraint("recommendation_id", name=op.f("pk_recommendation_milestone")),
    )
    op.execute("""
        INSERT INTO recommendation_milestone (recommendation_id, first_act_at, first_act_due_at, first_reply_at)
        SELECT r.id, a.first_act_at, a.first_act_due_at, p.first_reply_at
        FROM recommendation r
        LEFT JOIN (
            SELECT recommendation_id, min(sent_at) AS first_act_at, min(due_at) AS first_act_due_at
            FROM response_act GROUP BY recommendation_id
        ) a ON a.recommendation_id = r.id
        LEFT JOIN (
            SELECT recommendation_id, min(received_at) AS first_reply_at FROM authority_reply GROUP BY recommendation_id
        ) p ON p.recommendation_id = r.id
        WHERE a.recommendation_id IS NOT NULL OR p.recommendation_id IS NOT NULL
    """)
    op.create_index(
        "ix_recommendation_milestone_first_reply",
        "recommendation_milestone",
        ["first_reply_at", "recommendation_id", "first_act_at"],
    )
    op.drop_index("ix_recommendation_closed", table_name="recommendation")
    op.create_index("ix_recommendation_closed", "recommendation", ["closed_at", "status", "authority_id", "created_at"])


def downgrade():
    op.drop_index("ix_recommendation_closed", table_name="recommendation")
    op.create_index("ix_recommendation_closed", "recommendation", ["closed_at", "status", "authority_id"])
    op.drop_index("ix_recommendation_milestone_first_reply", table_name="recommendation_milestone")
    op.drop_table("recommendation_milestone")
