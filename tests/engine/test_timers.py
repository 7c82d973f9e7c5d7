"""The sweep with a moved clock: boundary timers, DMN-computed durations, incidents, parallel sweepers."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from engine import instances, timers
from engine.models import AuditEvent, Incident, ProcessInstance, Timer

from .conftest import open_tasks


def review_at_manager(db, urgency="high"):
    result = instances.start("review", data={"urgency": urgency, "team": 1, "title": "T"}, actor="l")
    [prepare] = open_tasks(db, result.instance_id)
    instances.complete(prepare.id, actor="l", data={"title": "Draft"}, expected_version=1)
    db.session.commit()
    return result.instance_id


def fired_events(db):
    return [
        (e.instance_id, e.element_id)
        for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.event == "timer_fired").order_by(AuditEvent.id)
        )
    ]


def test_nothing_due_fires_nothing(deployed, db, clock):
    review_at_manager(db)
    result = timers.sweep()
    assert result.fired == [] and result.claimed == 0
    assert fired_events(db) == []


def test_non_interrupting_reminder_then_interrupting_deadline(deployed, db, clock):
    instance_id = review_at_manager(db, urgency="high")  # DMN: 2 days
    [review] = open_tasks(db, instance_id)

    clock.advance(hours=23)
    assert timers.sweep().fired == []

    clock.advance(hours=2)  # past the 1-day reminder
    swept = timers.sweep()
    assert [f.element_id for f in swept.fired] == ["review_reminder"]
    # Non-interrupting: the review task is still open, with the same id and version.
    [still] = open_tasks(db, instance_id)
    assert still.id == review.id and still.status == "open"
    assert {t.element_id for t in db.session.scalars(sa.select(Timer))} == {"review_deadline"}
    assert timers.sweep().fired == []  # fires once

    clock.advance(days=1)  # past the 2-day deadline
    swept = timers.sweep()
    assert [f.element_id for f in swept.fired] == ["review_deadline"]
    db.session.expire_all()
    [late] = open_tasks(db, instance_id)
    assert late.element_id == "handle_late"
    assert late.due_at == clock.now() + timedelta(days=3)  # from its dueAt property
    assert db.session.get(type(review), review.id).status == "cancelled"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Timer)) == 0
    assert fired_events(db) == [(instance_id, "review_reminder"), (instance_id, "review_deadline")]


def test_duration_comes_from_the_dmn(deployed, db, clock):
    normal = review_at_manager(db, urgency="normal")  # DMN default: 5 days
    urgent = review_at_manager(db, urgency="high")
    deadlines = {
        t.instance_id: t.due_at
        for t in db.session.scalars(sa.select(Timer).where(Timer.element_id == "review_deadline"))
    }
    assert deadlines[normal] - clock.now() == timedelta(days=5)
    assert deadlines[urgent] - clock.now() == timedelta(days=2)
    clock.advance(days=3)
    fired = {(f.instance_id, f.element_id) for f in timers.sweep().fired}
    assert (urgent, "review_deadline") in fired and (normal, "review_deadline") not in fired


def test_a_failing_instance_becomes_an_incident_and_does_not_block_others(deployed, app, db, clock):
    app.config["OMBUDSFLOW_TIMER_RETRIES"] = 2
    broken = instances.start("fragile", data={"divisor": 0}, actor="x").instance_id
    healthy = instances.start("fragile", data={"divisor": 5}, actor="x").instance_id
    db.session.commit()
    clock.advance(days=1, seconds=1)
    swept = timers.sweep()
    assert [f.instance_id for f in swept.fired] == [healthy]
    assert len(swept.incidents) == 1
    incident = db.session.get(Incident, swept.incidents[0])
    assert incident.instance_id == broken and incident.retries_left == 1
    assert "division by zero" in incident.message and "Traceback" in incident.stack
    assert db.session.get(ProcessInstance, broken).open_incidents == 1
    assert db.session.get(ProcessInstance, healthy).status == "completed"
    timer = db.session.scalar(sa.select(Timer).where(Timer.instance_id == broken))
    assert timer.attempts == 1 and timer.status == "waiting" and timer.fire_at > clock.now()

    assert timers.sweep().incidents == []  # backing off
    clock.advance(minutes=2)
    again = timers.sweep()
    assert again.incidents == [incident.id]  # the same incident, updated
    db.session.expire_all()
    timer = db.session.scalar(sa.select(Timer).where(Timer.instance_id == broken))
    assert timer.status == "failed" and timer.attempts == 2
    assert db.session.get(Incident, incident.id).retries_left == 0
    clock.advance(days=30)
    assert timers.sweep().claimed == 0  # a failed timer waits for a person

    timers.retry_incident(incident.id, actor="admin")
    db.session.commit()
    assert db.session.get(ProcessInstance, broken).open_incidents == 0
    assert timers.sweep().claimed == 1


def test_parallel_sweepers_fire_each_timer_once(deployed, app, db, clock):
    ids = [instances.start("fragile", data={"divisor": 2}, actor="x").instance_id for _ in range(30)]
    db.session.commit()
    clock.advance(days=2)
    results = []

    def sweeper():
        with app.app_context():
            try:
                results.append(timers.sweep(batch=5))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweeper) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fired = [f.instance_id for r in results for f in r.fired]
    assert sorted(fired) == sorted(ids)
    assert sorted(i for i, _ in fired_events(db)) == sorted(ids)
    db.session.expire_all()
    assert all(db.session.get(ProcessInstance, i).status == "completed" for i in ids)


def test_sweep_cost_depends_on_due_timers_not_instances(deployed, db, clock):
    for _ in range(20):
        review_at_manager(db)
    result = timers.sweep()
    assert result.claimed == 0
    clock.advance(days=1, minutes=1)
    result = timers.sweep()
    assert result.claimed == 20 and len(result.fired) == 20
