"""One submission for a visit: three recommendations to one authority grouped into one document get
one register number and one PDF, and three separate follow-ups — each its own process, status,
term and act."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from engine.db import db
from engine.models import HumanTask, OutboxMessage
from workflows import tasks as work
from workflows.answers.models import ReplyLink
from workflows.documents import grouping
from workflows.errors import Invalid
from workflows.recommendations.models import Recommendation, ResponseAct
from workflows.users.models import User

from .cycle_helpers import deliver_mail, recommendation


def approve_tasks(api):
    items = api["manager"].get("/api/v1/tasks?task=approve_act").json["items"]
    for item in items:
        detail = api["manager"].get(f"/api/v1/tasks/{item['id']}").json
        response = api["manager"].post(
            f"/api/v1/tasks/{item['id']}/complete", {"data": {"approved": True}, "version": detail["version"]}
        )
        assert response.status_code == 200, response.json
    return items


def test_three_recommendations_one_number_three_follow_ups(api, world, desk):
    ids = [r.id for r in desk.recs]
    assert [r.id for r in grouping.groupable(world.visit_id, world.colony_admin.id)][-3:] == ids
    doc = grouping.submit_group(
        desk.lawyer, recommendation_ids=ids, signatory=desk.signatory.name, kind="submission"
    )
    db.session.commit()
    assert doc.status == "submitted" and doc.recommendation_ids == ids
    # Each process is at its own approval, on the same document.
    items = approve_tasks(api)
    assert sorted(i["recommendation"]["id"] for i in items) == ids

    db.session.refresh(doc)
    assert doc.status == "sent" and doc.number == "01-12/0001-26"
    acts = db.session.scalars(sa.select(ResponseAct).where(ResponseAct.recommendation_id.in_(ids))).all()
    assert sorted(a.recommendation_id for a in acts) == ids
    assert {a.number for a in acts} == {"01-12/0001-26"}  # one number for the three
    instances = {db.session.get(Recommendation, i).process_instance_id for i in ids}
    assert len(instances) == 3

    deliver_mail()
    for rec_id in ids:  # three follow-ups, each with its own term from its own receipt
        seen = recommendation(api, rec_id)
        assert seen["status"] == "awaiting_reply" and seen["due_at"] is not None
    reply_tasks = db.session.scalars(
        sa.select(HumanTask).where(HumanTask.element_id == "authority_reply", HumanTask.status == "open")
    ).all()
    assert len({t.instance_id for t in reply_tasks} & instances) == 3


def test_a_group_needs_recommendations_still_being_drafted(api, world, desk):
    with pytest.raises(Invalid) as refused:
        grouping.submit_group(desk.lawyer, recommendation_ids=[desk.recs[0].id], signatory="x")
    assert "recommendation_ids" in refused.value.fields


def test_the_api_groups_a_visits_recommendations(api, world, desk):
    ids = [r.id for r in desk.recs]
    refused = api["lawyer"].post(
        f"/api/v1/visits/{world.visit_id}/submission", {"recommendation_ids": ids[:1]}
    )
    assert refused.status_code == 422 and "recommendation_ids" in refused.json["error"]["fields"]
    made = api["lawyer"].post(
        f"/api/v1/visits/{world.visit_id}/submission",
        {"recommendation_ids": ids, "signatory_id": desk.signatory.id},
    )
    assert made.status_code == 201, made.json
    assert [r["id"] for r in made.json["recommendations"]] == ids
    assert made.json["status"] == "submitted" and made.json["number"] is None
    assert api["monitor"].post(
        f"/api/v1/visits/{world.visit_id}/submission", {"recommendation_ids": ids}
    ).status_code in (403, 404)


def test_processes_approved_at_once_send_one_email(app, db, world, desk):
    """The three approvals of one grouped submission complete at the same moment, each in its own
    transaction: one approves and sends, the others find the document sent — one `act_sent` row,
    one signed link, three acts with the one number."""
    ids = [r.id for r in desk.recs]
    doc = grouping.submit_group(desk.lawyer, recommendation_ids=ids, signatory_id=desk.signatory.id)
    db.session.commit()
    tasks = [
        (t.id, t.version)
        for t in db.session.scalars(
            sa.select(HumanTask).where(HumanTask.element_id == "approve_act", HumanTask.status == "open")
        )
    ]
    assert len(tasks) == 3
    manager_id, document_id = desk.manager.id, doc.id
    db.session.close()  # nothing of this thread's session may hold a lock while the others work
    barrier = threading.Barrier(len(tasks))
    failures: list[BaseException] = []

    def approve(task_id, version) -> None:
        with app.app_context():
            try:
                manager = db.session.get(User, manager_id)
                db.session.commit()
                barrier.wait(timeout=60)
                work.complete(manager, task_id, {"approved": True}, version)
                db.session.commit()
            except BaseException as exc:
                failures.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=task) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "act_sent")).all()
    assert [r.dedupe_key for r in rows] == [f"document:{document_id}:colony48@example.gov.ua"]
    issued = db.session.scalars(sa.select(ReplyLink).where(ReplyLink.document_id == document_id)).all()
    assert len(issued) == 1
    acts = db.session.scalars(sa.select(ResponseAct).where(ResponseAct.recommendation_id.in_(ids))).all()
    assert sorted(a.recommendation_id for a in acts) == ids and len({a.number for a in acts}) == 1
