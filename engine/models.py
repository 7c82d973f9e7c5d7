"""The engine's tables: deployments, instance state, and the projections every list reads.

`process_instance.state` is the only place a workflow lives; `human_task` and `timer` are rewritten
from it in the same transaction, so they can answer inboxes, dashboards and the sweep without
deserializing anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import db

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class Deployment(db.Model):
    """A set of BPMN, DMN and form files deployed together; identical content deploys once."""

    __tablename__ = "deployment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    process_ids: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(sa.String(200))

    files: Mapped[list[DeploymentFile]] = relationship(
        back_populates="deployment", order_by="DeploymentFile.filename", cascade="all, delete-orphan"
    )
    definitions: Mapped[list[ProcessDefinition]] = relationship(back_populates="deployment")


class DeploymentFile(db.Model):
    __tablename__ = "deployment_file"
    __table_args__ = (sa.UniqueConstraint("deployment_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey("deployment.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(10))  # bpmn | dmn | form
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[str] = mapped_column(sa.Text)

    deployment: Mapped[Deployment] = relationship(back_populates="files")


class ProcessDefinition(db.Model):
    """One executable process of a deployment; `version` counts per process id."""

    __tablename__ = "process_definition"
    __table_args__ = (sa.UniqueConstraint("process_id", "version", name="uq_process_definition_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey("deployment.id"), index=True)
    process_id: Mapped[str] = mapped_column(sa.String(200), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(300))
    version: Mapped[int]
    created_at: Mapped[datetime]

    deployment: Mapped[Deployment] = relationship(back_populates="definitions")


class ProcessInstance(db.Model):
    __tablename__ = "process_instance"
    __table_args__ = (sa.Index("ix_process_instance_status_next_due", "status", "next_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definition.id"), index=True)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey("deployment.id"))
    process_id: Mapped[str] = mapped_column(sa.String(200), index=True)
    business_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    # running | completed | cancelled | error
    status: Mapped[str] = mapped_column(sa.String(20))
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(sa.Text, deferred=True)
    next_due_at: Mapped[datetime | None]
    open_incidents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    definition: Mapped[ProcessDefinition] = relationship()


class HumanTask(db.Model):
    """Projection of a READY user task: who may do it, by when, and with which form."""

    __tablename__ = "human_task"
    __table_args__ = (
        sa.Index("ix_human_task_group_open", "status", "candidate_group", "due_at"),
        sa.Index("ix_human_task_assignee_open", "status", "assignee", "due_at"),
        # The inbox (migration 0004): open tasks in due order, and an index-only count per filter.
        sa.Index(
            "ix_human_task_open_due",
            "due_at",
            "id",
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
        # Also (migration 0005, not declared here because autogenerate cannot compare expression
        # indexes on SQLite): ix_human_task_open_priority on (priority DESC, due_at, id) of open tasks.
        sa.Index(
            "ix_human_task_open_scope",
            "candidate_group",
            "assignee",
            "due_at",
            "process_id",
            "instance_id",
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
        # An instance's open tasks by instance (migration 0015): lists that join them from the
        # domain's rows probe this instead of every task the instance ever had.
        sa.Index(
            "ix_human_task_open_instance",
            "instance_id",
            "candidate_group",
            "assignee",
            "due_at",
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # SpiffWorkflow task id
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    process_id: Mapped[str] = mapped_column(sa.String(200))
    element_id: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[str | None] = mapped_column(sa.String(300))
    lane: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    candidate_group: Mapped[str | None] = mapped_column(sa.String(200))
    assignee: Mapped[str | None] = mapped_column(sa.String(200))
    claimed_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    business_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey("deployment.id"))
    form_ref: Mapped[str | None] = mapped_column(sa.String(300))
    # Higher is more urgent; from the task's `priority` property (0 without one).
    priority: Mapped[int] = mapped_column(default=0, server_default="0")
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # open | completed | cancelled
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    version: Mapped[int] = mapped_column(default=1)
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    draft_saved_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(sa.String(200))


class Timer(db.Model):
    """Projection of a waiting timer event. `fire_at` is when the sweep next tries it: the due time,
    or later while a failing instance is retried with backoff."""

    __tablename__ = "timer"
    __table_args__ = (sa.Index("ix_timer_sweep", "status", "fire_at"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # SpiffWorkflow task id
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    element_id: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[str | None] = mapped_column(sa.String(300))
    # date | duration | cycle
    kind: Mapped[str] = mapped_column(sa.String(20))
    # boundary | intermediate | start
    placement: Mapped[str] = mapped_column(sa.String(20))
    interrupting: Mapped[bool | None]
    attached_to: Mapped[str | None] = mapped_column(sa.String(200))
    due_at: Mapped[datetime]
    fire_at: Mapped[datetime]
    # waiting | failed
    status: Mapped[str] = mapped_column(sa.String(20), default="waiting")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class Incident(db.Model):
    """A failure the sweep met while advancing an instance; visible until someone resolves it."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    timer_id: Mapped[str | None] = mapped_column(sa.String(36))
    element_id: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(30))
    message: Mapped[str] = mapped_column(sa.Text)
    stack: Mapped[str | None] = mapped_column(sa.Text)
    retries_left: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(sa.String(200))


class AuditEvent(db.Model):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migration)."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_instance_at", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(sa.String(200))
    event: Mapped[str] = mapped_column(sa.String(50), index=True)
    instance_id: Mapped[int | None] = mapped_column(sa.Integer)
    business_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))
    element_id: Mapped[str | None] = mapped_column(sa.String(200))
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The web request or scheduler job that wrote it (engine/correlation.py; also in the logs).
    request_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)


class OutboxMessage(db.Model):
    """A side effect written in the transaction that caused it; `notifications/` delivers it once."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    # email | webhook | any channel a deliverer is registered for
    channel: Mapped[str] = mapped_column(sa.String(30))
    topic: Mapped[str] = mapped_column(sa.String(100), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(500))
    language: Mapped[str | None] = mapped_column(sa.String(10))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    instance_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    business_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    # Same key twice (a digest for one day, a reminder for one deadline) enqueues once.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(300), unique=True)
    # pending | sending | sent | failed
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(sa.String(200))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None]


class EngineSetting(db.Model):
    """Small shared settings every worker must agree on (the adjustable clock's offset)."""

    __tablename__ = "engine_setting"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class SchedulerHeartbeat(db.Model):
    """One row per running scheduler (host:pid), rewritten every few seconds; `/readyz` reads it."""

    __tablename__ = "scheduler_heartbeat"

    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
