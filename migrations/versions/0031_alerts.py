"""Managers' alert subscriptions, evaluated by a scheduler job.

Revision ID: 0031_alerts
Revises: 0030_publication
Create Date: 2026-11-29 07:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_alerts"
down_revision = "0030_publication"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "alert_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=40), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_met", sa.Boolean(), nullable=False),
        sa.Column("met_since", sa.DateTime(), nullable=True),
        sa.Column("times_fired", sa.Integer(), nullable=False),
        sa.Column("last_count", sa.Integer(), nullable=True),
        sa.Column("last_evaluated_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authority.id"], name=op.f("fk_alert_subscription_authority_id_authority")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_alert_subscription_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_subscription")),
    )
    with op.batch_alter_table("alert_subscription", schema=None) as batch_op:
        batch_op.create_index("ix_alert_subscription_active", ["active", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_subscription_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("alert_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_subscription_user_id"))
        batch_op.drop_index("ix_alert_subscription_active")
    op.drop_table("alert_subscription")
