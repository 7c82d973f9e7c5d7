"""The audit log an operator cannot quietly empty: the application's role cannot truncate, edit,
delete or switch off its guards; the owner can, and `ombudsflow audit verify` then names the first
event that no longer holds."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from engine import audit
from tests.conftest import owner_url


def _events(db, n: int, start: int = 0, *, sealed: bool = True) -> None:
    from engine import audit_chain

    for i in range(start, start + n):
        audit.record("test_event", actor=f"user:{i}", subject=f"thing:{i}", details={"n": i, "text": "ї€"})
        db.session.commit()
    if sealed:  # PostgreSQL: what the scheduler's `audit-seal` job does every few seconds
        with db.engine.connect() as conn:
            audit_chain.seal(conn)


def _owner(database_url: str) -> sa.Engine:
    if database_url.startswith("sqlite"):
        return sa.create_engine(database_url)
    return sa.create_engine(owner_url(database_url))


def _tamper(database_url: str, sql: str) -> None:
    """What the schema's owner (or a superuser) could do to sealed events: switch the guards off and
    change rows."""
    from engine import audit_chain
    from engine.db import db

    db.session.rollback()  # the test's own reads end before the owner writes
    with db.engine.connect() as conn:
        audit_chain.seal(conn)  # PostgreSQL: what the scheduler's job does every few seconds
    engine = _owner(database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_delete")
        conn.exec_driver_sql(sql)
    engine.dispose()


def _verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_an_intact_log_verifies_with_its_count(app, db, runner):
    _events(db, 12)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "audit log intact: 12 events, chain head 12" in result.output


def test_an_edited_event_is_found(app, db, runner, database_url):
    _events(db, 10)
    target = db.session.execute(
        sa.text("SELECT id, chain_seq FROM audit_event WHERE subject = 'thing:6'")
    ).one()
    _tamper(database_url, f"UPDATE audit_event SET actor = 'user:999' WHERE id = {target.id}")
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"chain_seq {target.chain_seq}, event id {target.id}: content edited" in result.output


def test_an_edit_with_a_recomputed_digest_still_breaks_the_chain(app, db, runner, database_url):
    from engine.audit_chain import digest

    _events(db, 5)
    row = db.session.execute(sa.text("SELECT * FROM audit_event WHERE subject = 'thing:2'")).one()._asdict()
    row["details"] = {"n": 2, "text": "changed"}
    if isinstance(row["at"], str):
        from datetime import datetime

        row["at"] = datetime.fromisoformat(row["at"])
    forged = digest(row)
    _tamper(
        database_url,
        f'UPDATE audit_event SET details = \'{{"n": 2, "text": "changed"}}\', digest = \'{forged}\''
        f" WHERE id = {row['id']}",
    )
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"event id {row['id']}: chain hash does not follow" in result.output


def test_a_deleted_event_leaves_a_gap(app, db, runner, database_url):
    _events(db, 8)
    target = db.session.execute(
        sa.text("SELECT id, chain_seq FROM audit_event WHERE subject = 'thing:3'")
    ).one()
    _tamper(database_url, f"DELETE FROM audit_event WHERE id = {target.id}")
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"gap: events {target.chain_seq}..{target.chain_seq} are missing" in result.output


def test_the_newest_events_cut_off_disagree_with_the_head(app, db, runner, database_url):
    _events(db, 6)
    _tamper(database_url, "DELETE FROM audit_event WHERE chain_seq > 4")
    result = _verify(runner)
    assert result.exit_code == 1
    assert "the head says 6 events, the log ends at 4" in result.output


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_event",
        "TRUNCATE audit_event CASCADE",
        "UPDATE audit_event SET actor = 'x'",
        "DELETE FROM audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change",
        "ALTER TABLE audit_event DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_no_truncate ON audit_event",
        "SET session_replication_role = replica",
        "UPDATE audit_chain SET seq = 0",
        "UPDATE audit_event SET chain_seq = 1, chain_hash = 'x' WHERE chain_seq IS NULL",
        "SELECT set_config('ombudsflow.sealing', 'on', false);; UPDATE audit_event SET chain_seq = 1",
        "TRUNCATE audit_chain",
        "DROP TABLE audit_event",
        "CREATE TABLE hidden (id int)",
    ],
)
def test_the_application_role_cannot_touch_the_log(app, db, database_url, statement):
    if not database_url.startswith("postgresql"):
        pytest.skip("roles and privileges are PostgreSQL's")
    _events(db, 3)
    engine = sa.create_engine(database_url)  # the application's role (tests/conftest.py)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT current_user").scalar() == "ombudsflow_app_test"
        *before, last = statement.split(";; ")
        for step in before:  # allowed on its own (a custom setting), refused with what follows
            conn.exec_driver_sql(step)
        with pytest.raises(sa.exc.DBAPIError):
            conn.exec_driver_sql(last)
        conn.rollback()
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_event").scalar() == 3
    engine.dispose()


def test_even_the_owner_cannot_truncate_without_switching_triggers_off(app, db, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("TRUNCATE triggers are PostgreSQL's")
    _events(db, 2)
    engine = _owner(database_url)
    with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="TRUNCATE refused"):
        conn.exec_driver_sql("TRUNCATE audit_event")
    engine.dispose()


def test_concurrent_writers_make_one_unbroken_chain(app, db, runner, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writers queue on the database lock")
    writers, each = 6, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def write(k: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                _events(db, each, start=k * 1000, sealed=False)
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = _verify(runner)  # seals, then verifies
    assert result.exit_code == 0, result.output
    assert f"{writers * each} events" in result.output
    seqs = [r[0] for r in db.session.execute(sa.text("SELECT chain_seq FROM audit_event ORDER BY chain_seq"))]
    assert seqs == list(range(1, writers * each + 1))


def test_the_scheduler_job_seals_new_events(app, db, database_url):
    from engine import scheduler

    _events(db, 4, sealed=False)
    [job] = [j for j in scheduler.jobs() if j.name == "audit-seal"]
    scheduler.run_job(app, job)
    db.session.expire_all()
    seqs = [r[0] for r in db.session.execute(sa.text("SELECT chain_seq FROM audit_event ORDER BY id"))]
    assert seqs == [1, 2, 3, 4]  # on SQLite chained at insert, on PostgreSQL by the job
    unsealed = "SELECT count(*) FROM audit_event WHERE chain_seq IS NULL"
    assert db.session.execute(sa.text(unsealed)).scalar() == 0


def test_an_event_written_around_the_engine_is_named_and_blocks_no_sealing(app, db, runner, database_url):
    """A row inserted without its digest (a bulk load by the owner) stays outside the chain; the
    events after it are still sealed, and `verify` names the stray one."""
    _events(db, 2)
    engine = _owner(database_url)
    with engine.begin() as conn:
        stray = conn.exec_driver_sql(
            "INSERT INTO audit_event (at, actor, event, details)"
            " VALUES ('2026-11-23 07:00:00', 'bulk', 'x', '{}') RETURNING id"
        ).scalar()
    engine.dispose()
    _events(db, 2, start=10)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"event id {stray}: an event outside the chain (no chain_seq)" in result.output
    sealed = db.session.execute(
        sa.text("SELECT count(*) FROM audit_event WHERE chain_seq IS NOT NULL")
    ).scalar()
    assert sealed == 4
