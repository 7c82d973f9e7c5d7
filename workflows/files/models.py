"""One row per file handed to the store: the bytes are shared by hash, the metadata is per upload."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db


class StoredFile(db.Model):
    """Metadata of stored bytes: hash, size, type sniffed from the bytes, cleaned name, who, when."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    # Sniffed from the bytes (magic numbers), never taken from the name or a browser's claim.
    content_type: Mapped[str] = mapped_column(sa.String(120))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    # What the file is for (document_pdf, evidence, …): lets a later clean-up or report tell them apart.
    purpose: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(sa.String(200))
