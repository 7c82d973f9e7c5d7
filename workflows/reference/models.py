"""Reference data an admin can edit: regions (oblasts) and kinds of places of deprivation of liberty.

Seeded from GLOSSARY.md; ministries and kinds change names, so nothing refers to them by text.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db


class Region(db.Model):
    """Область, АР Крим or a city with special status (Київ, Севастополь)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_uk: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    sort: Mapped[int] = mapped_column(default=0)
    # The regional office of the Commissioner that visits this region (None: the NPM Department).
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regional_office.id"), index=True)


class RegionalOffice(db.Model):
    """Регіональне представництво Уповноваженого: plans and budgets are totalled per office."""

    __tablename__ = "regional_office"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_uk: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300), default="")


class FacilityKind(db.Model):
    """Вид місця несвободи: penal colony, СІЗО, ІТТ, psychiatric hospital, …"""

    __tablename__ = "facility_kind"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_uk: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300))
    sort: Mapped[int] = mapped_column(default=0)
