"""One clock: SpiffWorkflow's timer code, the sweep, the CLI and every worker see the same time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine import clock as clock_module
from engine.clock import Clock, parse_instant


def test_spiff_timer_module_reads_the_engine_clock(clock):
    assert spiff_timer.datetime.now(UTC) == clock.now()
    clock.advance(days=40)
    assert spiff_timer.datetime.now(UTC) == datetime(2027, 1, 2, 7, 0, tzinfo=UTC)
    naive = spiff_timer.datetime.now()
    assert naive.tzinfo is None


def test_parse_instant():
    assert parse_instant("2026-12-01T10:00:00Z") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert parse_instant("2026-12-01T12:00:00+02:00") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert parse_instant("2026-12-01") == datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_instant("2026-12-01T10:00:00")
    with pytest.raises(ValueError):
        parse_instant("next tuesday")


def test_frozen_at_restores_the_previous_state():
    c = Clock()
    c.freeze(datetime(2026, 1, 1, tzinfo=UTC))
    with c.frozen_at(datetime(2027, 1, 1, tzinfo=UTC)):
        assert c.now().year == 2027
    assert c.now().year == 2026
    c.reset()
    assert abs(c.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_stored_offset_is_shared_through_the_database(app, db):
    """What `ombudsflow clock set` stores, another worker picks up with `sync`."""
    clock_module.clock.reset()  # a running (not frozen) clock, as in a server
    target = datetime.now(UTC) + timedelta(days=31)
    clock_module.store_offset(db.session, target)
    db.session.commit()
    clock_module.clock.set_offset(timedelta(0))  # another worker that has not synced yet
    clock_module.sync(db.session)
    assert abs(clock_module.clock.now() - target) < timedelta(seconds=5)
    clock_module.store_offset(db.session, None)
    db.session.commit()
    clock_module.sync(db.session)
    assert clock_module.clock.offset == timedelta(0)


def test_checkpoint_job_runs_on_either_database(app, db):
    from engine.db import checkpoint

    checkpoint()  # SQLite: folds the WAL; PostgreSQL: nothing to do — neither may fail
