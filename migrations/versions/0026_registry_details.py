"""Registry details for planning: a place's registry code, district, capacity and whether it can be
reached at all; signals about places (complaints, media reports); regional offices of the
Commissioner and the regions each visits; visits by place and date for "last visit" queries.

Revision ID: 0026_registry_details
Revises: 0015_list_indexes
Create Date: 2026-11-29 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_registry_details"
down_revision = "0015_list_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "regional_office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_uk", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regional_office")),
        sa.UniqueConstraint("code", name=op.f("uq_regional_office_code")),
    )

    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_region_office_id"), ["office_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_region_office_id_regional_office"), "regional_office", ["office_id"], ["id"]
        )

    with op.batch_alter_table("facility", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("district", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("access_suspended", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_facility_code"), ["code"])

    op.create_table(
        "facility_signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_facility_signal_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_facility_signal_recorded_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_signal")),
    )
    with op.batch_alter_table("facility_signal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_facility_signal_facility_received", ["facility_id", "received_on"], unique=False
        )

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index("ix_visit_facility_ends", ["facility_id", "ends_on"], unique=False)


def downgrade():
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_facility_ends")
    op.drop_table("facility_signal")
    with op.batch_alter_table("facility", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_facility_code"), type_="unique")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("access_suspended")
        batch_op.drop_column("capacity")
        batch_op.drop_column("district")
        batch_op.drop_column("code")
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_region_office_id_regional_office"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_region_office_id"))
        batch_op.drop_column("office_id")
    op.drop_table("regional_office")
