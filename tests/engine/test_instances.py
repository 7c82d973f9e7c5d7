"""Start, complete, message, cancel: one transaction each, projections and audit alongside."""

from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa

from engine import instances, tasks
from engine.errors import Conflict, FormInvalid, NotFound
from engine.models import AuditEvent, HumanTask, OutboxMessage, ProcessInstance, Timer

from .conftest import open_tasks

REVIEW_DATA = {"urgency": "high", "team": 7, "title": "Draft"}


def start_review(db, **data):
    result = instances.start("review", data={**REVIEW_DATA, **data}, business_key="R-1", actor="lawyer:1")
    db.session.commit()
    return result


def events(db, instance_id):
    return [
        e.event
        for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
        )
    ]


def test_start_writes_state_without_spec_projections_and_audit(deployed, db):
    result = start_review(db)
    instance = db.session.get(ProcessInstance, result.instance_id)
    state = json.loads(instance.state)
    assert "spec" not in state and "subprocess_specs" not in state
    assert len(instance.state) < 8000
    assert instance.status == "running" and instance.version == 1 and instance.business_key == "R-1"
    [task] = open_tasks(db, instance.id)
    assert (task.element_id, task.lane, task.role, task.candidate_group, task.form_ref) == (
        "prepare",
        "lawyer",
        "lawyer",
        "lawyer",
        "prepare.schema.json",
    )
    assert task.business_key == "R-1" and task.version == 1
    assert result.steps == ["start", "decide_deadline"]
    assert events(db, instance.id) == ["instance_started"]


def test_unknown_process_is_not_found(deployed, db):
    with pytest.raises(NotFound, match="no deployed process with id 'nope'"):
        instances.start("nope", actor="x")


def test_complete_validates_form_and_moves_on(deployed, db, clock):
    result = start_review(db)
    [task] = open_tasks(db, result.instance_id)
    with pytest.raises(FormInvalid) as invalid:
        instances.complete(task.id, actor="lawyer:1", data={"title": "ab", "pages": 0}, expected_version=1)
    db.session.rollback()
    assert set(invalid.value.fields) == {"title", "pages"}
    assert invalid.value.fields["title"][0]["rule"] == "minLength"
    assert invalid.value.fields["pages"][0] == {
        "rule": "minimum",
        "params": {"limit": 1},
        "message": "0 is less than the minimum of 1",
    }
    with pytest.raises(FormInvalid) as missing:
        instances.complete(task.id, actor="lawyer:1", data={}, expected_version=1)
    db.session.rollback()
    assert missing.value.fields["title"][0]["rule"] == "required"

    done = instances.complete(task.id, actor="lawyer:1", data={"title": "Final draft"}, expected_version=1)
    db.session.commit()
    assert done.steps[0] == "prepare"
    completed = db.session.get(HumanTask, task.id)
    assert (completed.status, completed.completed_by, completed.version) == ("completed", "lawyer:1", 2)
    [review] = open_tasks(db, result.instance_id)
    assert review.element_id == "review_task" and review.candidate_group == "manager:7"
    assert review.priority == 2 and completed.priority == 0  # from the `priority` property; default 0
    # Deadline from the DMN: "high" urgency gives 2 days; the task's due time is that interrupting timer.
    assert review.due_at == clock.now().replace(microsecond=0) + __import__("datetime").timedelta(days=2)
    timers = {t.element_id: t for t in db.session.scalars(sa.select(Timer))}
    assert set(timers) == {"review_deadline", "review_reminder"}
    assert timers["review_deadline"].interrupting is True and timers["review_reminder"].interrupting is False
    assert timers["review_deadline"].attached_to == "review_task"
    instance = db.session.get(ProcessInstance, result.instance_id)
    assert instance.next_due_at == timers["review_reminder"].due_at
    last = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.event == "task_completed" and last.actor == "lawyer:1" and last.element_id == "prepare"
    assert last.details["data"]["changed"] == {"title": "Final draft"}


def test_stale_version_and_second_completion_conflict(deployed, db):
    result = start_review(db)
    [task] = open_tasks(db, result.instance_id)
    tasks.claim(task.id, user="lawyer:2")
    db.session.commit()
    with pytest.raises(Conflict, match="changed"):
        instances.complete(task.id, actor="lawyer:1", data={"title": "Draft A"}, expected_version=1)
    db.session.rollback()
    instances.complete(task.id, actor="lawyer:2", data={"title": "Draft B"}, expected_version=2)
    db.session.commit()
    with pytest.raises(Conflict, match="already completed"):
        instances.complete(task.id, actor="lawyer:2", data={"title": "Draft B"}, expected_version=3)
    db.session.rollback()


