"""Officials of authorities on their own site (issue 16): the lead official of an authority, and
one-time invitations by e-mail to set a password.

Revision ID: 0070_official_invitations
Revises: 0029_visit_plans
Create Date: 2026-11-29 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0070_official_invitations"
down_revision = "0075_answers"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authority_lead", sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        "official_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=300), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("lead", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authority.id"], name=op.f("fk_official_invitation_authority_id_authority")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_official_invitation_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_official_invitation_token_hash")),
    )
    with op.batch_alter_table("official_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_invitation_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_official_invitation_authority_id"), ["authority_id"], unique=False)


def downgrade():
    op.drop_table("official_invitation")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("authority_lead")
