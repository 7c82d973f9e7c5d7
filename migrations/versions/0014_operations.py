"""Operations: the request id in audit events, scheduler heartbeats, timer wake-ups (NOTIFY).

- `audit_event.request_id`: the web request or scheduler job that wrote the event (also in the
  JSON logs), so one request's log lines and audit events can be found together.
- `scheduler_heartbeat`: one row per running scheduler; `/readyz` checks it is recent.
- PostgreSQL: a statement trigger on `timer` sends `NOTIFY ombudsflow_timers, '<epoch>'` with the
  earliest waiting fire time a statement wrote, so a sleeping scheduler (engine/scheduler.py) wakes
  for a timer due sooner than it planned to look. SQLite has no notifications; it polls.

Revision ID: 0014_operations
Revises: 0033_recommendation_milestone
Create Date: 2026-11-29 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_operations"
down_revision = "0033_recommendation_milestone"
branch_labels = None
depends_on = None

NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION ombudsflow_timer_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    soonest timestamp;
BEGIN
    SELECT min(fire_at) INTO soonest FROM new_rows WHERE status = 'waiting';
    IF soonest IS NOT NULL THEN
        PERFORM pg_notify('ombudsflow_timers', extract(epoch FROM soonest AT TIME ZONE 'UTC')::text);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade():
    op.add_column("audit_event", sa.Column("request_id", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_event_request_id", "audit_event", ["request_id"])
    op.create_table(
        "scheduler_heartbeat",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_heartbeat")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER timer_notify_{event.lower()} AFTER {event} ON timer "
                "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ombudsflow_timer_notify()"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS timer_notify_insert ON timer")
        op.execute("DROP TRIGGER IF EXISTS timer_notify_update ON timer")
        op.execute("DROP FUNCTION IF EXISTS ombudsflow_timer_notify()")
    op.drop_table("scheduler_heartbeat")
    op.drop_index("ix_audit_event_request_id", table_name="audit_event")
    op.drop_column("audit_event", "request_id")
