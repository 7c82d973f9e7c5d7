"""What management published, and the public page's figures kept as rows every worker reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db
from engine.models import JSON


class Publication(db.Model):
    """A recommendation management marked public: shown on /public and in the open data. Withdrawing
    it deletes the row; the audit log keeps both decisions."""

    __tablename__ = "publication"

    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), primary_key=True)
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(sa.String(200))


class PublicSnapshot(db.Model):
    """One prepared part of the public page ("figures", "published"): computed by the refresh job (and
    at once after a publication changes), read by every worker with one primary-key lookup, so the
    page costs the database nothing however often it is requested."""

    __tablename__ = "public_snapshot"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # A digest of the content: the pages' ETag.
    etag: Mapped[str] = mapped_column(sa.String(64))
    generated_at: Mapped[datetime]
