"""People of the monitoring pool and what decides whether they may join a group.

A monitor may have an account (`user_id`: staff always, civil-society monitors when they sign in to
see the follow-up of their visits); the pool also holds people without one.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db

from ..reference.models import Region
from ..users.models import User

MONITOR_KINDS = ("staff", "civil_society")
EXPERTISE = ("lawyer", "doctor", "psychiatrist", "psychologist", "child_rights", "gender", "military")
# The programme every civil-society monitor completes before joining a group.
BASIC_PROGRAMME = "npm_basic"


class Monitor(db.Model):
    """Член пулу моніторів: a staff member of the Office or a civil-society monitor (громадський монітор)."""

    __tablename__ = "monitor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), unique=True)
    # Where the monitor lives and works: groups are proposed from the place's oblast first.
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("region.code"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320), default="")
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    user: Mapped[User | None] = relationship()
    region: Mapped[Region] = relationship()
    expertise: Mapped[list[MonitorExpertise]] = relationship(
        cascade="all, delete-orphan", order_by="MonitorExpertise.expertise"
    )
    training: Mapped[list[TrainingRecord]] = relationship(
        cascade="all, delete-orphan", order_by="TrainingRecord.completed_on"
    )
    absences: Mapped[list[MonitorAbsence]] = relationship(
        cascade="all, delete-orphan", order_by="MonitorAbsence.starts_on"
    )
    conflicts: Mapped[list[ConflictOfInterest]] = relationship(
        cascade="all, delete-orphan", order_by="ConflictOfInterest.declared_on"
    )

    @property
    def expertise_codes(self) -> list[str]:
        return [e.expertise for e in self.expertise]


class MonitorExpertise(db.Model):
    __tablename__ = "monitor_expertise"

    monitor_id: Mapped[int] = mapped_column(sa.ForeignKey("monitor.id"), primary_key=True)
    expertise: Mapped[str] = mapped_column(sa.String(30), primary_key=True, index=True)


class TrainingModule(db.Model):
    """A module of a training programme (базова підготовка громадських моніторів НПМ); admins edit."""

    __tablename__ = "training_module"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    programme: Mapped[str] = mapped_column(sa.String(40), default=BASIC_PROGRAMME)
    name_uk: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300))
    required: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(default=0)


class TrainingRecord(db.Model):
    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    monitor_id: Mapped[int] = mapped_column(sa.ForeignKey("monitor.id"), index=True)
    module_code: Mapped[str] = mapped_column(sa.ForeignKey("training_module.code"))
    completed_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_by: Mapped[str] = mapped_column(sa.String(200))

    module: Mapped[TrainingModule] = relationship()


class MonitorAbsence(db.Model):
    """A period a monitor is not available (leave, other duties)."""

    __tablename__ = "monitor_absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    monitor_id: Mapped[int] = mapped_column(sa.ForeignKey("monitor.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(500), default="")


class ConflictOfInterest(db.Model):
    """Конфлікт інтересів declared by a monitor for one place: never proposed for its visits."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (sa.UniqueConstraint("monitor_id", "facility_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    monitor_id: Mapped[int] = mapped_column(sa.ForeignKey("monitor.id"), index=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    declared_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
