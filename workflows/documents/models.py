"""Outgoing documents, the recommendations each covers, and every text a document has had."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.models import JSON

from ..authorities.models import Authority
from ..users.models import User


class Document(db.Model):
    """Вихідний документ: a submission, request, letter, protocol… (kinds.py), as drafted, approved,
    numbered (вихідний № … від …), sent and received."""

    __tablename__ = "document"
    __table_args__ = (
        # One number per register and year, whatever happens: the database says no to a duplicate.
        sa.UniqueConstraint("register", "register_year", "register_seq", name="uq_document_register_number"),
        sa.Index("ix_document_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    language: Mapped[str] = mapped_column(sa.String(5), default="uk")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    # Optimistic lock: every change increments it; a stale `expected_version` is refused.
    version: Mapped[int] = mapped_column(default=1)
    addressee_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    # The visit whose recommendations the document covers (one visit per document).
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(500), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    # Statutory term stated in the document: an ISO 8601 duration ("P1M") and its legal basis.
    term_period: Mapped[str | None] = mapped_column(sa.String(20))
    term_basis: Mapped[str] = mapped_column(sa.Text, default="")
    # Прохання вжити заходів до … (life-and-health findings): reminded, never called a breach.
    urgent_by: Mapped[date | None]
    # Kind-specific facts a template reads (a protocol's official and offence date, …).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    template_name: Mapped[str] = mapped_column(sa.String(200), default="")
    template_deployment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deployment.id"))

    author_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    signatory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    # Snapshots taken when the document is approved (or sent, for a kind without approval): a later
    # change of name or position does not change what was signed.
    signatory_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_position: Mapped[str] = mapped_column(sa.String(300), default="")
    submitted_at: Mapped[datetime | None]
    approver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None]
    return_comment: Mapped[str] = mapped_column(sa.Text, default="")
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))

    # Вихідний № … від …: the register, its year and sequence, the number as printed, and its date.
    register: Mapped[str | None] = mapped_column(sa.String(20))
    register_year: Mapped[int | None]
    register_seq: Mapped[int | None]
    number: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    number_date: Mapped[date | None]

    # The PDF exactly as sent (content-addressed in the file store).
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))

    # Доказ отримання: when and how the addressee got it, and their registration (вхідний № … від …).
    received_at: Mapped[datetime | None]
    received_how: Mapped[str | None] = mapped_column(sa.String(20))
    incoming_number: Mapped[str | None] = mapped_column(sa.String(60))
    incoming_date: Mapped[date | None]

    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    addressee: Mapped[Authority] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    signatory: Mapped[User | None] = relationship(foreign_keys=[signatory_id])
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    links: Mapped[list[DocumentRecommendation]] = relationship(
        order_by="DocumentRecommendation.position", cascade="all, delete-orphan"
    )
    versions: Mapped[list[DocumentVersion]] = relationship(
        order_by="DocumentVersion.seq", cascade="all, delete-orphan"
    )

    @property
    def recommendation_ids(self) -> list[int]:
        return [link.recommendation_id for link in self.links]


class DocumentRecommendation(db.Model):
    """A recommendation a document covers; one document may cover several of one visit."""

    __tablename__ = "document_recommendation"
    __table_args__ = (sa.UniqueConstraint("document_id", "recommendation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"), index=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)


class DocumentVersion(db.Model):
    """Every text a document has had, in order: drafted, edited, edited on approval; the one a
    manager returned carries the manager's comment, so the author sees what was commented on."""

    __tablename__ = "document_version"
    __table_args__ = (sa.UniqueConstraint("document_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"), index=True)
    seq: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    # drafted | edited | approved_with_edits
    reason: Mapped[str] = mapped_column(sa.String(30))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(sa.String(200))
    return_comment: Mapped[str] = mapped_column(sa.Text, default="")
