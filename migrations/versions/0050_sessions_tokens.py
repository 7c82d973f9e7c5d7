"""Sessions and tokens that end: an expiry on API tokens, a per-user session generation (sign-out,
deactivation and a password change end every session of that person at once, a copied cookie too),
and the failed sign-ins the throttle counts (in the database: every gunicorn worker sees them).

Revision ID: 0050_sessions_tokens
Revises: 0029_visit_plans
Create Date: 2026-11-29 11:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0050_sessions_tokens"
down_revision = "0029_visit_plans"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("account", sa.String(length=320), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    op.create_index("ix_sign_in_failure_account_at", "sign_in_failure", ["account", "at"])
    op.create_index("ix_sign_in_failure_address_at", "sign_in_failure", ["address", "at"])


def downgrade():
    op.drop_index("ix_sign_in_failure_address_at", table_name="sign_in_failure")
    op.drop_index("ix_sign_in_failure_account_at", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("session_generation")
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.drop_column("expires_at")
