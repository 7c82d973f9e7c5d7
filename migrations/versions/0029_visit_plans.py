"""Visit plans: plans and their approved versions, planned visits with groups and follow-up links,
trips, safety checks, amendments, cost rates (seeded), budgets, expenses, and what follow-up
visits found about each recommendation.

Revision ID: 0029_visit_plans
Revises: 0028_risk_scores
Create Date: 2026-11-29 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0029_visit_plans"
down_revision = "0028_risk_scores"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cost_rate",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_cost_rate")),
    )

    op.create_table(
        "visit_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "targets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("process_instance_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_visit_plan_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["process_instance_id"],
            ["process_instance.id"],
            name=op.f("fk_visit_plan_process_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_plan")),
    )
    with op.batch_alter_table("visit_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_plan_year"), ["year"], unique=False)

    op.create_table(
        "plan_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["regional_office.id"], name=op.f("fk_plan_budget_office_id_regional_office")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["visit_plan.id"], name=op.f("fk_plan_budget_plan_id_visit_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_budget")),
        sa.UniqueConstraint("plan_id", "quarter", "office_id", name=op.f("uq_plan_budget_plan_id")),
    )
    with op.batch_alter_table("plan_budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_budget_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "trip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=40), nullable=False),
        sa.Column("district", sa.String(length=200), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["visit_plan.id"], name=op.f("fk_trip_plan_id_visit_plan")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_trip_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trip")),
    )
    with op.batch_alter_table("trip", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trip_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "planned_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unannounced", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("risk_score", sa.Integer(), nullable=True),
        sa.Column(
            "needs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("group_status", sa.String(length=20), nullable=False),
        sa.Column("group_approved_at", sa.DateTime(), nullable=True),
        sa.Column("group_approved_by", sa.String(length=200), nullable=True),
        sa.Column("trip_id", sa.Integer(), nullable=True),
        sa.Column("estimated_cost", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facility.id"], name=op.f("fk_planned_visit_facility_id_facility")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["visit_plan.id"], name=op.f("fk_planned_visit_plan_id_visit_plan")
        ),
        sa.ForeignKeyConstraint(["trip_id"], ["trip.id"], name=op.f("fk_planned_visit_trip_id_trip")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_planned_visit_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_visit")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_planned_visit_visit_id")),
    )
    with op.batch_alter_table("planned_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planned_visit_facility_id"), ["facility_id"], unique=False)
        batch_op.create_index("ix_planned_visit_plan_status", ["plan_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_planned_visit_trip_id"), ["trip_id"], unique=False)

    op.create_table(
        "planned_visit_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("planned_visit_id", sa.Integer(), nullable=False),
        sa.Column("monitor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("expertise", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["monitor_id"], ["monitor.id"], name=op.f("fk_planned_visit_member_monitor_id_monitor")
        ),
        sa.ForeignKeyConstraint(
            ["planned_visit_id"],
            ["planned_visit.id"],
            name=op.f("fk_planned_visit_member_planned_visit_id_planned_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_visit_member")),
        sa.UniqueConstraint(
            "planned_visit_id", "monitor_id", name=op.f("uq_planned_visit_member_planned_visit_id")
        ),
    )
    with op.batch_alter_table("planned_visit_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planned_visit_member_monitor_id"), ["monitor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_planned_visit_member_planned_visit_id"), ["planned_visit_id"], unique=False
        )

    op.create_table(
        "planned_visit_recommendation",
        sa.Column("planned_visit_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["planned_visit_id"],
            ["planned_visit.id"],
            name=op.f("fk_planned_visit_recommendation_planned_visit_id_planned_visit"),
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_planned_visit_recommendation_recommendation_id_recommendation"),
        ),
        sa.PrimaryKeyConstraint(
            "planned_visit_id", "recommendation_id", name=op.f("pk_planned_visit_recommendation")
        ),
    )

    op.create_table(
        "recommendation_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("found", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("checked_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_check_recommendation_id_recommendation"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit.id"], name=op.f("fk_recommendation_check_visit_id_visit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_check")),
        sa.UniqueConstraint("visit_id", "recommendation_id", name=op.f("uq_recommendation_check_visit_id")),
    )
    with op.batch_alter_table("recommendation_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommendation_check_recommendation_id"), ["recommendation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recommendation_check_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "safety_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("planned_visit_id", sa.Integer(), nullable=False),
        sa.Column("military_coordination", sa.Boolean(), nullable=False),
        sa.Column("military_contact", sa.String(length=500), nullable=False),
        sa.Column("shelter", sa.Boolean(), nullable=False),
        sa.Column("shelter_note", sa.String(length=1000), nullable=False),
        sa.Column("communication", sa.Boolean(), nullable=False),
        sa.Column("communication_note", sa.String(length=1000), nullable=False),
        sa.Column("evacuation_route", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.Column("completed_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["planned_visit_id"],
            ["planned_visit.id"],
            name=op.f("fk_safety_check_planned_visit_id_planned_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_check")),
        sa.UniqueConstraint("planned_visit_id", name=op.f("uq_safety_check_planned_visit_id")),
    )

    op.create_table(
        "plan_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("planned_visit_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("process_instance_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_plan_amendment_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["visit_plan.id"], name=op.f("fk_plan_amendment_plan_id_visit_plan")
        ),
        sa.ForeignKeyConstraint(
            ["planned_visit_id"],
            ["planned_visit.id"],
            name=op.f("fk_plan_amendment_planned_visit_id_planned_visit"),
        ),
        sa.ForeignKeyConstraint(
            ["process_instance_id"],
            ["process_instance.id"],
            name=op.f("fk_plan_amendment_process_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_amendment")),
    )
    with op.batch_alter_table("plan_amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_amendment_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_amendment_planned_visit_id"), ["planned_visit_id"], unique=False
        )

    op.create_table(
        "visit_plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column(
            "visits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("total_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["plan_amendment.id"],
            name=op.f("fk_visit_plan_version_amendment_id_plan_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["visit_plan.id"], name=op.f("fk_visit_plan_version_plan_id_visit_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_plan_version")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_visit_plan_version_plan_id")),
    )
    with op.batch_alter_table("visit_plan_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_plan_version_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "expense",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("planned_visit_id", sa.Integer(), nullable=False),
        sa.Column("monitor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("reimbursed_at", sa.DateTime(), nullable=True),
        sa.Column("reimbursed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["monitor_id"], ["monitor.id"], name=op.f("fk_expense_monitor_id_monitor")),
        sa.ForeignKeyConstraint(
            ["planned_visit_id"], ["planned_visit.id"], name=op.f("fk_expense_planned_visit_id_planned_visit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense")),
    )
    with op.batch_alter_table("expense", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expense_monitor_id"), ["monitor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expense_planned_visit_id"), ["planned_visit_id"], unique=False)

    from datetime import UTC, datetime

    from workflows.planning.seed import COST_RATES

    rate = sa.table(
        "cost_rate",
        sa.column("code"),
        sa.column("amount", sa.Numeric(12, 2)),
        sa.column("updated_at"),
        sa.column("updated_by"),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        rate, [dict(code=c, amount=a, updated_at=now, updated_by="seed") for c, a in COST_RATES.items()]
    )


def downgrade():
    op.drop_table("expense")
    op.drop_table("visit_plan_version")
    op.drop_table("plan_amendment")
    op.drop_table("safety_check")
    op.drop_table("recommendation_check")
    op.drop_table("planned_visit_recommendation")
    op.drop_table("planned_visit_member")
    op.drop_table("planned_visit")
    op.drop_table("trip")
    op.drop_table("plan_budget")
    op.drop_table("visit_plan")
    op.drop_table("cost_rate")
