"""The monitoring pool: staff and civil-society monitors, their expertise, training records (the
basic programme's modules are seeded), absences and declared conflicts of interest per place.

Revision ID: 0027_monitors
Revises: 0026_registry_details
Create Date: 2026-11-29 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_monitors"
down_revision = "0026_registry_details"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_module",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("programme", sa.String(length=40), nullable=False),
        sa.Column("name_uk", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_training_module")),
    )

    op.create_table(
        "monitor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_monitor_region_code_region")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_monitor_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor")),
        sa.UniqueConstraint("user_id", name=op.f("uq_monitor_user_id")),
    )
    with op.batch_alter_table("monitor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitor_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitor_region_code"), ["region_code"], unique=False)

    op.create_table(
        "monitor_expertise",
        sa.Column("monitor_id", sa.Integer(), nullable=False),
        sa.Column("expertise", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["monitor.id"], name=op.f("fk_monitor_expertise_monitor_id_monitor")
        ),
        sa.PrimaryKeyConstraint("monitor_id", "expertise", name=op.f("pk_monitor_expertise")),
    )
    with op.batch_alter_table("monitor_expertise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitor_expertise_expertise"), ["expertise"], unique=False)

    op.create_table(
        "training_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("monitor_id", sa.Integer(), nullable=False),
        sa.Column("module_code", sa.String(length=40), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_code"],
            ["training_module.code"],
            name=op.f("fk_training_record_module_code_training_module"),
        ),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["monitor.id"], name=op.f("fk_training_record_monitor_id_monitor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_record")),
    )
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_record_monitor_id"), ["monitor_id"], unique=False)

    op.create_table(
        "monitor_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("monitor_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["monitor.id"], name=op.f("fk_monitor_absence_monitor_id_monitor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_absence")),
    )
    with op.batch_alter_table("monitor_absence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitor_absence_monitor_id"), ["monitor_id"], unique=False)

    op.create_table(
        "conflict_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("monitor_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_conflict_of_interest_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["monitor.id"], name=op.f("fk_conflict_of_interest_monitor_id_monitor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_of_interest")),
        sa.UniqueConstraint("monitor_id", "facility_id", name=op.f("uq_conflict_of_interest_monitor_id")),
    )
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_facility_id"), ["facility_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_conflict_of_interest_monitor_id"), ["monitor_id"], unique=False)

    from workflows.monitors.seed import TRAINING_MODULES

    module = sa.table(
        "training_module",
        sa.column("code"),
        sa.column("programme"),
        sa.column("name_uk"),
        sa.column("name_en"),
        sa.column("required"),
        sa.column("sort"),
    )
    op.bulk_insert(
        module,
        [
            dict(code=c, programme="npm_basic", name_uk=uk, name_en=en, required=r, sort=i)
            for i, (c, uk, en, r) in enumerate(TRAINING_MODULES)
        ],
    )


def downgrade():
    op.drop_table("conflict_of_interest")
    op.drop_table("monitor_absence")
    op.drop_table("training_record")
    op.drop_table("monitor_expertise")
    op.drop_table("monitor")
    op.drop_table("training_module")
