"""The content-addressed file store: one metadata row per stored file (bytes on disk by SHA-256).

Revision ID: 0010_file_store
Revises: 0005_task_priority
Create Date: 2026-11-29 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_file_store"
down_revision = "0005_task_priority"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
    )
    op.create_index(op.f("ix_stored_file_sha256"), "stored_file", ["sha256"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_stored_file_sha256"), table_name="stored_file")
    op.drop_table("stored_file")
