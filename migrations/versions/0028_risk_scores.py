"""Risk scores per place (from bpmn/risk.dmn) with their inputs and the rows that fired, and the
one-row table workers claim a refresh in.

Revision ID: 0028_risk_scores
Revises: 0027_monitors
Create Date: 2026-11-29 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0028_risk_scores"
down_revision = "0027_monitors"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "risk_score",
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column(
            "inputs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"], ["deployment.id"], name=op.f("fk_risk_score_deployment_id_deployment")
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_risk_score_facility_id_facility")
        ),
        sa.PrimaryKeyConstraint("facility_id", name=op.f("pk_risk_score")),
    )
    with op.batch_alter_table("risk_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_score_level"), ["level"], unique=False)
        batch_op.create_index("ix_risk_score_score", ["score", "facility_id"], unique=False)

    op.create_table(
        "risk_refresh",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=True),
        sa.Column("deployment_id", sa.Integer(), nullable=True),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"], ["deployment.id"], name=op.f("fk_risk_refresh_deployment_id_deployment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_refresh")),
    )


def downgrade():
    op.drop_table("risk_refresh")
    op.drop_table("risk_score")
