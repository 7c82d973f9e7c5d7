"""Reading from a streaming replica: pages that only read (dashboards, the public pages, exports)
may be answered by a standby server and leave the primary to the commands.

Set `DATABASE_REPLICA_URL` (a hot standby of the primary, read-only) and mark a view
`@reads_replica`: for that request `db.session` is a session bound to the replica, so every query
the view and its template run goes there (a write would fail: the standby refuses it). Without the
setting the decorator does nothing. A replica lags the primary by up to a second or so: mark only
views whose readers can live with that (what a person just changed is not among them).
"""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.orm import Session

from engine.db import db

_ENGINE = "ombudsflow_replica_engine"


def replica_engine() -> sa.Engine | None:
    """The app's read-only engine on the replica, or None without `DATABASE_REPLICA_URL`."""
    url = current_app.config.get("DATABASE_REPLICA_URL")
    if not url:
        return None
    engine = current_app.extensions.get(_ENGINE)
    if engine is None:
        engine = sa.create_engine(url, pool_pre_ping=True)
        current_app.extensions[_ENGINE] = engine
    return engine


def reads_replica(view):
    """Run the view with `db.session` on the replica (when one is configured)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        engine = replica_engine()
        if engine is None:
            return view(*args, **kwargs)
        registry = db.session.registry
        primary = registry() if registry.has() else None
        session = Session(bind=engine, autoflush=False)
        registry.set(session)
        g.read_from_replica = True
        try:
            return view(*args, **kwargs)
        finally:
            session.close()
            if primary is not None:
                registry.set(primary)
            else:
                registry.clear()

    return wrapper
