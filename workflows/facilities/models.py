"""Places of deprivation of liberty (місця несвободи)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db

from ..authorities.models import Authority
from ..reference.models import FacilityKind, Region


class Facility(db.Model):
    __tablename__ = "facility"
    __table_args__ = (sa.Index("ix_facility_region_kind", "region_code", "kind_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_uk: Mapped[str] = mapped_column(sa.String(400))
    name_en: Mapped[str] = mapped_column(sa.String(400), default="")
    kind_code: Mapped[str] = mapped_column(sa.ForeignKey("facility_kind.code"))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("region.code"))
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    # A property of the place, not of the region: part of an oblast may be occupied or under fire.
    in_hostilities_area: Mapped[bool] = mapped_column(default=False)
    access_note: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    kind: Mapped[FacilityKind] = relationship()
    region: Mapped[Region] = relationship()
    authority: Mapped[Authority] = relationship()

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_uk
