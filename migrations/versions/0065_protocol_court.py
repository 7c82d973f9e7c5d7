"""Protocols and court cases as the Code runs them (issue 15): the official a protocol names, the
date of the offence the limitation period counts from, the protocol's document, the penalty a court
imposed, the appeal window and its outcome; and obstructions of access recorded on visits.

Court decisions keep their codes (offender_liable = penalty imposed, closed_no_offence,
returned_for_revision) and gain closed_limitation. A protocol recorded before this revision had no
date of offence: its protocol date stands in (what the countdown used until now).

Revision ID: 0065_protocol_court
Revises: 0029_visit_plans
Create Date: 2026-11-29 11:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0065_protocol_court"
down_revision = "0052_outbox_in_flight"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("escalation") as batch:
        batch.add_column(sa.Column("offence_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("official_name", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("official_position", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("penalty_amount", sa.Numeric(precision=12, scale=2), nullable=True))
        batch.add_column(sa.Column("appeal_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("appeal_filed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("appeal_outcome", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("appeal_note", sa.Text(), nullable=False, server_default=""))
        batch.create_index("ix_escalation_kind_offence_date", ["kind", "offence_date"])
        batch.create_foreign_key("fk_escalation_document_id_document", "document", ["document_id"], ["id"])
    op.execute(
        "UPDATE escalation SET offence_date = protocol_date WHERE kind = 'protocol' AND offence_date IS NULL"
    )
    op.create_table(
        "obstruction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("offence_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("official_name", sa.String(length=300), nullable=True),
        sa.Column("official_position", sa.String(length=300), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("process_instance_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_obstruction_visit_id_visit")),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_obstruction_facility_id_facility")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obstruction")),
    )
    op.create_index("ix_obstruction_visit_id", "obstruction", ["visit_id"], unique=True)
    op.create_index("ix_obstruction_status", "obstruction", ["status"])


def downgrade():
    op.drop_index("ix_obstruction_status", table_name="obstruction")
    op.drop_index("ix_obstruction_visit_id", table_name="obstruction")
    op.drop_table("obstruction")
    with op.batch_alter_table("escalation") as batch:
        batch.drop_index("ix_escalation_kind_offence_date")
        batch.drop_constraint("fk_escalation_document_id_document", type_="foreignkey")
        for column in (
            "appeal_note",
            "appeal_outcome",
            "appeal_filed_on",
            "appeal_until",
            "penalty_amount",
            "document_id",
            "official_position",
            "official_name",
            "offence_date",
        ):
            batch.drop_column(column)
