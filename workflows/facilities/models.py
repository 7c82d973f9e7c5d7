"""Places of deprivation of liberty (місця несвободи)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db

from ..authorities.models import Authority
from ..reference.models import FacilityKind, Region

SIGNAL_KINDS = ("complaint", "media_report", "lawyer_report", "other")


class Facility(db.Model):
    __tablename__ = "facility"
    __table_args__ = (sa.Index("ix_facility_region_kind", "region_code", "kind_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The code of the place in the Office's registry: what a CSV import matches rows on.
    code: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    name_uk: Mapped[str] = mapped_column(sa.String(400))
    name_en: Mapped[str] = mapped_column(sa.String(400), default="")
    kind_code: Mapped[str] = mapped_column(sa.ForeignKey("facility_kind.code"))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("region.code"))
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    # Район (or territorial community): places of one district are visited in one trip.
    district: Mapped[str] = mapped_column(sa.String(200), default="")
    # Ліміт наповнення: how many people the place may hold (None: not known).
    capacity: Mapped[int | None]
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    # A property of the place, not of the region: part of an oblast may be occupied or under fire.
    in_hostilities_area: Mapped[bool] = mapped_column(default=False)
    access_note: Mapped[str] = mapped_column(sa.Text, default="")
    # No access at all (occupied territory): kept in the registry, left out of plans and coverage.
    access_suspended: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]

    kind: Mapped[FacilityKind] = relationship()
    region: Mapped[Region] = relationship()
    authority: Mapped[Authority] = relationship()

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_uk


class FacilitySignal(db.Model):
    """A signal about a place a lawyer records: a complaint, a media report (input of the risk score)."""

    __tablename__ = "facility_signal"
    __table_args__ = (sa.Index("ix_facility_signal_facility_received", "facility_id", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    received_on: Mapped[date]
    summary: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime]
