"""Authorities: who receives recommendations, and whom an escalation goes to (the parent)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.models import JSON

LEVELS = ("facility_administration", "regional_body", "central_body")


class Authority(db.Model):
    """Орган влади: a facility's administration, a regional body or a central body (ministry)."""

    __tablename__ = "authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_uk: Mapped[str] = mapped_column(sa.String(400))
    name_en: Mapped[str] = mapped_column(sa.String(400))
    level: Mapped[str] = mapped_column(sa.String(30))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(sa.String(5), default="uk")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    parent: Mapped[Authority | None] = relationship(remote_side=[id])

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_uk
