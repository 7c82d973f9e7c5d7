"""Moving running recommendations to a new version of the standard process, in bulk, and back."""

from __future__ import annotations

import sqlalchemy as sa

from engine import migration, tasks
from engine.models import AuditEvent, HumanTask, InstanceMigration, ProcessInstance, Timer
from workflows import tasks as work

from . import bundle
from .conftest import Pages, deploy_changed, standard_files, text

ACT = {
    "act_kind": "submission",
    "act_text": "Вимагаємо забезпечити вентиляцію камер дільниці карантину.",
    "signatory": "Представник Уповноваженого",
}


def _retimed(db, rec) -> tuple[str, dict[str, list[tuple[str, str]]]]:
    """The timer the recommendation waits on, with its expression changed (moved to the working
    morning): (its event id, the changes for `deploy_changed`). Read from the instance's timers and
    the deployed diagram, so it is whatever the standard process waits on after the act is sent."""
    waiting = db.session.scalars(
        sa.select(Timer.element_id).where(Timer.instance_id == rec.process_instance_id)
    )
    [event] = sorted(set(waiting))
    files = standard_files()
    _kind, expression = bundle.timers(files)[event]
    return event, bundle.timer_change(files, event, f"working_morning({expression})")


NOTE_FIELD = [
    (
        '"properties": {',
        '"properties": {\n    "note": {"type": "string", "title": "Примітка", "x-title-en": "Note"},',
    )
]


def _three(scenario):
    """One recommendation waiting at each of: drafting, approval, the authority's reply."""
    drafting = scenario.recommendation("Забезпечити вентиляцію камер дільниці карантину.")
    approval = scenario.recommendation("Забезпечити доступ до питної води цілодобово.")
    reply = scenario.recommendation("Облаштувати прогулянкові дворики навісами.")
    scenario.complete(approval, "draft_act", ACT)
    scenario.send_act(reply)
    return drafting, approval, reply


def _instance(db, rec):
    return db.session.get(ProcessInstance, rec.process_instance_id)


def _snapshot(db):
    return db.session.execute(
        sa.select(ProcessInstance.id, ProcessInstance.definition_id, ProcessInstance.version).order_by(
            ProcessInstance.id
        )
    ).all()


def test_preview_and_dry_run_say_who_can_move_and_change_nothing(app, db, world, scenario):
    drafting, approval, reply = _three(scenario)
    event, retimed = _retimed(db, reply)
    deploy_changed(db, retimed)
    before = _snapshot(db)
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))

    plan = migration.preview("recommendation", 1, 2)
    assert [p.instance_id for p in plan.movable] == [
        drafting.process_instance_id,
        approval.process_instance_id,
    ]
    [blocked] = plan.blocked
    assert blocked.instance_id == reply.process_instance_id
    assert [(r.code, r.element_id) for r in blocked.reasons if r.blocking] == [("timer_changed", event)]
    assert plan.reasons_count() == {("timer_changed", event): 1}

    dry = migration.run("recommendation", 1, 2, actor="designer", dry_run=True)
    assert dry.migration_id is None
    assert [p.instance_id for p in dry.moved] == [drafting.process_instance_id, approval.process_instance_id]
    assert [p.instance_id for p in dry.skipped] == [reply.process_instance_id]
    db.session.expire_all()
    assert _snapshot(db) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audit_before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InstanceMigration)) == 0


