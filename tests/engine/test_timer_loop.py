"""The scheduler's timer loop: it sleeps until the soonest timer and no longer, and on PostgreSQL a
timer written by another process for sooner than that wakes it (LISTEN/NOTIFY); SQLite polls."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from engine import deployments, instances, scheduler
from engine.models import AuditEvent, SchedulerHeartbeat

TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="wait_a_moment" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="wait">
      <bpmn:timerEventDefinition><bpmn:timeDate>due</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _fired(db, instance_id: int) -> list[AuditEvent]:
    """Read, then end the transaction at once: on SQLite a transaction outside a request holds the
    write lock (engine/db.py), and one kept open while the test sleeps starves the loop it waits for."""
    db.session.rollback()
    events = list(
        db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.instance_id == instance_id, AuditEvent.event == "timer_fired"
            )
        )
    )
    db.session.expunge_all()
    db.session.rollback()
    return events


def test_a_timer_written_while_the_loop_sleeps_fires_at_its_time_once(app, db, clock):
    clock.reset()  # the loop runs on real time here
    app.config.update(OMBUDSFLOW_SWEEP_INTERVAL=600, OMBUDSFLOW_SWEEP_POLL=0.2)
    deployments.deploy({"wait.bpmn": TIMER_BPMN}, actor="test")
    db.session.commit()
    db.session.remove()
    loop = scheduler.TimerLoop(app)
    loop.start()
    try:
        # The loop has gone to sleep with nothing to wait for (up to its interval, ten minutes).
        deadline = time.monotonic() + 30
        while not db.session.scalar(sa.select(sa.func.count()).select_from(SchedulerHeartbeat)):
            db.session.rollback()
            assert time.monotonic() < deadline, "the loop never beat"
            time.sleep(0.05)
        due = datetime.now(UTC) + timedelta(seconds=1)
        started = instances.start("wait_a_moment", data={"due": due.isoformat()}, actor="test")
        db.session.commit()
        # Waited for as long as a busy machine needs, but well short of the loop's interval: a timer
        # that fires before it was woken (or polled), not found by the next ten-minute round.
        deadline = time.monotonic() + 300
        while not _fired(db, started.instance_id):
            assert time.monotonic() < deadline, "the timer did not fire (the loop was not woken)"
            time.sleep(0.05)
        [event] = _fired(db, started.instance_id)
        # It fired at or after its due time, long before the loop's ten-minute interval.
        assert event.details["due_at"] == due.replace(
            microsecond=0
        ).isoformat() or event.at >= due - timedelta(seconds=1)
        assert due - timedelta(milliseconds=5) <= event.at < due + timedelta(seconds=300)
        if db.engine.dialect.name == "postgresql":
            assert loop.wakeups >= 1  # NOTIFY woke it (SQLite: the poll found it)
    finally:
        loop.stop()
        loop.join(timeout=30)
        loop._close_listener()
        db.session.remove()
    assert not loop.is_alive()
    assert len(_fired(db, started.instance_id)) == 1
