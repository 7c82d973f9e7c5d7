"""Fixtures for documents: the domain world, a signatory and a protocol drafter holding their grants,
and three recommendations of one visit to one authority (a grouped submission's material)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from workflows.documents import services as documents
from workflows.documents.kinds import TERM_REQUIRED
from workflows.recommendations import services as recommendations
from workflows.users import grants
from workflows.users import services as users
from workflows.visits import services as visits

SUBMISSION_TERM = documents.Term(
    "P1M", "ст. 15 Закону України «Про Уповноваженого Верховної Ради України з прав людини»"
)


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader sees it: pages joined, runs of spaces and line breaks as one space
    (justified lines and narrow columns split words across lines differently)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@dataclass
class Desk:
    world: object
    recs: list
    signatory: object

    @property
    def lawyer(self):
        return self.world.users["lawyer"]

    @property
    def manager(self):
        return self.world.users["manager"]

    def draft(self, kind="submission", recs=None, **kwargs):
        kwargs.setdefault("term", SUBMISSION_TERM if kind in TERM_REQUIRED else None)
        kwargs.setdefault("signatory_id", self.signatory.id)
        return documents.draft(
            kind=kind,
            addressee_id=kwargs.pop("addressee_id", self.world.colony_admin.id),
            recommendation_ids=[r.id for r in (recs if recs is not None else self.recs)],
            author=kwargs.pop("author", self.lawyer),
            **kwargs,
        )

    def approved(self, kind="submission", **kwargs):
        doc = self.draft(kind, **kwargs)
        documents.submit(self.lawyer, doc.id, expected_version=doc.version)
        documents.approve(self.manager, doc.id, expected_version=doc.version)
        return doc


@pytest.fixture
def desk(world, db):
    return build_desk(world, db)


def build_desk(world, db) -> Desk:
    signatory = users.create_user(
        "signatory@ombudsman.example",
        name="Дмитро ЛУБІНЕЦЬ",
        role="manager",
        position="Уповноважений Верховної Ради України з прав людини",
        password="correct horse battery",
    )
    grants.grant(signatory, "sign_documents", actor="test")
    from workflows.visits.models import Finding

    finding = db.session.get(Finding, world.finding_id)
    second = visits.add_finding(
        finding.visit,
        text="Відсутній доступ до питної води в будь-який час.",
        category="material_conditions",
        severity="critical",
        user=world.users["lawyer"],
    )
    texts = [
        (world.finding_id, "Забезпечити дієву вентиляцію в камерах дільниці карантину."),
        (second.id, "Забезпечити постійний доступ до питної води."),
        (world.finding_id, "Провести ремонт вентиляційних каналів."),
    ]
    recs = [
        recommendations.create(
            finding_id=finding_id,
            authority_id=world.colony_admin.id,
            text=text,
            severity="high",
            category="material_conditions",
            user=world.users["lawyer"],
        )
        for finding_id, text in texts
    ]
    db.session.commit()
    return Desk(world, recs, signatory)
