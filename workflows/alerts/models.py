"""A manager's alert: a condition over the recommendations list and whether it holds now."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db

KINDS = ("overdue_authority", "protocol_limitation", "critical_region")


class AlertSubscription(db.Model):
    """Kinds: `overdue_authority` (authority_id, days: recommendations of the authority and its
    subordinates overdue more than `days` days), `protocol_limitation` (days: a protocol's limitation
    period ends within `days` days), `critical_region` (region_code, threshold: more than `threshold`
    critical recommendations open in the oblast)."""

    __tablename__ = "alert_subscription"
    __table_args__ = (sa.Index("ix_alert_subscription_active", "active", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authority.id"))
    region_code: Mapped[str | None] = mapped_column(sa.String(40))
    days: Mapped[int | None]
    threshold: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # The condition held at the last evaluation; a change false -> true sends the one e-mail.
    is_met: Mapped[bool] = mapped_column(default=False)
    met_since: Mapped[datetime | None]
    times_fired: Mapped[int] = mapped_column(default=0)
    last_count: Mapped[int | None]
    last_evaluated_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