def test_two_concurrent_completions_with_the_same_version_exactly_one_wins(deployed, app, db):
    result = start_review(db)
    [task] = open_tasks(db, result.instance_id)
    task_id = task.id
    db.session.commit()  # end this session's transaction: on SQLite it would hold the write lock
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(name):
        with app.app_context():
            try:
                barrier.wait()
                instances.complete(task_id, actor=name, data={"title": f"By {name}"}, expected_version=1)
                db.session.commit()
                outcomes.append("won")
            except Conflict:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(f"lawyer:{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "won"]
    db.session.expire_all()
    assert db.session.get(ProcessInstance, result.instance_id).version == 2
    assert len(open_tasks(db, result.instance_id)) == 1
    completions = [e for e in events(db, result.instance_id) if e == "task_completed"]
    assert completions == ["task_completed"]


def test_rejected_review_loops_and_approved_review_completes(deployed, db):
    result = start_review(db)
    [prepare] = open_tasks(db, result.instance_id)
    instances.complete(prepare.id, actor="l", data={"title": "One"}, expected_version=1)
    [review] = open_tasks(db, result.instance_id)
    instances.complete(review.id, actor="m", data={"approved": False}, expected_version=1)
    [prepare_again] = open_tasks(db, result.instance_id)
    assert prepare_again.element_id == "prepare" and prepare_again.id != prepare.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Timer)) == 0
    instances.complete(prepare_again.id, actor="l", data={"title": "Two"}, expected_version=1)
    [review] = open_tasks(db, result.instance_id)
    done = instances.complete(review.id, actor="m", data={"approved": True}, expected_version=1)
    db.session.commit()
    assert done.status == "completed"
    instance = db.session.get(ProcessInstance, result.instance_id)
    assert instance.status == "completed" and instance.ended_at is not None and instance.next_due_at is None
    assert open_tasks(db, result.instance_id) == []
    assert events(db, result.instance_id)[-1] == "instance_completed"


def test_message_is_delivered_to_a_waiting_instance(deployed, db):
    result = instances.start("await_reply", actor="system")
    db.session.commit()
    with pytest.raises(Conflict, match="not waiting for message 'other'"):
        instances.send_message(result.instance_id, "other", actor="x")
    db.session.rollback()
    done = instances.send_message(
        result.instance_id,
        "reply_received",
        payload={"text": "We repaired the ventilation"},
        actor="authority:3",
    )
    db.session.commit()
    assert done.status == "completed"
    workflow = instances.restore(result.instance_id)
    assert workflow.last_task.data["words"] == 4
    assert "message_received" in events(db, result.instance_id)


def test_cancel_removes_tasks_and_timers(deployed, db):
    result = start_review(db)
    [prepare] = open_tasks(db, result.instance_id)
    instances.complete(prepare.id, actor="l", data={"title": "One"}, expected_version=1)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Timer)) == 2
    instances.cancel(result.instance_id, actor="admin", reason="duplicate")
    db.session.commit()
    assert open_tasks(db, result.instance_id) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Timer)) == 0
    assert db.session.get(ProcessInstance, result.instance_id).status == "cancelled"
    with pytest.raises(Conflict, match="cancelled"):
        instances.cancel(result.instance_id, actor="admin")


def test_service_task_writes_outbox_in_the_same_transaction(deployed, db, clock):
    from engine import timers

    result = start_review(db)
    [prepare] = open_tasks(db, result.instance_id)
    instances.complete(prepare.id, actor="l", data={"title": "One"}, expected_version=1)
    db.session.commit()
    clock.advance(days=1, minutes=1)
    timers.sweep()
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [(r.topic, r.recipient, r.payload, r.instance_id, r.business_key) for r in rows] == [
        ("reminder", "reviewer@example.org", {"subject": "Review due: One"}, result.instance_id, "R-1")
    ]


def test_failed_command_leaves_nothing_behind(deployed, db, clock):
    result = instances.start("fragile", data={"divisor": 0}, actor="x")
    db.session.commit()
    before = db.session.get(ProcessInstance, result.instance_id).version
    clock.advance(days=2)
    with pytest.raises(Exception, match="division by zero"):
        instances.fire_timers(result.instance_id)
    db.session.rollback()
    assert db.session.get(ProcessInstance, result.instance_id).version == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Timer)) == 1


def test_audit_log_refuses_update_and_delete(deployed, db):
    start_review(db)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert count == 2  # deployed, instance_started
    with pytest.raises(sa.exc.DatabaseError, match=r"append-only|permission denied"):
        db.session.execute(sa.update(AuditEvent).values(actor="someone else"))
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError, match=r"append-only|permission denied"):
        db.session.execute(sa.delete(AuditEvent))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == count


def test_change_listeners_hear_every_command_in_its_transaction(deployed, db, clock):
    from engine import timers

    heard = []

    def listener(event):
        heard.append(
            (
                event.command,
                event.status,
                event.completed_task and event.completed_task.element_id,
                [t.element_id for t in event.fired],
                [t.element_id for t in event.snapshot.tasks],
            )
        )

    instances.on_change(listener)
    try:
        result = start_review(db)
        [prepare] = open_tasks(db, result.instance_id)
        instances.complete(prepare.id, actor="l", data={"title": "One"}, expected_version=1)
        db.session.commit()
        clock.advance(days=1, minutes=1)
        timers.sweep()
    finally:
        instances._listeners.remove(listener)
    assert heard == [
        ("start", "running", None, [], ["prepare"]),
        ("complete", "running", "prepare", [], ["review_task"]),
        ("timer", "running", None, ["review_reminder"], ["review_task"]),
    ]
