"""Monitoring visits, their groups, and the findings they make."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.models import JSON

from ..facilities.models import Facility

VISIT_KINDS = ("regular", "follow_up", "ad_hoc")
MEMBER_ROLES = ("head", "staff", "monitor", "expert", "interpreter")
FINDING_CATEGORIES = (
    "treatment",
    "material_conditions",
    "health_care",
    "legal_safeguards",
    "contact_with_outside_world",
    "regime_and_activities",
    "staff",
    "other",
)
SEVERITIES = ("critical", "high", "medium", "low")


class Visit(db.Model):
    """Моніторинговий візит (плановий, повторний, позаплановий)."""

    __tablename__ = "visit"
    # Newest first, all of them or one place's (migration 0015); the last visit of each place
    # (registry, risk score, coverage): one index-only scan.
    __table_args__ = (
        sa.Index("ix_visit_starts_on_id", "starts_on", "id"),
        sa.Index("ix_visit_facility_starts_on", "facility_id", "starts_on", "id"),
        sa.Index("ix_visit_facility_ends", "facility_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    access_problems: Mapped[str] = mapped_column(sa.Text, default="")
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime]

    facility: Mapped[Facility] = relationship()
    members: Mapped[list[VisitMember]] = relationship(cascade="all, delete-orphan", order_by="VisitMember.id")
    findings: Mapped[list[Finding]] = relationship(back_populates="visit", order_by="Finding.id")


class VisitMember(db.Model):
    """A member of the monitoring group: Office staff or a civil-society monitor."""

    __tablename__ = "visit_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), index=True)


class Finding(db.Model):
    """Виявлене порушення."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(40))
    severity: Mapped[str] = mapped_column(sa.String(10))
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime]

    visit: Mapped[Visit] = relationship(back_populates="findings")
