"""Permissions granted to people (sign_documents, draw_protocols) and their position (посада).

Revision ID: 0011_user_grants
Revises: 0010_file_store
Create Date: 2026-11-29 08:01:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_user_grants"
down_revision = "0010_file_store"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("permission", sa.String(length=40), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_user_grant_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_grant")),
        sa.UniqueConstraint("user_id", "permission", name=op.f("uq_user_grant_user_id")),
    )
    op.create_index(op.f("ix_user_grant_permission"), "user_grant", ["permission"], unique=False)
    op.create_index(op.f("ix_user_grant_user_id"), "user_grant", ["user_id"], unique=False)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.String(length=300), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("position")
    op.drop_index(op.f("ix_user_grant_user_id"), table_name="user_grant")
    op.drop_index(op.f("ix_user_grant_permission"), table_name="user_grant")
    op.drop_table("user_grant")
