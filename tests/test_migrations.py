"""The Alembic migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import check, downgrade, upgrade

from engine.db import db


def test_models_and_migrations_agree(app):
    check()  # raises when autogenerate would propose any change


def test_downgrade_to_base_and_back(app):
    db.session.remove()
    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    names = set(sa.inspect(db.engine).get_table_names())
    assert {
        "process_instance",
        "human_task",
        "timer",
        "audit_event",
        "outbox_message",
        "recommendation",
        "webhook_subscription",
    } <= names
    with db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM region")) == 27
