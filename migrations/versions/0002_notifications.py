"""Notifications: webhook subscriptions (the outbox table itself is the engine's, 0001).

Revision ID: 0002_notifications
Revises: 0001_engine
Create Date: 2026-11-23 01:47:59.782020

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0002_notifications'
down_revision = '0001_engine'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('events', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscription'))
    )


def downgrade():
    op.drop_table('webhook_subscription')
