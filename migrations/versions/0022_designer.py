"""The process designer: version comments and accepted warnings, the version marked to start,
drafts, test runs and bulk migrations of running instances.

Revision ID: 0022_designer
Revises: 0012_documents
Create Date: 2026-11-29 08:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0022_designer"
down_revision = "0012_documents"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MARKED = sa.text("start_marked")


def upgrade():
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("warnings", JSON, nullable=True))
        batch_op.add_column(sa.Column("warnings_note", sa.Text(), nullable=True))
    op.execute("UPDATE deployment SET warnings = '[]'")
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.alter_column("warnings", existing_type=JSON, nullable=False)

    with op.batch_alter_table("process_definition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_marked", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("start_marked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("start_marked_by", sa.String(length=200), nullable=True))
    op.create_index(
        "uq_process_definition_start",
        "process_definition",
        ["process_id"],
        unique=True,
        postgresql_where=MARKED,
        sqlite_where=MARKED,
    )
    op.create_index(
        "ix_process_definition_start_order", "process_definition", ["process_id", "start_marked", "version"]
    )

    op.create_table(
        "design_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("base_deployment_id", sa.Integer(), nullable=True),
        sa.Column("files", JSON, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_deployment_id"], ["deployment.id"], name="fk_design_draft_base_deployment_id_deployment"
        ),
        sa.ForeignKeyConstraint(
            ["deployment_id"], ["deployment.id"], name="fk_design_draft_deployment_id_deployment"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_design_draft"),
    )
    op.create_table(
        "test_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("now", sa.DateTime(), nullable=False),
        sa.Column("log", JSON, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["design_draft.id"], name="fk_test_run_draft_id_design_draft"),
        sa.PrimaryKeyConstraint("id", name="pk_test_run"),
    )
    op.create_index("ix_test_run_draft_id", "test_run", ["draft_id"])
    op.create_table(
        "instance_migration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("from_definition_id", sa.Integer(), nullable=False),
        sa.Column("to_definition_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=200), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_definition_id"],
            ["process_definition.id"],
            name="fk_instance_migration_from_definition_id_process_definition",
        ),
        sa.ForeignKeyConstraint(
            ["to_definition_id"],
            ["process_definition.id"],
            name="fk_instance_migration_to_definition_id_process_definition",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_instance_migration"),
    )
    op.create_index("ix_instance_migration_process_id", "instance_migration", ["process_id"])
    op.create_table(
        "instance_migration_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("migration_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("state_before", sa.Text(), nullable=True),
        sa.Column("instance_version_after", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name="fk_instance_migration_item_instance_id_process_instance",
        ),
        sa.ForeignKeyConstraint(
            ["migration_id"],
            ["instance_migration.id"],
            name="fk_instance_migration_item_migration_id_instance_migration",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_instance_migration_item"),
    )
    op.create_index("ix_instance_migration_item_instance_id", "instance_migration_item", ["instance_id"])
    op.create_index("ix_instance_migration_item_migration_id", "instance_migration_item", ["migration_id"])


def downgrade():
    op.drop_index("ix_instance_migration_item_migration_id", table_name="instance_migration_item")
    op.drop_index("ix_instance_migration_item_instance_id", table_name="instance_migration_item")
    op.drop_table("instance_migration_item")
    op.drop_index("ix_instance_migration_process_id", table_name="instance_migration")
    op.drop_table("instance_migration")
    op.drop_index("ix_test_run_draft_id", table_name="test_run")
    op.drop_table("test_run")
    op.drop_table("design_draft")
    op.drop_index("ix_process_definition_start_order", table_name="process_definition")
    op.drop_index("uq_process_definition_start", table_name="process_definition")
    with op.batch_alter_table("process_definition", schema=None) as batch_op:
        batch_op.drop_column("start_marked_by")
        batch_op.drop_column("start_marked_at")
        batch_op.drop_column("start_marked")
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.drop_column("warnings_note")
        batch_op.drop_column("warnings")
        batch_op.drop_column("comment")
