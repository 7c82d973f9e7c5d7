"""The signed links of letters, their openings, the answers given and the evidence attached."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.models import JSON

from ..files.models import StoredFile

# What the authority says about a recommendation (the lawyer verifies it; a claim, not a decision).
CLAIMED_STATUSES = ("implemented", "partly", "in_progress", "impossible")
# Those that need the authority's reasons.
NEEDS_REASONS = ("partly", "impossible")


class ReplyLink(db.Model):
    """Підписане посилання листа: one authority, one document. Only the SHA-256 of the token is kept,
    so a copy of the database opens no link; a lawyer can revoke it, and a later letter on the same
    recommendations supersedes it."""

    __tablename__ = "reply_link"
    __table_args__ = (sa.Index("ix_reply_link_document_authority", "document_id", "authority_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(sa.String(200))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(sa.String(200))
    # revoked (by a lawyer) | superseded (a later letter's link replaced it)
    revoked_why: Mapped[str | None] = mapped_column(sa.String(20))
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reply_link.id"))
    first_opened_at: Mapped[datetime | None]
    last_opened_at: Mapped[datetime | None]
    openings: Mapped[int] = mapped_column(default=0)


class ReplyLinkOpening(db.Model):
    """Each opening of a link (the first is the proof of receipt)."""

    __tablename__ = "reply_link_opening"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(sa.ForeignKey("reply_link.id"), index=True)
    opened_at: Mapped[datetime]
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")


class DocumentAnswer(db.Model):
    """Відповідь органу на лист: one per document and authority (the database refuses a second), and
    one per form sent (the idempotency key), so a double click or a second tab gives one answer."""

    __tablename__ = "document_answer"
    __table_args__ = (sa.UniqueConstraint("document_id", "authority_id", name="uq_document_answer_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reply_link.id"))
    official_name: Mapped[str] = mapped_column(sa.String(200))
    official_position: Mapped[str] = mapped_column(sa.String(300))
    official_email: Mapped[str] = mapped_column(sa.String(254), default="")
    submitted_at: Mapped[datetime]
    submitted_by: Mapped[str] = mapped_column(sa.String(200))
    receipt_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))

    items: Mapped[list[AnswerItem]] = relationship(order_by="AnswerItem.id", cascade="all, delete-orphan")


class AnswerItem(db.Model):
    """The answer on one recommendation the document covers: what was done, the measures (each with
    a planned date and a responsible person), and the status the authority claims."""

    __tablename__ = "document_answer_item"
    __table_args__ = (sa.UniqueConstraint("answer_id", "recommendation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("document_answer.id"), index=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    claimed_status: Mapped[str] = mapped_column(sa.String(20))
    done_text: Mapped[str] = mapped_column(sa.Text)
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"measure": str, "planned_on": "YYYY-MM-DD", "responsible": str}]
    measures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    task_id: Mapped[str | None] = mapped_column(sa.String(64))


class EvidenceFile(db.Model):
    """A file attached as proof: to an answer (by an authority) or to a finding (by a monitor).

    The bytes and their sniffed type are a `stored_file`; this row says what the file proves and who
    may see it. While an answer is being written its files have no `answer_id` yet (they belong to
    the draft of that document and authority). `internal_only` marks material that never leaves the
    Office (images of detainees): no outgoing channel, no authority, no export ever gets it.
    """

    __tablename__ = "evidence_file"
    __table_args__ = (sa.Index("ix_evidence_file_draft", "document_id", "authority_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"))
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authority.id"))
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document_answer.id"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("finding.id"), index=True)
    internal_only: Mapped[bool] = mapped_column(default=False)
    removed_at: Mapped[datetime | None]
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[str] = mapped_column(sa.String(200))

    stored: Mapped[StoredFile] = relationship()


__all__ = ["AnswerItem", "DocumentAnswer", "EvidenceFile", "ReplyLink", "ReplyLinkOpening", "date"]
