"""One letter for one document: a grouped submission of three recommendations goes to the authority
in ONE `act_sent` e-mail (a real SMTP server receives it) naming the three, with the document's own
signed link; the mail server's acceptance is the receipt of each of the three, and each process
counts its own term from it. A one-recommendation act carries a registry link too, which a lawyer
can revoke."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from engine.db import db
from engine.models import HumanTask, OutboxMessage
from notifications import delivery
from tests.workflows.conftest import api, world  # noqa: F401 - fixtures
from tests.workflows.cycle_helpers import ACT, complete, create, recommendation
from tests.workflows.documents_world import desk  # noqa: F401 - fixture
from workflows.answers import links as reply_links
from workflows.answers.models import ReplyLink
from workflows.documents import grouping
from workflows.recommendations import receipts as rec_receipts
from workflows.recommendations.models import Receipt, Recommendation

LINK = re.compile(r"https?://\S+/respond/([A-Za-z0-9_\-]+)")


def deliver():
    result = delivery.deliver_due()
    db.session.commit()
    assert result.count("failed") == 0 and result.count("retry") == 0, result.summary()
    return result


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def act_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.topic == "act_sent", OutboxMessage.channel == "email")
            .order_by(OutboxMessage.id)
        )
    )


def registry_link(token: str) -> ReplyLink | None:
    digest = reply_links.token_hash(token)
    return db.session.scalar(sa.select(ReplyLink).where(ReplyLink.token_sha256 == digest))


def open_tasks(element_id: str) -> list[HumanTask]:
    return list(
        db.session.scalars(
            sa.select(HumanTask).where(HumanTask.element_id == element_id, HumanTask.status == "open")
        )
    )


def approve_all(api, only=None):  # noqa: F811
    items = api["manager"].get("/api/v1/tasks?task=approve_act").json["items"]
    if only is not None:
        items = [i for i in items if i["recommendation"]["id"] in only]
    for item in items:
        detail = api["manager"].get(f"/api/v1/tasks/{item['id']}").json
        response = api["manager"].post(
            f"/api/v1/tasks/{item['id']}/complete", {"data": {"approved": True}, "version": detail["version"]}
        )
        assert response.status_code == 200, response.json
    return items


def test_a_grouped_submission_goes_out_in_one_email(api, world, desk, smtp, app):  # noqa: F811
    ids = [r.id for r in desk.recs]
    numbers = [r.number for r in desk.recs]
    doc = grouping.submit_group(desk.lawyer, recommendation_ids=ids, signatory_id=desk.signatory.id)
    db.session.commit()
    assert len(approve_all(api)) == 3

    # Three processes passed `send_act`; the document has one e-mail, enqueued by the first of them.
    rows = act_rows()
    assert [(r.recipient, r.dedupe_key) for r in rows] == [
        ("colony48@example.gov.ua", f"document:{doc.id}:colony48@example.gov.ua")
    ]
    assert [r["number"] for r in rows[0].payload["recommendations"]] == numbers
    # The others did not ask a lawyer for the paper receipt: the e-mail is pending.
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(HumanTask)
            .where(HumanTask.element_id == "register_receipt")
        )
        == 0
    )
    for rec_id in ids:
        assert recommendation(api, rec_id)["status"] == "awaiting_receipt"

    deliver()
    assert len(smtp.messages) == 1
    message = smtp.messages[0].message
    db.session.refresh(doc)
    day = doc.number_date.strftime("%d.%m.%Y")
    assert message["Subject"] == (f"Подання № {doc.number} від {day} щодо рекомендацій {', '.join(numbers)}")
    text = plain(message)
    assert "Документ стосується 3 рекомендацій" in text
    for rec in desk.recs:
        assert f"Рекомендація {rec.number} (" in text and rec.text in text
    # Words in Ukrainian (the letter's catalog), and the term as the law gives it, from the receipt.
    assert "(пріоритет: високий; категорія: матеріальні умови тримання)" in text
    assert "Строк розгляду — 1 місяць з дня отримання подання (ст. 15 Закону України" in text
    # One link, the document's own from the registry (one authority, one document).
    tokens = set(LINK.findall(text))
    assert len(tokens) == 1
    [token] = tokens
    link = db.session.scalar(
        sa.select(ReplyLink).where(ReplyLink.token_sha256 == reply_links.token_hash(token))
    )
    assert link.document_id == doc.id and link.authority_id == world.colony_admin.id
    assert [a.get_content_type() for a in message.iter_attachments()] == ["application/pdf"]

    # The mail server's acceptance is the receipt of each of the three; each counts its own term.
    db.session.expire_all()
    for rec_id in ids:
        receipts = db.session.scalars(sa.select(Receipt).where(Receipt.recommendation_id == rec_id)).all()
        assert [(r.kind, r.started_term) for r in receipts] == [("email", True)]
        seen = recommendation(api, rec_id)
        assert seen["status"] == "awaiting_reply" and seen["due_at"] is not None
        assert date.fromisoformat(seen["received_at"][:10]) >= doc.number_date
    processes = {db.session.get(Recommendation, i).process_instance_id for i in ids}
    waiting = db.session.scalars(
        sa.select(HumanTask.instance_id).where(
            HumanTask.element_id == "authority_reply", HumanTask.status == "open"
        )
    ).all()
    assert processes <= set(waiting)

    # The link opens the answer form with the three recommendations.
    page = app.test_client().get(f"/respond/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for number in numbers:
        assert number in html


def test_a_process_that_sends_after_the_receipt_gets_it_too(api, world, desk, smtp):  # noqa: F811
    """The manager approves one recommendation of the group; its process sends the one e-mail, which
    the mail server accepts before the other two are approved. Those two send nothing, ask no
    lawyer for a paper receipt, and get the receipt of that e-mail (the catch-up job)."""
    ids = [r.id for r in desk.recs]
    grouping.submit_group(desk.lawyer, recommendation_ids=ids, signatory_id=desk.signatory.id)
    db.session.commit()
    approve_all(api, only=ids[:1])
    deliver()
    first = recommendation(api, ids[0])
    assert first["status"] == "awaiting_reply"
    assert rec_receipts.catch_up() == 0  # the others have no act yet: nothing to prove

    approve_all(api, only=ids[1:])
    assert len(act_rows()) == 1
    deliver()
    assert len(smtp.messages) == 1
    assert [recommendation(api, i)["status"] for i in ids[1:]] == ["awaiting_receipt"] * 2
    assert open_tasks("register_receipt") == []

    assert rec_receipts.catch_up() == 2
    db.session.expire_all()
    for rec_id in ids[1:]:
        seen = recommendation(api, rec_id)
        assert seen["status"] == "awaiting_reply"
        assert seen["due_at"] == first["due_at"]  # one e-mail, one day of receipt, one term
        [receipt] = db.session.scalars(sa.select(Receipt).where(Receipt.recommendation_id == rec_id)).all()
        assert receipt.kind == "email" and receipt.started_term
    assert rec_receipts.catch_up() == 0


def test_a_single_act_carries_a_registry_link_a_lawyer_can_revoke(api, world, smtp, app):  # noqa: F811
    rec = create(api, world)
    complete(api, "lawyer", "draft_act", ACT)
    complete(api, "manager", "approve_act", {"approved": True})
    [row] = act_rows()
    assert row.dedupe_key.startswith(f"document:{row.payload['document']['id']}:")
    deliver()
    [received] = smtp.messages
    text = plain(received.message)
    assert f"щодо рекомендації {rec['number']}" in received.message["Subject"]
    assert "Документ стосується" not in text  # one recommendation: named once, as before
    [token] = set(LINK.findall(text))
    link = db.session.scalar(
        sa.select(ReplyLink).where(ReplyLink.token_sha256 == reply_links.token_hash(token))
    )
    assert link is not None and link.document_id == row.payload["document"]["id"]
    assert recommendation(api, rec["id"])["status"] == "awaiting_reply"

    visitor = app.test_client()
    assert visitor.get(f"/respond/{token}").status_code == 200
    revoked = api["lawyer"].post(f"/api/v1/reply-links/{link.id}/revoke")
    assert revoked.status_code == 200, revoked.json
    assert revoked.json["state"] == "revoked"
    assert visitor.get(f"/respond/{token}").status_code == 410
