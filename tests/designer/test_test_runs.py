"""Test runs: a draft of the standard process stepped through with its own clock, touching nothing real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from engine import deployments, drafts, testruns
from engine.clock import clock
from engine.models import AuditEvent, HumanTask, OutboxMessage, ProcessInstance, Timer

START = {
    "recommendation_id": 0,
    "authority_id": 11,
    "addressee_id": 11,
    "facility_id": 1,
    "severity": "high",
    "category": "material_conditions",
    "lawyer_id": None,
    "outcome": None,
    "follow_up_date": None,
    "next_hearing_date": None,
    "new_due_date": None,
    "extension_until": None,
    "court_note": "",
    "assessment_note": "",
    "decision_reason": "",
}
ACT = {
    "act_kind": "submission",
    "act_text": "Вимагаємо забезпечити вентиляцію камер.",
    "signatory": "Підписант",
}


def _counts(db):
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (ProcessInstance, HumanTask, Timer, OutboxMessage)
    }


def _ready(run, element_id):
    view = testruns.view(run)
    return next(t for t in view["tasks"] if t.element_id == element_id)


def test_a_test_run_steps_through_the_draft_with_its_own_clock_and_sends_nothing(app, db, world):
    before = _counts(db)
    draft = drafts.from_deployment(deployments.latest_definition("recommendation").deployment_id, actor="d")
    # The designer shortens the term of a submission in the draft only.
    drafts.put_file(
        draft,
        "deadlines.dmn",
        draft.files["deadlines.dmn"].replace(
            'r2_out0"><text>&quot;P1M&quot;', 'r2_out0"><text>&quot;P2M&quot;'
        ),
        actor="d",
    )
    start = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
    run = testruns.start(draft, "recommendation", data=START, now=start, actor="d")
    draft_task = _ready(run, "draft_act")
    assert (draft_task.lane, draft_task.role, draft_task.candidate_group) == (
        "Юрист (lawyer)",
        "lawyer",
        "lawyer",
    )
    assert draft_task.due_at > start  # dueAt is read at the run's clock, not the real one
    assert draft_task.due_at - start < timedelta(days=30)

    testruns.complete(run, draft_task.id, ACT, actor="d")
    approve = _ready(run, "approve_act")
    assert approve.role == "manager"
    testruns.complete(run, approve.id, {"approved": True}, actor="d")

    view = testruns.view(run)
    reply = next(t for t in view["tasks"] if t.element_id == "authority_reply")
    assert reply.candidate_group == "authority:11"
    decisions = [e for e in view["log"] if e["kind"] == "decision" and e["element_id"] == "reply_deadlines"]
    assert decisions[-1]["detail"]["outputs"]["reply_period"] == "P2M"
    services = [e["detail"]["operator"] for e in view["log"] if e["kind"] == "service"]
    assert services == ["send_act"]
    deadline = next(t for t in view["timers"] if t.element_id == "reply_deadline")
    assert datetime(2027, 4, 30, tzinfo=UTC) < deadline.due_at < datetime(2027, 5, 2, tzinfo=UTC)

    # Moving the run's clock past the first reminder fires it, and only in the run.
    testruns.move_clock(run, deadline.due_at - timedelta(days=6), actor="d")
    fired = [e["element_id"] for e in testruns.view(run)["log"] if e["kind"] == "timer_fired"]
    assert fired == ["reminder_1"]
    assert [e["detail"]["operator"] for e in testruns.view(run)["log"] if e["kind"] == "service"] == [
        "send_act",
        "send_reminder",
    ]
    testruns.move_clock(run, deadline.due_at + timedelta(hours=1), actor="d")
    assert [t.element_id for t in testruns.view(run)["tasks"]] == ["decide_next_steps"]
    db.session.commit()

    assert _counts(db) == before  # no instance, task, timer or notice exists outside the run
    assert clock.now() < start  # the engine clock did not move
    started = db.session.scalars(
        sa.select(AuditEvent.event).where(AuditEvent.event == "test_run_started")
    ).all()
    assert started == ["test_run_started"]


def test_a_test_run_checks_form_data_like_the_task_page(app, db, world):
    draft = drafts.from_deployment(deployments.latest_definition("recommendation").deployment_id, actor="d")
    run = testruns.start(draft, "recommendation", data=START, now=datetime(2027, 3, 1, tzinfo=UTC), actor="d")
    task = _ready(run, "draft_act")
    import pytest

    from engine.errors import FormInvalid

    with pytest.raises(FormInvalid) as refused:
        testruns.complete(run, task.id, {"act_kind": "submission"}, actor="d")
    assert set(refused.value.fields) == {"act_text", "signatory"}
