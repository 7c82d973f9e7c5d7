"""A command's writes, sent to PostgreSQL together: one round trip instead of one per statement.

On PostgreSQL the cost of a command is its round trips, not its SQL: a statement that follows a few
milliseconds of Python waits ~2 ms for the idle backend under load, against 0.07 ms back to back.
A command knows everything it will write only at its end (the claim of the task, the new state, the
projections, the audit events), and it reads nothing back from those writes. So it `defer`s them and
`flush`es once: with psycopg 3 the statements go out in one pipeline (and are prepared on the server
after a few runs); on SQLite, and with another driver, they run one after the other, in the same
order, with the same checks. Both databases keep one behaviour: every write whose row count matters
says what it expects and which error to raise otherwise, checked after the batch, in order.

A deferred write must not be needed by anything read before the flush. Commands flush before any
service handler runs (a handler may read what the command wrote) and before they return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .db import ROUND_TRIPS, db, pipeline_of


@dataclass
class _Write:
    statement: Any
    params: dict[str, Any] | list[dict[str, Any]]
    expect: int | None
    otherwise: Callable[[int], None] | None


_KEY = "ombudsflow_deferred_writes"


def _pending(session) -> list[_Write]:
    return session.info.setdefault(_KEY, [])


def defer(
    statement,
    params: dict[str, Any] | list[dict[str, Any]],
    *,
    expect: int | None = None,
    otherwise: Callable[[int], None] | None = None,
) -> None:
    """Queue one write in the current transaction. With `expect`, `otherwise(rowcount)` is called
    (and must raise) when the statement changes another number of rows."""
    _pending(db.session).append(_Write(statement, params, expect, otherwise))


def discard() -> None:
    """Forget queued writes (the transaction is being rolled back)."""
    db.session.info.pop(_KEY, None)


def flush() -> None:
    """Send the queued writes; raise the first failed expectation's error."""
    session = db.session
    writes = session.info.pop(_KEY, None)
    if not writes:
        return
    conn = session.connection()
    pipeline = pipeline_of(conn) if len(writes) > 1 else None
    if pipeline is None:
        for write in writes:
            result = conn.execute(write.statement, write.params)
            _check(write, result.rowcount)
        return
    cursors: list[Any] = []

    def grab(_conn, cursor, *_args) -> None:
        cursors.append(cursor)

    sa.event.listen(conn, "after_cursor_execute", grab)
    try:
        with pipeline():
            for write in writes:
                conn.execute(write.statement, write.params)
    finally:
        sa.event.remove(conn, "after_cursor_execute", grab)
    ROUND_TRIPS["pipelines"] += 1
    ROUND_TRIPS["pipelined_statements"] += len(writes)
    # The pipeline has been synchronised: every cursor now holds its own row count.
    for write, cursor in zip(writes, cursors, strict=True):
        _check(write, cursor.rowcount)


def _check(write: _Write, rowcount: int) -> None:
    if write.expect is not None and rowcount != write.expect and write.otherwise is not None:
        write.otherwise(rowcount)
