"""Test runs: a draft of the standard process stepped through with its own clock, touching nothing real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from engine import deployments, drafts, testruns
from engine.clock import clock
from engine.models import AuditEvent, HumanTask, OutboxMessage, ProcessInstance, Timer

from . import bundle

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


def _logged(run, kind):
    return [e for e in testruns.view(run)["log"] if e["kind"] == kind]


def test_a_test_run_steps_through_the_draft_with_its_own_clock_and_sends_nothing(app, db, world):
    before = _counts(db)
    draft = drafts.from_deployment(deployments.latest_definition("recommendation").deployment_id, actor="d")
    # The designer lengthens the term of a submission (row 2 of the terms table) in the draft only.
    decision = next(d for d, name in bundle.decision_files(draft.files).items() if name == "deadlines.dmn")
    term = next(iter(bundle.outputs(draft.files, decision, 2).values()))
    [(old, new)] = term.change(draft.files, '"P2M"')
    drafts.put_file(draft, term.filename, draft.files[term.filename].replace(old, new), actor="d")
    start = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
    run = testruns.start(draft, "recommendation", data=START, now=start, actor="d")
    draft_task = _ready(run, "draft_act")
    assert draft_task.lane == bundle.lanes(draft.files)["draft_act"]
    assert draft_task.role and draft_task.candidate_group == draft_task.role
    assert draft_task.due_at > start  # dueAt is read at the run's clock, not the real one
    assert draft_task.due_at - start < timedelta(days=30)

    testruns.complete(run, draft_task.id, ACT, actor="d")
    approve = _ready(run, "approve_act")
    assert approve.lane == bundle.lanes(draft.files)["approve_act"] and approve.role != draft_task.role
    testruns.complete(run, approve.id, {"approved": True}, actor="d")

    # The draft's table decided the act's term; the act was "sent" (recorded, not sent).
    view = testruns.view(run)
    reply = next(t for t in view["tasks"] if t.element_id == "authority_reply")
    assert reply.candidate_group == "authority:11"
    tasks_of_term = set(bundle.rule_tasks(draft.files, decision))
    decided = [e for e in _logged(run, "decision") if e["element_id"] in tasks_of_term]
    assert decided[-1]["detail"]["outputs"][term.name] == "P2M"
    operators = [e["detail"]["operator"] for e in _logged(run, "service")]
    assert operators[-1] == "send_act" and operators.count("send_act") == 1  # after the act's document steps
    waiting = {t.element_id: t.due_at for t in view["timers"]}
    assert waiting and min(waiting.values()) > start

    # Moving the run's clock past the first timer fires it, and only in the run; the diagram goes
    # on with what the operator would have returned.
    first = min(waiting, key=waiting.get)
    testruns.move_clock(run, waiting[first] + timedelta(minutes=1), actor="d")
    assert [e["element_id"] for e in _logged(run, "timer_fired")] == [first]
    assert _logged(run, "clock")
    if any(t.element_id == "register_receipt" for t in testruns.view(run)["tasks"]):
        # The act's receipt is registered: the statutory term (two months now) counts from it.
        receipt = _ready(run, "register_receipt")
        testruns.complete(run, receipt.id, {"received_on": "2027-03-03"}, actor="d")
    computed = [
        e["detail"]["data"]["reply_due_at"]
        for e in _logged(run, "step")
        if (e["detail"].get("data") or {}).get("reply_due_at")
    ]
    due = datetime.fromisoformat(computed[-1])
    assert datetime(2027, 5, 3, tzinfo=UTC) <= due < datetime(2027, 5, 6, tzinfo=UTC)  # two months on

    # Past the deadline: the breach is the lawyer's to act on, in the run only.
    testruns.move_clock(run, due + timedelta(hours=1), actor="d")
    assert "decide_next_steps" in [t.element_id for t in testruns.view(run)["tasks"]]
    assert [e["detail"]["operator"] for e in _logged(run, "service")].count("send_act") == 1
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
