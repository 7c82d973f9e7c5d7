"""Indexes for the dashboards, the heat map and the reports (bench/dashboard.py, docs/PERFORMANCE.md).

- recommendation (status, due_at, region_code, facility_kind, severity, category, responsible_lawyer_id,
  authority_id) WHERE open: every open figure (by status, days overdue, oblast, kind, severity, category,
  lawyer, authority) is an index-only scan of the open rows;
- recommendation (closed_at, status, authority_id): the follow-ups that ended in a period;
- response_act (sent_at), (recommendation_id, sent_at); authority_reply (received_at, recommendation_id),
  (recommendation_id, received_at): acts and first replies in a period;
- escalation (kind, protocol_date), (kind, decision_date): protocols and court decisions;
- human_task (process_id, completed_at, element_id, created_at) WHERE status <> 'open': waits that
  ended in a period, per element;
- audit_event (event, at) instead of (event): the same lookups, and events of a kind in a period.

Revision ID: 0032_report_indexes
Revises: 0031_alerts
Create Date: 2026-11-29 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_report_indexes"
down_revision = "0031_alerts"
branch_labels = None
depends_on = None

OPEN = sa.text(
    "status IN ('draft', 'awaiting_receipt', 'awaiting_reply', 'reply_overdue', 'under_verification', "
    "'follow_up', 'escalated', 'in_court')"
)
DONE = sa.text("status <> 'open'")


def upgrade():
    op.create_index(
        "ix_recommendation_open_figures",
        "recommendation",
        ["status", "due_at", "region_code", "facility_kind", "severity", "category", "responsible_lawyer_id", "authority_id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index("ix_recommendation_closed", "recommendation", ["closed_at", "status", "authority_id"])
    op.create_index("ix_response_act_sent", "response_act", ["sent_at"])
    op.create_index("ix_response_act_recommendation_sent", "response_act", ["recommendation_id", "sent_at"])
    op.create_index("ix_authority_reply_received", "authority_reply", ["received_at", "recommendation_id"])
    op.create_index(
        "ix_authority_reply_recommendation_received", "authority_reply", ["recommendation_id", "received_at"]
    )
    op.create_index("ix_escalation_kind_protocol_date", "escalation", ["kind", "protocol_date"])
    op.create_index("ix_escalation_kind_decision_date", "escalation", ["kind", "decision_date"])
    op.create_index(
        "ix_human_task_done",
        "human_task",
        ["process_id", "completed_at", "element_id", "created_at"],
        postgresql_where=DONE,
        sqlite_where=DONE,
    )
    op.create_index("ix_audit_event_event_at", "audit_event", ["event", "at"])
    op.drop_index("ix_audit_event_event", table_name="audit_event")


def downgrade():
    op.create_index("ix_audit_event_event", "audit_event", ["event"])
    op.drop_index("ix_audit_event_event_at", table_name="audit_event")
    op.drop_index("ix_human_task_done", table_name="human_task")
    op.drop_index("ix_escalation_kind_decision_date", table_name="escalation")
    op.drop_index("ix_escalation_kind_protocol_date", table_name="escalation")
    op.drop_index("ix_authority_reply_recommendation_received", table_name="authority_reply")
    op.drop_index("ix_authority_reply_received", table_name="authority_reply")
    op.drop_index("ix_response_act_recommendation_sent", table_name="response_act")
    op.drop_index("ix_response_act_sent", table_name="response_act")
    op.drop_index("ix_recommendation_closed", table_name="recommendation")
    op.drop_index("ix_recommendation_open_figures", table_name="recommendation")
