"""When a claimed outbox row was handed to the transport (`handed_at`): a row whose deliverer died
before that moment was never sent and goes back to the queue; only one handed over is "interrupted".

Revision ID: 0052_outbox_in_flight
Revises: 0051_audit_chain
Create Date: 2026-11-29 11:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0052_outbox_in_flight"
down_revision = "0051_audit_chain"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("handed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_column("handed_at")
