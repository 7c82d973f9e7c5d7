"""The cycle as the law counts it: the legal-term calendar, receipts, statutory and urgency dates.

- `calendar_day`: public holidays, days off and working weekend days an admin edits, seeded with
  2026–2027 (workflows/calendar/seed.py, from the `holidays` package);
- `receipt`: when and how an authority received an act or a letter (the term counts from it);
- the recommendation keeps its statutory deadline apart from the urgency date and from the next
  step the Office planned (follow-up, hearing), with the legal basis beside the deadline;
- acts and letters to superiors get their term, basis, urgency date and receipt; replies their
  delay in days; extension requests the deadline they asked to move.

Revision ID: 0006_legal_terms
Revises: 0022_designer
Create Date: 2026-11-30 10:00:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006_legal_terms"
down_revision = "0022_designer"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name_uk", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_day")),
    )
    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("act_id", sa.Integer(), nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("incoming_number", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("started_term", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["act_id"], ["response_act.id"], name=op.f("fk_receipt_act_id_response_act")),
        sa.ForeignKeyConstraint(["authority_id"], ["authority.id"], name=op.f("fk_receipt_authority_id_authority")),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalation.id"], name=op.f("fk_receipt_escalation_id_escalation")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"], ["recommendation.id"], name=op.f("fk_receipt_recommendation_id_recommendation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt")),
    )
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipt_recommendation_id"), ["recommendation_id"], unique=False)

    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("legal_basis_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("urgency_due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("next_step_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("response_act", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statutory_period", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("legal_basis_en", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("urgency_due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))
        batch_op.alter_column("due_at", existing_type=sa.DateTime(), nullable=True)
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statutory_period", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("legal_basis_en", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("authority_reply", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("days_late", sa.Integer(), nullable=True))
    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_due_at", sa.DateTime(), nullable=True))

    _seed_calendar()


def _seed_calendar():
    from workflows.calendar.seed import SOURCE, seed_rows

    day = sa.table(
        "calendar_day",
        sa.column("day", sa.Date),
        sa.column("kind"),
        sa.column("name_uk"),
        sa.column("name_en"),
        sa.column("source"),
        sa.column("updated_at", sa.DateTime),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        day,
        [
            dict(day=d, kind="holiday", name_uk=uk, name_en=en, source=SOURCE, updated_at=now)
            for d, uk, en in seed_rows()
        ],
    )


def downgrade():
    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.drop_column("previous_due_at")
    with op.batch_alter_table("authority_reply", schema=None) as batch_op:
        batch_op.drop_column("days_late")
        batch_op.drop_column("deadline_at")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_column("received_at")
        batch_op.drop_column("legal_basis_en")
        batch_op.drop_column("legal_basis")
        batch_op.drop_column("statutory_period")
    with op.batch_alter_table("response_act", schema=None) as batch_op:
        batch_op.alter_column("due_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_column("received_at")
        batch_op.drop_column("urgency_due_at")
        batch_op.drop_column("legal_basis_en")
        batch_op.drop_column("legal_basis")
        batch_op.drop_column("statutory_period")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_column("next_step_at")
        batch_op.drop_column("urgency_due_at")
        batch_op.drop_column("received_at")
        batch_op.drop_column("legal_basis_en")
        batch_op.drop_column("legal_basis")
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_recommendation_id"))
    op.drop_table("receipt")
    op.drop_table("calendar_day")
