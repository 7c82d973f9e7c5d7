"""Risk scores kept per place, with the inputs they were computed from and the rows that fired.

Computing a score reads indexed aggregates and evaluates a DMN table; keeping the result in a table
lets the registry, the ranking, the map and plan drafting read thousands of scores in one query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db
from engine.models import JSON

LEVELS = ("high", "medium", "low")


class RiskScore(db.Model):
    """Оцінка ризиків: one row per place, rewritten by every refresh."""

    __tablename__ = "risk_score"
    __table_args__ = (sa.Index("ix_risk_score_score", "score", "facility_id"),)

    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), primary_key=True)
    score: Mapped[int]
    level: Mapped[str] = mapped_column(sa.String(10), index=True)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{"id", "row", "description", "points", "reason_en"}]: why the score is what it is.
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    deployment_id: Mapped[int] = mapped_column(sa.ForeignKey("deployment.id"))
    computed_at: Mapped[datetime]


class RiskRefresh(db.Model):
    """One row: when all scores were last computed and with which deployment of the table. Workers
    claim a refresh by updating it conditionally, so only one of them recomputes at a time."""

    __tablename__ = "risk_refresh"

    id: Mapped[int] = mapped_column(primary_key=True)
    refreshed_at: Mapped[datetime | None]
    deployment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deployment.id"))
    places: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(default=0.0)
