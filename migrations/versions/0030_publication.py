"""The transparency page: recommendations management published, monitors' observations, and the
public page's prepared figures (a table every worker reads, refreshed by a scheduler job).

Revision ID: 0030_publication
Revises: 0006_legal_terms
Create Date: 2026-11-29 07:40:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0030_publication"
down_revision = "0006_legal_terms"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade():
    op.create_table(
        "publication",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_publication_recommendation_id_recommendation"),
        ),
        sa.PrimaryKeyConstraint("recommendation_id", name=op.f("pk_publication")),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["app_user.id"], name=op.f("fk_observation_author_id_app_user")),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_observation_recommendation_id_recommendation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_recommendation_id"), ["recommendation_id"], unique=False)
    op.create_table(
        "public_snapshot",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_public_snapshot")),
    )


def downgrade():
    op.drop_table("public_snapshot")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_recommendation_id"))
    op.drop_table("observation")
    op.drop_table("publication")
