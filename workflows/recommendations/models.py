"""Recommendations and what happens to them: acts of response, replies, extensions, verifications.

`recommendation` doubles as the domain's projection: status, current deadline, addressee, place and
region are kept on the row (rewritten by the service-task handlers in the process's own
transaction), so lists, filters and dashboard counts are one indexed query.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.models import JSON

from ..authorities.models import Authority
from ..facilities.models import Facility
from ..paging import const
from ..visits.models import Finding

STATUSES = (
    "draft",
    "awaiting_receipt",
    "awaiting_reply",
    "reply_overdue",
    "under_verification",
    "follow_up",
    "escalated",
    "in_court",
    "implemented",
    "closed",
)
OPEN_STATUSES = STATUSES[:8]
# While the recommendation is in one of these, the process waits for an authority's reply (the
# deadline watch): a reply arriving then is on time for it; otherwise the lawyer is already at work.
WAITING_STATUSES = ("awaiting_receipt", "awaiting_reply", "escalated")
# The follow-up still runs: partial indexes of open recommendations (migrations 0015, 0032) use this.
OPEN_WHERE = sa.text("status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")")
ACT_KINDS = ("submission", "information_request", "letter")
OUTCOMES = ("implemented", "partially_implemented", "not_implemented", "no_longer_relevant")
VERIFICATION_METHODS = ("documents", "follow_up_visit", "interview")


def breached(status: str, overdue_since: datetime | None, due_at: datetime | None, now: datetime) -> bool:
    """Прострочено: the process recorded the breach of the statutory deadline (not a pending
    extension, not an urgency date, not the Office's own next step) and the recommendation is still
    open. For a loaded row (`Recommendation.is_overdue`) or a selected one (exports)."""
    return status in OPEN_STATUSES and overdue_since is not None and due_at is not None and due_at < now


class Recommendation(db.Model):
    """Рекомендація: one process instance each, business key = the recommendation id."""

    __tablename__ = "recommendation"
    __table_args__ = (
        sa.Index("ix_recommendation_status_due", "status", "due_at"),
        sa.Index("ix_recommendation_authority_status", "addressee_id", "status"),
        sa.Index("ix_recommendation_facility_status", "facility_id", "status"),
        sa.Index("ix_recommendation_region_status", "region_code", "status"),
        # The dashboard (migration 0032): open recommendations with every column a figure groups by,
        # so each figure reads this index alone; and the ones whose follow-up ended, in time order.
        sa.Index(
            "ix_recommendation_open_figures",
            "status",
            "due_at",
            "region_code",
            "facility_kind",
            "severity",
            "category",
            "responsible_lawyer_id",
            "authority_id",
            postgresql_where=OPEN_WHERE,
            sqlite_where=OPEN_WHERE,
        ),
        sa.Index("ix_recommendation_closed", "closed_at", "status", "authority_id", "created_at"),
        # Lists at a million (migration 0015): each filter's index ends with the list's order (id).
        sa.Index("ix_recommendation_addressee_id_id", "addressee_id", "id"),
        # Also an authority with its subordinates (many authorities at once), joined by id to a side
        # table such as the milestones.
        sa.Index("ix_recommendation_authority_id_id", "authority_id", "id"),
        sa.Index("ix_recommendation_status_id", "status", "id"),
        sa.Index("ix_recommendation_region_id", "region_code", "id"),
        sa.Index("ix_recommendation_facility_id_id", "facility_id", "id"),
        sa.Index("ix_recommendation_severity_id", "severity", "id"),
        *(
            sa.Index(name, *columns, postgresql_where=OPEN_WHERE, sqlite_where=OPEN_WHERE)
            for name, columns in (
                ("ix_recommendation_open_id", ("id", "due_at")),
                ("ix_recommendation_open_severity", ("severity", "id", "due_at")),
                ("ix_recommendation_open_region", ("region_code", "process_instance_id")),
                ("ix_recommendation_open_kind", ("facility_kind", "severity", "process_instance_id")),
                ("ix_recommendation_open_addressee", ("addressee_id", "process_instance_id")),
                ("ix_recommendation_open_by_severity", ("severity", "process_instance_id")),
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("finding.id"), index=True)
    # The authority it was addressed to, and the one that must answer now (a superior after escalation).
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    addressee_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"))
    region_code: Mapped[str] = mapped_column(sa.String(40))
    facility_kind: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.Text)
    # casefolded copy of the text: case-insensitive search that works for Cyrillic on SQLite too
    search_text: Mapped[str] = mapped_column(sa.Text)
    severity: Mapped[str] = mapped_column(sa.String(10), index=True)
    category: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    # The statutory deadline (строк, встановлений законом) of the request the addressee must answer:
    # the only date ever called overdue, warned of liability or escalated (`is_overdue`).
    due_at: Mapped[datetime | None]
    # The text the lawyer sees beside it and the letters quote (e.g. "ст. 15 Закону …").
    legal_basis: Mapped[str | None] = mapped_column(sa.Text)
    legal_basis_en: Mapped[str | None] = mapped_column(sa.Text)
    # When the addressee received that request (e-mail accepted, link opened, paper registered).
    received_at: Mapped[datetime | None]
    # An urgency request ("просимо вжити заходів до …"): shown and reminded, never a breach.
    urgency_due_at: Mapped[datetime | None]
    # The next step the Office itself planned (a follow-up check, a court hearing): never overdue.
    next_step_at: Mapped[datetime | None]
    overdue_since: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(sa.String(30))
    close_reason: Mapped[str | None] = mapped_column(sa.Text)
    process_instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_instance.id"), unique=True)
    responsible_lawyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    finding: Mapped[Finding] = relationship()
    authority: Mapped[Authority] = relationship(foreign_keys=[authority_id])
    addressee: Mapped[Authority] = relationship(foreign_keys=[addressee_id])
    facility: Mapped[Facility] = relationship()
    acts: Mapped[list[ResponseAct]] = relationship(order_by="ResponseAct.id")
    replies: Mapped[list[AuthorityReply]] = relationship(order_by="AuthorityReply.id")
    verifications: Mapped[list[Verification]] = relationship(order_by="Verification.id")
    extensions: Mapped[list[ExtensionRequest]] = relationship(order_by="ExtensionRequest.id")

    @property
    def business_key(self) -> str:
        return str(self.id)

    def is_overdue(self, now: datetime) -> bool:
        """Прострочено: see `breached` (the one rule, also written as SQL in `overdue_clause`)."""
        return breached(self.status, self.overdue_since, self.due_at, now)

    @classmethod
    def overdue_clause(cls, now: datetime):
        """`is_overdue` as a WHERE clause (lists, filters, counts)."""
        return sa.and_(
            # Written into the SQL: the planner then uses the partial indexes of open recommendations.
            cls.status.in_(const(OPEN_STATUSES)),
            cls.overdue_since.is_not(None),
            cls.due_at.is_not(None),
            cls.due_at < now,
        )


class ResponseAct(db.Model):
    """Акт реагування: подання (submission), запит про надання інформації, or лист."""

    __tablename__ = "response_act"
    __table_args__ = (
        sa.Index("ix_response_act_sent", "sent_at"),
        sa.Index("ix_response_act_recommendation_sent", "recommendation_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    number: Mapped[str] = mapped_column(sa.String(60))
    act_date: Mapped[date]
    signatory: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    addressee_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    sent_at: Mapped[datetime]
    # The statutory term of this kind of act (ISO period, None for a letter without one), its legal
    # basis, and the urgency date asked for (critical findings).
    statutory_period: Mapped[str | None] = mapped_column(sa.String(20))
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    legal_basis_en: Mapped[str] = mapped_column(sa.Text, default="")
    urgency_due_at: Mapped[datetime | None]
    # Set on receipt: the statutory deadline counts from it.
    received_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(sa.String(200))


class AuthorityReply(db.Model):
    """Відповідь органу and the measures it says it took (вжиті заходи)."""

    __tablename__ = "authority_reply"
    __table_args__ = (
        sa.Index("ix_authority_reply_received", "received_at", "recommendation_id"),
        sa.Index("ix_authority_reply_recommendation_received", "recommendation_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    measures: Mapped[str] = mapped_column(sa.Text, default="")
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)
    received_at: Mapped[datetime]
    # The deadline in force when the reply came, and how many days after it the reply came.
    deadline_at: Mapped[datetime | None]
    was_overdue: Mapped[bool] = mapped_column(default=False)
    days_late: Mapped[int | None]
    submitted_by: Mapped[str] = mapped_column(sa.String(200))

    authority: Mapped[Authority] = relationship()


class ExtensionRequest(db.Model):
    """Клопотання про продовження строку, and the lawyer's decision on it."""

    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    requested_until: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime]
    requested_by: Mapped[str] = mapped_column(sa.String(200))
    # The deadline in force when the request came.
    previous_due_at: Mapped[datetime | None]
    # granted | refused (null while undecided)
    decision: Mapped[str | None] = mapped_column(sa.String(10))
    # The deadline after the decision: the new date when granted; the grace term's end when refused
    # after the deadline had passed; None when refused in time (the deadline stands).
    new_due_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))


class Verification(db.Model):
    """Перевірка виконання: the lawyer's assessment and how it was established."""

    __tablename__ = "verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(30))
    method: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    follow_up_on: Mapped[date | None]
    verified_at: Mapped[datetime]
    verified_by: Mapped[str] = mapped_column(sa.String(200))


RECEIPT_KINDS = ("email", "link", "paper", "reply")


class Receipt(db.Model):
    """Доказ отримання: when and how an authority received an act or an escalation letter.

    Every first proof of each kind is kept (the mail server's acceptance, the first opening of the
    signed link, a lawyer's registration of paper post); the first of them started the term.
    """

    __tablename__ = "receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    act_id: Mapped[int | None] = mapped_column(sa.ForeignKey("response_act.id"))
    escalation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("escalation.id"))
    # email (accepted by the recipient's mail server) | link (signed link opened) | paper | reply
    kind: Mapped[str] = mapped_column(sa.String(10))
    received_at: Mapped[datetime]
    incoming_number: Mapped[str | None] = mapped_column(sa.String(60))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The address that accepted the e-mail, or the outbox row delivered.
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    # Whether this receipt started the term (the first one for its act or letter).
    started_term: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(sa.String(200))
