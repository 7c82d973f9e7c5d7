"""Property: after any walk through a process, the projections say what the restored workflow says."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import instances, projections, timers
from engine.models import HumanTask, ProcessInstance, Timer

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("start"), st.sampled_from(["high", "normal"])),
        st.tuples(st.just("complete"), st.integers(0, 10_000), st.booleans()),
        st.tuples(st.just("wait"), st.integers(1, 80)),
    ),
    min_size=1,
    max_size=14,
)


def form_data(element_id: str, flag: bool) -> dict:
    return {"prepare": {"title": "Draft text"}, "review_task": {"approved": flag}}.get(element_id, {})


def assert_projections_match(db):
    db.session.expire_all()
    for instance in db.session.scalars(sa.select(ProcessInstance)):
        snap = projections.snapshot(instances.restore(instance.id))
        rows = db.session.scalars(
            sa.select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
        )
        assert {(t.id, t.element_id, t.candidate_group, t.due_at, t.priority) for t in rows} == {
            (t.id, t.element_id, t.candidate_group, t.due_at, t.priority) for t in snap.tasks
        }
        waiting = db.session.scalars(sa.select(Timer).where(Timer.instance_id == instance.id))
        assert {(t.id, t.element_id, t.due_at, t.interrupting) for t in waiting} == {
            (t.id, t.element_id, t.due_at, t.interrupting) for t in snap.timers
        }
        assert instance.next_due_at == snap.next_due_at
        assert (instance.status == "completed") == snap.completed


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_random_walks_keep_projections_true(deployed, db, clock, actions):
    for action in actions:
        if action[0] == "start":
            instances.start("review", data={"urgency": action[1], "team": 3, "title": "T"}, actor="p")
        elif action[0] == "complete":
            open_rows = db.session.scalars(
                sa.select(HumanTask).where(HumanTask.status == "open").order_by(HumanTask.id)
            ).all()
            if not open_rows:
                continue
            task = open_rows[action[1] % len(open_rows)]
            instances.complete(
                task.id, actor="p", data=form_data(task.element_id, action[2]), expected_version=task.version
            )
        else:
            clock.advance(hours=action[1])
            timers.sweep()
        db.session.commit()
        assert_projections_match(db)
