"""A letter to answer: two recommendations of one visit whose acts were sent (so each waits for the
authority's reply), covered by one approved submission that is then sent — its e-mail carries the
letter's signed link, read back from the outbox as an official would click it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from engine.models import OutboxMessage
from tests.workflows.documents_world import SUBMISSION_TERM
from workflows.documents import services as documents

__all__ = ["SUBMISSION_TERM", "Letter", "answer_form", "letter_fixture", "send_letter", "token_of"]


@dataclass
class Letter:
    doc: object
    recs: list
    token: str
    doc_id: int = 0
    ids: tuple = ()

    @property
    def url(self) -> str:
        return f"/respond/{self.token}"

    @property
    def portal_url(self) -> str:
        return f"/portal/documents/{self.doc_id}/answer"


def token_of(db, document_id: int) -> str:
    """The link in the e-mail of a sent document, as the official clicks it."""
    row = db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.topic == "document_sent",
            OutboxMessage.payload["document_id"].as_integer() == document_id,
        )
        .order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"/respond/([A-Za-z0-9_-]+)", row.payload["message"]["text"]).group(1)


def send_letter(desk, scenario, db, recs) -> Letter:
    for rec in recs:
        scenario.send_act(rec)
    doc = desk.approved(recs=recs)
    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    return Letter(doc, list(recs), token_of(db, doc.id), doc.id, tuple(r.id for r in recs))


@pytest.fixture(name="letter")
def letter_fixture(desk, scenario, db) -> Letter:
    return send_letter(desk, scenario, db, desk.recs[:2])


def answer_form(letter: Letter, key: str = "k" * 24, **overrides) -> dict:
    """A complete answer on every recommendation of the letter."""
    first, second = letter.recs[0].id, letter.recs[1].id
    data = {
        "idempotency_key": key,
        "action": "submit",
        "recommendation": [str(first), str(second)],
        f"items-{first}-claimed_status": "implemented",
        f"items-{first}-done_text": "Встановлено припливно-витяжну вентиляцію в усіх камерах.",
        f"items-{second}-claimed_status": "in_progress",
        f"items-{second}-done_text": "Укладено договір на підведення водогону.",
        f"items-{second}-measures-0-measure": "Підведення водогону до корпусу 2",
        f"items-{second}-measures-0-planned_on": "2027-02-15",
        f"items-{second}-measures-0-responsible": "Заступник начальника Іван Петренко",
        "official_name": "Ганна Коваль",
        "official_position": "Начальник відділу",
        "official_email": "koval@colony48.example",
    }
    data.update(overrides)
    return data
