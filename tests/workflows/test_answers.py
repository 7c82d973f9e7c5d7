"""The answer service on its own (workflows/answers/services.py): two officials sending the same
letter's answer at the same moment give one answer — the database decides — and the draft's files
go with the answer."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from engine.models import HumanTask
from tests.web.scenario import Scenario
from workflows.answers import evidence, services
from workflows.answers import links as reply_links
from workflows.answers.models import DocumentAnswer, EvidenceFile
from workflows.documents import services as documents
from workflows.documents.models import Document
from workflows.recommendations.models import AuthorityReply


def sent_letter(app, db, desk, world, clock):
    scenario = Scenario(db, world, clock)
    recs = desk.recs[:2]
    for rec in recs:
        scenario.send_act(rec)
    doc = desk.approved(recs=recs)
    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    return doc.id, [r.id for r in recs]


def items(rec_ids):
    return [services.ItemInput(rid, "implemented", "Виконано в повному обсязі.", "", []) for rid in rec_ids]


OFFICIAL = services.Official("Ганна Коваль", "Начальник відділу", "")


def test_two_answers_sent_at_once_make_one(app, db, desk, world, clock):
    doc_id, rec_ids = sent_letter(app, db, desk, world, clock)
    authority_id = world.colony_admin.id
    db.session.close()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send(key: str) -> None:
        with app.app_context():
            try:
                doc = db.session.get(Document, doc_id)
                db.session.commit()  # hold no lock while waiting (SQLite opens every transaction IMMEDIATE)
                barrier.wait(timeout=60)
                services.submit(
                    doc,
                    authority_id,
                    items=items(rec_ids),
                    official=OFFICIAL,
                    idempotency_key=key,
                    actor=f"link:authority:{authority_id}",
                )
                db.session.commit()
                outcomes.append("answered")
            except services.AlreadyAnswered:
                db.session.rollback()
                outcomes.append("already")
            except BaseException as exc:  # anything else is a failure of the rule
                db.session.rollback()
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(f"concurrent-key-{n:04d}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["already", "answered"]
    assert db.session.scalar(sa.select(sa.func.count(DocumentAnswer.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuthorityReply.id))) == 2
    completed = db.session.scalars(
        sa.select(HumanTask.status).where(HumanTask.element_id == "authority_reply")
    ).all()
    assert completed == ["completed", "completed"]


def test_the_drafts_files_go_with_the_answer_and_a_removed_one_does_not(app, db, desk, world, clock):
    doc_id, rec_ids = sent_letter(app, db, desk, world, clock)
    doc = db.session.get(Document, doc_id)
    authority_id = world.colony_admin.id
    actor = f"link:authority:{authority_id}"
    _kept, dropped = evidence.attach_to_draft(
        [
            evidence.Upload("акт.pdf", b"%PDF-1.4\n%%EOF\n"),
            evidence.Upload("зайвий.pdf", b"%PDF-1.5\n%%EOF\n"),
        ],
        document_id=doc.id,
        authority_id=authority_id,
        recommendation_id=rec_ids[1],
        actor=actor,
    )
    evidence.remove_from_draft(dropped.id, document_id=doc.id, authority_id=authority_id, actor=actor)
    answer = services.submit(
        doc,
        authority_id,
        items=items(rec_ids),
        official=OFFICIAL,
        idempotency_key="files-key-00000001",
        actor=actor,
    )
    db.session.commit()
    rows = db.session.scalars(sa.select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert [(r.answer_id, r.removed_at is None) for r in rows] == [(answer.id, True), (None, False)]
    replies = {r.recommendation_id: r for r in db.session.scalars(sa.select(AuthorityReply))}
    assert replies[rec_ids[1]].attachments == ["акт.pdf"] and replies[rec_ids[0]].attachments == []
    # The letter's link now shows the answer and takes no other.
    link = reply_links.of_document(doc.id)[0]
    assert link.revoked_at is None and not services.accepting(doc, authority_id)
