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
from ..visits.models import Finding

STATUSES = (
    "draft",
    "awaiting_reply",
    "reply_overdue",
    "under_verification",
    "follow_up",
    "escalated",
    "in_court",
    "implemented",
    "closed",
)
OPEN_STATUSES = STATUSES[:7]
# The follow-up still runs: partial indexes of open recommendations (migration 0015) use this.
OPEN_WHERE = sa.text("status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")")
ACT_KINDS = ("submission", "information_request", "letter")
OUTCOMES = ("implemented", "partially_implemented", "not_implemented", "no_longer_relevant")
VERIFICATION_METHODS = ("documents", "follow_up_visit", "interview")


class Recommendation(db.Model):
    """Рекомендація: one process instance each, business key = the recommendation id."""

    __tablename__ = "recommendation"
    __table_args__ = (
        sa.Index("ix_recommendation_status_due", "status", "due_at"),
        sa.Index("ix_recommendation_authority_status", "addressee_id", "status"),
        sa.Index("ix_recommendation_facility_status", "facility_id", "status"),
        sa.Index("ix_recommendation_region_status", "region_code", "status"),
        # Lists at a million (migration 0015): each filter's index ends with the list's order (id).
        sa.Index("ix_recommendation_addressee_id_id", "addressee_id", "id"),
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
    due_at: Mapped[datetime | None]
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


class ResponseAct(db.Model):
    """Акт реагування: подання (submission), запит про надання інформації, or лист."""

    __tablename__ = "response_act"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    number: Mapped[str] = mapped_column(sa.String(60))
    act_date: Mapped[date]
    signatory: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    addressee_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    sent_at: Mapped[datetime]
    due_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(sa.String(200))


class AuthorityReply(db.Model):
    """Відповідь органу and the measures it says it took (вжиті заходи)."""

    __tablename__ = "authority_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    measures: Mapped[str] = mapped_column(sa.Text, default="")
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)
    received_at: Mapped[datetime]
    was_overdue: Mapped[bool] = mapped_column(default=False)
    submitted_by: Mapped[str] = mapped_column(sa.String(200))


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
    # granted | refused (null while undecided)
    decision: Mapped[str | None] = mapped_column(sa.String(10))
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
