"""Escalations: a repeat request, the superior authority, the administrative-offence protocol, court."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.models import JSON

from ..documents.models import Document

KINDS = ("repeat_request", "superior_authority", "protocol", "court")

# What a court decides on a protocol (рішення суду), each named once. A decision never closes the
# recommendation: its follow-up goes on until verified or closed by the lawyer with a reason.
COURT_DECISIONS = (
    "offender_liable",  # накладено стягнення (with the penalty's amount)
    "closed_limitation",  # провадження закрито: сплив строк накладення стягнення (ст. 38, 247 КУпАП)
    "closed_no_offence",  # провадження закрито: немає складу правопорушення
    "returned_for_revision",  # протокол повернуто на доопрацювання: back to the protocol
)
# What happened in the appeal window (ст. 294 КУпАП).
APPEAL_OUTCOMES = ("not_appealed", "upheld", "overturned", "changed")


class Escalation(db.Model):
    """Повторний запит, звернення до вищестоящого органу, протокол (ст. 188-40 КУпАП), судова справа."""

    __tablename__ = "escalation"
    __table_args__ = (
        # Protocols by date and court decisions by date (the dashboard, the annual report: migration 0032).
        sa.Index("ix_escalation_kind_protocol_date", "kind", "protocol_date"),
        sa.Index("ix_escalation_kind_decision_date", "kind", "decision_date"),
        # Pending protocols by the date their limitation period counts from (migration 0065).
        sa.Index("ix_escalation_kind_offence_date", "kind", "offence_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    target_authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authority.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    due_at: Mapped[datetime | None]
    # A letter to a superior authority: its statutory term, legal basis and receipt.
    statutory_period: Mapped[str | None] = mapped_column(sa.String(20))
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    legal_basis_en: Mapped[str] = mapped_column(sa.Text, default="")
    received_at: Mapped[datetime | None]
    protocol_number: Mapped[str | None] = mapped_column(sa.String(60))
    protocol_date: Mapped[date | None]
    offender: Mapped[str | None] = mapped_column(sa.String(300))
    court: Mapped[str | None] = mapped_column(sa.String(300))
    case_number: Mapped[str | None] = mapped_column(sa.String(60))
    hearings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision: Mapped[str | None] = mapped_column(sa.String(30))
    decision_date: Mapped[date | None]
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    # The protocol (ст. 256 КУпАП): the official it names, the date of the offence — the limitation
    # period counts from it — and its document (numbered in the protocols' register).
    offence_date: Mapped[date | None]
    official_name: Mapped[str | None] = mapped_column(sa.String(300))
    official_position: Mapped[str | None] = mapped_column(sa.String(300))
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    # The court case: the penalty imposed, the appeal window and what came of it.
    penalty_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    appeal_until: Mapped[date | None]
    appeal_filed_on: Mapped[date | None]
    appeal_outcome: Mapped[str | None] = mapped_column(sa.String(30))
    appeal_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(sa.String(200))

    # The protocol as a document: its status, the manager's return comment, its PDF.
    document: Mapped[Document | None] = relationship(lazy="select")
