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
    # What the designer said about this version, and the check warnings they accepted (with why).
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warnings_note: Mapped[str | None] = mapped_column(sa.Text)

    files: Mapped[list[DeploymentFile]] = relationship(
        back_populates="deployment", order_by="DeploymentFile.filename", cascade="all, delete-orphan"
    )
    definitions: Mapped[list[ProcessDefinition]] = relationship(back_populates="deployment")


class DeploymentFile(db.Model):
    __tablename__ = "deployment_file"
    __table_args__ = (
        sa.UniqueConstraint("deployment_id", "filename"),
        # The newest version of a template by name (deployments.latest_template), without a scan.
        sa.Index("ix_deployment_file_filename", "filename", "deployment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey("deployment.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(10))  # bpmn | dmn | form | template | text (other resources)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[str] = mapped_column(sa.Text)

    deployment: Mapped[Deployment] = relationship(back_populates="files")


class ProcessDefinition(db.Model):
    """One executable process of a deployment; `version` counts per process id.

    New instances start on the version marked to start (at most one per process), else the newest.
    """

    __tablename__ = "process_definition"
    __table_args__ = (
        sa.UniqueConstraint("process_id", "version", name="uq_process_definition_version"),
        sa.Index(
            "uq_process_definition_start",
            "process_id",
            unique=True,
            postgresql_where=sa.text("start_marked"),
            sqlite_where=sa.text("start_marked"),
        ),
        # `latest_definition` (every start): the marked version, else the newest, read off the index.
        sa.Index("ix_process_definition_start_order", "process_id", "start_marked", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey("deployment.id"), index=True)
    process_id: Mapped[str] = mapped_column(sa.String(200), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(300))
    version: Mapped[int]
    created_at: Mapped[datetime]
    start_marked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    start_marked_at: Mapped[datetime | None]
    start_marked_by: Mapped[str | None] = mapped_column(sa.String(200))

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
        # Waits that ended in a period, per element (the heat map, migration 0032).
        sa.Index(
            "ix_human_task_done",
            "process_id",
            "completed_at",
            "element_id",
            "created_at",
            postgresql_where=sa.text("status <> 'open'"),
            sqlite_where=sa.text("status <> 'open'"),
        ),
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
    __table_args__ = (
        sa.Index("ix_audit_event_instance_at", "instance_id", "id"),
        # The history of one subject (a document, a user) without reading the whole log.
        sa.Index("ix_audit_event_subject", "subject", "id"),
        # By kind in time order (migration 0032): e.g. the timers that fired in a period (the heat map).
        sa.Index("ix_audit_event_event_at", "event", "at"),
        sa.Index("ux_audit_event_chain_seq", "chain_seq", unique=True),
        # The events the sealer has still to chain (PostgreSQL, engine/audit_chain.py).
        sa.Index(
            "ix_audit_event_unsealed",
            "id",
            postgresql_where=sa.text("chain_seq IS NULL"),
            sqlite_where=sa.text("chain_seq IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(sa.String(200))
    event: Mapped[str] = mapped_column(sa.String(50))
    instance_id: Mapped[int | None] = mapped_column(sa.Integer)
    business_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))
    element_id: Mapped[str | None] = mapped_column(sa.String(200))
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The web request or scheduler job that wrote it (engine/correlation.py; also in the logs).
    request_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # The hash chain (engine/audit_chain.py, migration 0051): on PostgreSQL set by the sealer.
    chain_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    digest: Mapped[str | None] = mapped_column(sa.String(64))
    chain_hash: Mapped[str | None] = mapped_column(sa.String(64))


class AuditChain(db.Model):
    """The head of the audit log's hash chain: one row (id 1), moved by every insert."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))


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
    # Set just before the message is handed to SMTP/HTTP (notifications/delivery.py): a claimed row
    # without it was never sent, and goes back to the queue when its deliverer dies.
    handed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None]


class EngineSetting(db.Model):
    """Small shared settings every worker must agree on (the adjustable clock's offset)."""

    __tablename__ = "engine_setting"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


# --- the process designer (drafts, test runs, bulk migration) -------------------------------------


class DesignDraft(db.Model):
    """A bundle of files being edited: a copy of a deployment's files (or an imported diagram) with
    the designer's changes, checked, test-run and finally deployed as a new version."""

    __tablename__ = "design_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    base_deployment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deployment.id"))
    files: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # open | deployed | discarded
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    deployment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deployment.id"))
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime]


class TestRun(db.Model):
    """A throw-away instance of a draft's process, kept apart from `process_instance`: no
    projections, no timers for the sweep, no outbox, its own clock. Nothing real can see it."""

    __tablename__ = "test_run"
    __test__ = False  # not a pytest class

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("design_draft.id"), index=True)
    process_id: Mapped[str] = mapped_column(sa.String(200))
    # running | completed | failed
    status: Mapped[str] = mapped_column(sa.String(20), default="running")
    state: Mapped[str] = mapped_column(sa.Text, deferred=True)
    now: Mapped[datetime]
    log: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class InstanceMigration(db.Model):
    """Running instances moved in bulk from one version of a process to another."""

    __tablename__ = "instance_migration"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(sa.String(200), index=True)
    from_definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definition.id"))
    to_definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definition.id"))
    # running | done | undone
    status: Mapped[str] = mapped_column(sa.String(20), default="running")
    moved: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    undone_by: Mapped[str | None] = mapped_column(sa.String(200))
    undone_at: Mapped[datetime | None]

    items: Mapped[list[InstanceMigrationItem]] = relationship(
        back_populates="migration", order_by="InstanceMigrationItem.id"
    )


class InstanceMigrationItem(db.Model):
    """One instance of a migration: moved (with its state before, for undo), skipped or failed."""

    __tablename__ = "instance_migration_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    migration_id: Mapped[int] = mapped_column(sa.ForeignKey("instance_migration.id"), index=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    business_key: Mapped[str | None] = mapped_column(sa.String(200))
    # moved | skipped | failed | undone | kept (moved, but something ran on it before the undo)
    outcome: Mapped[str] = mapped_column(sa.String(20))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    state_before: Mapped[str | None] = mapped_column(sa.Text, deferred=True)
    instance_version_after: Mapped[int | None]

    migration: Mapped[InstanceMigration] = relationship(back_populates="items")


class SchedulerHeartbeat(db.Model):
    """One row per running scheduler (host:pid), rewritten every few seconds; `/readyz` reads it."""

    __tablename__ = "scheduler_heartbeat"

    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