def test_migrate_moves_the_movable_keeps_claims_and_takes_the_new_form(app, db, world, scenario):
    drafting, approval, reply = _three(scenario)
    task = scenario.task(drafting, "draft_act")
    work.claim(world.users["lawyer"], task.id)
    db.session.commit()
    reply_timers = {t.element_id: t.due_at for t in db.session.scalars(sa.select(Timer))}
    _event, retimed = _retimed(db, reply)
    deploy_changed(db, {**retimed, "forms/draft_act.schema.json": NOTE_FIELD})

    result = migration.run("recommendation", 1, 2, actor="designer@example", batch=1)
    assert result.batches == 3  # one instance per batch
    assert [p.instance_id for p in result.moved] == [
        drafting.process_instance_id,
        approval.process_instance_id,
    ]
    assert [p.instance_id for p in result.skipped] == [reply.process_instance_id]
    db.session.expire_all()
    assert _instance(db, drafting).definition.version == 2
    assert _instance(db, approval).definition.version == 2
    assert _instance(db, reply).definition.version == 1
    # The open task is the same task: still claimed by the lawyer, now with the new version's form.
    moved = db.session.get(HumanTask, task.id)
    assert moved.status == "open" and moved.assignee == world.users["lawyer"].actor
    assert moved.deployment_id == _instance(db, drafting).deployment_id
    assert "note" in tasks.form_of(moved)["properties"]
    # The recommendation that stayed keeps its timers exactly.
    assert {t.element_id: t.due_at for t in db.session.scalars(sa.select(Timer))} == reply_timers
    record = db.session.get(InstanceMigration, result.migration_id)
    assert (record.status, record.moved, record.skipped, record.failed) == ("done", 2, 1, 0)
    events = db.session.scalars(
        sa.select(AuditEvent.instance_id)
        .where(AuditEvent.event == "instance_migrated")
        .order_by(AuditEvent.id)
    ).all()
    assert events == [drafting.process_instance_id, approval.process_instance_id]

    # Work goes on on the new version.
    scenario.complete(drafting, "draft_act", {**ACT, "note": "Нове поле форми"})
    assert scenario.task(drafting, "approve_act").deployment_id == moved.deployment_id


def test_undo_restores_what_nothing_ran_on_and_keeps_the_rest(app, db, world, scenario):
    drafting, approval, reply = _three(scenario)
    deploy_changed(db, _retimed(db, reply)[1])
    drafting_task = scenario.task(drafting, "draft_act").id
    result = migration.run("recommendation", 1, 2, actor="designer")
    assert migration.undoable(db.session.get(InstanceMigration, result.migration_id))
    scenario.complete(approval, "approve_act", {"approved": True}, by="manager")

    undone = migration.undo(result.migration_id, actor="designer")
    assert undone.restored == [drafting.process_instance_id]
    assert [i for i, _why in undone.kept] == [approval.process_instance_id]
    db.session.expire_all()
    assert _instance(db, drafting).definition.version == 1
    assert _instance(db, approval).definition.version == 2
    back = db.session.get(HumanTask, drafting_task)
    assert back.status == "open" and back.deployment_id == _instance(db, drafting).deployment_id
    assert db.session.get(InstanceMigration, result.migration_id).status == "undone"
    assert not migration.undoable(db.session.get(InstanceMigration, result.migration_id))
    # And the restored one still works on its old version.
    scenario.complete(drafting, "draft_act", ACT)
    scenario.task(drafting, "approve_act")


def test_the_recommendations_history_says_it_moved_and_came_back(app, db, world, scenario):
    drafting, _approval, reply = _three(scenario)
    deploy_changed(db, _retimed(db, reply)[1])
    result = migration.run("recommendation", 1, 2, actor="designer")
    migration.undo(result.migration_id, actor="designer")
    lawyer = Pages(app.test_client())
    lawyer.login(world.users["lawyer"].email)
    history = text(lawyer.get(f"/recommendations/{drafting.id}"))
    assert "Процес перенесено на нову версію designer Версія 1 → 2" in history
    assert "Процес повернуто на попередню версію designer Назад на версію 1" in history


def test_waiting_timers_keep_their_due_times_when_they_move(app, db, world, scenario):
    _drafting, _approval, reply = _three(scenario)
    before = {t.element_id: t.due_at for t in db.session.scalars(sa.select(Timer))}
    reply_task = scenario.task(reply, "authority_reply")
    scenario.clock.advance(days=2)  # durations and dueAt must not restart from the migration
    # A term of the decision tables changes (every row's first output that is a month: two now).
    files = standard_files()
    changes: dict[str, list[tuple[str, str]]] = {}
    for decision in bundle.decision_files(files):
        for row in range(1, len(bundle.rows(files, decision)) + 1):
            for cell in bundle.outputs(files, decision, row).values():
                if cell.text == '"P1M"':
                    changes.setdefault(cell.filename, []).extend(cell.change(files, '"P2M"'))
    assert changes
    deploy_changed(db, changes)
    result = migration.run("recommendation", 1, 2, actor="designer")
    assert reply.process_instance_id in [p.instance_id for p in result.moved]
    db.session.expire_all()
    assert {t.element_id: t.due_at for t in db.session.scalars(sa.select(Timer))} == before
    moved = db.session.get(HumanTask, reply_task.id)
    assert (moved.status, moved.candidate_group) == ("open", reply_task.candidate_group)
