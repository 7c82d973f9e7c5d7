"""Спостереження громадського монітора: what a monitor saw of the follow-up (e.g. at a repeat visit)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db


class Observation(db.Model):
    __tablename__ = "observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    observed_on: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    # Set by management to show it with the published recommendation (never the author's name).
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(sa.String(200))
