"""An authority answering through its signed reply link: `workflows.tasks.complete_for_authority`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.models import AuditEvent, HumanTask
from workflows import tasks as work
from workflows.errors import Conflict, Forbidden, Invalid, NotFound
from workflows.recommendations import services as recommendations

ACT = {
    "act_kind": "submission",
    "act_text": "Вимагаємо забезпечити вентиляцію камер дільниці карантину.",
    "signatory": "Представник Уповноваженого з питань НПМ",
}


@pytest.fixture
def reply_task(world, db):
    rec = recommendations.create(
        finding_id=world.finding_id,
        authority_id=world.colony_admin.id,
        text="Забезпечити дієву вентиляцію в камерах дільниці карантину.",
        severity="high",
        category="material_conditions",
        user=world.users["lawyer"],
    )
    for element, role, data in (("draft_act", "lawyer", ACT), ("approve_act", "manager", {"approved": True})):
        task = db.session.scalar(
            sa.select(HumanTask).where(
                HumanTask.instance_id == rec.process_instance_id,
                HumanTask.element_id == element,
                HumanTask.status == "open",
            )
        )
        work.complete(world.users[role], task.id, data, task.version)
    db.session.commit()
    task = work.open_task_for_authority(rec, world.colony_admin.id)
    assert task is not None and task.element_id == "authority_reply"
    return rec, task


def test_the_addressed_authority_completes_its_task_as_the_link_actor(world, db, reply_task):
    rec, task = reply_task
    result = work.complete_for_authority(
        world.colony_admin.id, task.id, {"reply_text": "Виконано."}, task.version
    )
    db.session.commit()
    assert result.status == "running"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.event == "task_completed", AuditEvent.task_id == task.id)
    )
    assert event.actor == f"link:authority:{world.colony_admin.id}" == work.link_actor(world.colony_admin.id)
    db.session.refresh(rec)
    assert rec.status == "under_verification"
    assert work.open_task_for_authority(rec, world.colony_admin.id) is None


def test_another_authority_may_not(world, reply_task):
    _rec, task = reply_task
    with pytest.raises(Forbidden):
        work.complete_for_authority(world.regional.id, task.id, {"measures": "Заходи."}, task.version)


def test_form_errors_and_conflicts_are_translated_like_any_completion(world, db, reply_task):
    _rec, task = reply_task
    with pytest.raises(Invalid) as invalid:
        work.complete_for_authority(world.colony_admin.id, task.id, {"measures": "Заходи."}, task.version)
    assert invalid.value.fields == {"reply_text": ["Обов'язкове поле."]}
    db.session.rollback()
    with pytest.raises(Conflict):
        work.complete_for_authority(world.colony_admin.id, task.id, {"reply_text": "Так."}, task.version + 5)
    db.session.rollback()
    work.complete_for_authority(world.colony_admin.id, task.id, {"reply_text": "Так."}, None)
    db.session.commit()
    with pytest.raises(Conflict) as done:
        work.complete_for_authority(world.colony_admin.id, task.id, {"reply_text": "Ще."}, None)
    assert "вже" in done.value.message
    with pytest.raises(NotFound):
        work.complete_for_authority(world.colony_admin.id, "no-such-task", {}, None)
