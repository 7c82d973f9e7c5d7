"""The act's document on the pages: the manager's approval task shows the lawyer's whole text and
embeds its PDF (read back as text); a returned draft opens with the comment and the text in the
form; from a visit, the lawyer groups recommendations into one submission, and the authority's link
page says which others the same document covers and records this recommendation's own answer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.db import db
from workflows import links
from workflows.documents.models import Document
from workflows.recommendations.models import AuthorityReply
from workflows.users import grants
from workflows.users import services as users

from ..workflows.documents_world import pdf_text
from .conftest import Pages, text
from .scenario import ACT

TEXT = "Уповноважений вимагає забезпечити дієву вентиляцію камер дільниці карантину колонії негайно."


@pytest.fixture
def manager(app, world) -> Pages:
    return Pages(app.test_client()).as_(world, "manager")


def test_the_manager_reads_the_text_and_the_pdf_on_the_task_page(app, scenario, lawyer, manager):
    rec = scenario.recommendation()
    scenario.complete(rec, "draft_act", {**ACT, "act_text": TEXT})
    task = scenario.task(rec, "approve_act")
    page = manager.get(f"/tasks/{task.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    doc = db.session.scalar(sa.select(Document))
    assert f'src="/documents/{doc.id}.pdf"' in body and "<iframe" in body
    assert TEXT in text(page)
    # The form starts with the text, for the manager to edit before approving.
    assert f">{TEXT}</textarea>" in body
    pdf = manager.get(f"/documents/{doc.id}.pdf")
    assert pdf.status_code == 200 and TEXT.split()[0] in pdf_text(pdf.data)
    assert "вентиляцію камер дільниці" in pdf_text(pdf.data)

    response = manager.post(
        f"/tasks/{task.id}",
        {
            "version": task.version,
            "action": "complete",
            "approved": "false",
            "approval_comment": "Уточніть строк.",
        },
    )
    assert response.status_code == 302, text(response)[:500]
    back = scenario.task(rec, "draft_act")
    assert back.assignee == scenario.users["lawyer"].actor
    page = lawyer.get(f"/tasks/{back.id}")
    assert "Уточніть строк." in text(page) and f">{TEXT}</textarea>" in page.get_data(as_text=True)


def test_one_submission_from_the_visit_page_and_answers_per_recommendation(
    app, scenario, world, lawyer, manager
):
    signer = users.create_user(
        "signatory@ombudsman.example",
        name="Дмитро ЛУБІНЕЦЬ",
        role="manager",
        password="correct horse battery",
    )
    grants.grant(signer, "sign_documents", actor="test")
    recs = [scenario.recommendation(f"Рекомендація для групового подання № {n}.") for n in range(3)]
    page = lawyer.get(f"/visits/{world.visit_id}")
    assert "One submission" in text(page) or "Одне подання" in text(page)
    response = lawyer.post(
        f"/visits/{world.visit_id}/submission",
        {
            "recommendation_ids": [str(r.id) for r in recs],
            "kind": "submission",
            "signatory_id": str(signer.id),
        },
    )
    assert response.status_code == 302, text(response)[:800]
    doc = db.session.scalar(sa.select(Document))
    assert response.headers["Location"].endswith(f"/documents/{doc.id}")
    assert doc.recommendation_ids == [r.id for r in recs] and doc.status == "submitted"
    for rec in recs:
        scenario.complete(rec, "approve_act", {"approved": True}, by="manager")
    db.session.refresh(doc)
    assert doc.status == "sent" and doc.number == "01-12/0001-26"

    with app.test_request_context():
        url = f"/respond/{links.reply_token(recs[0].id, world.colony_admin.id)}"
    portal = Pages(app.test_client())
    page = portal.get(url)
    assert page.status_code == 200
    shown = text(page)
    assert recs[1].number in shown and recs[2].number in shown and "01-12/0001-26" in shown
    task = scenario.task(recs[0], "authority_reply")
    response = portal.post(
        url,
        {
            "action": "reply",
            "version": task.version,
            "reply_text": "Вентиляцію відремонтовано.",
            "measures": "Акт робіт",
        },
    )
    assert response.status_code == 302
    replies = db.session.scalars(sa.select(AuthorityReply)).all()
    assert [(r.recommendation_id, r.measures) for r in replies] == [(recs[0].id, "Акт робіт")]
    # The other two still wait for their own answers.
    assert scenario.task(recs[1], "authority_reply") and scenario.task(recs[2], "authority_reply")


def test_the_lawyer_starts_from_the_templates_text(app, scenario, lawyer):
    rec = scenario.recommendation()
    task = scenario.task(rec, "draft_act")
    page = lawyer.get(f"/tasks/{task.id}")
    body = page.get_data(as_text=True)
    # The submission template's text, with this recommendation in it, ready to edit.
    assert "Відповідно до статей 13, 15" in body and rec.text.rstrip(".") in text(page)
    assert 'value="submission" checked' in body
    # Nothing was drafted by opening the page.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
