"""Webhook subscriptions: who receives which events over HTTP, and the secret that signs them.

Each matching event becomes one outbox row per subscription (`events.publish`), so a slow or broken
receiver retries on its own without holding back anyone else.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db
from engine.models import JSON


class WebhookSubscription(db.Model):
    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    # Signs every body (HMAC-SHA256); shown once when the subscription is added.
    secret: Mapped[str] = mapped_column(sa.String(200))
    # Names from `events.EVENTS`, e.g. ["act_sent", "closed"].
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime]
