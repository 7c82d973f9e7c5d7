"""Human numbers for recommendations, acts and registers (Р-2026-0007, 01-12/0042-26): gapless.

A row per counter, incremented under a row lock held until the caller's transaction ends, so two
lawyers numbering at the same moment never get the same number, and a transaction that rolls back
takes its increment with it (no gap).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db


class Counter(db.Model):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


_TAKE = sa.text("UPDATE counter SET value = value + 1 WHERE name = :name RETURNING value")


def next_value(name: str) -> int:
    """The next value of counter `name`, in the caller's transaction.

    One `UPDATE … RETURNING`: on PostgreSQL it takes the row lock `SELECT … FOR UPDATE` would take
    and holds it until commit, so a concurrent caller waits and then reads the committed value; on
    SQLite the transaction already holds the write lock (BEGIN IMMEDIATE). The first use of a name
    inserts its row with ON CONFLICT DO NOTHING, so two first callers cannot both create it.
    """
    connection = db.session.connection()
    value = connection.execute(_TAKE, {"name": name}).scalar()
    if value is None:
        insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(Counter)
        connection.execute(insert.values(name=name, value=0).on_conflict_do_nothing(index_elements=["name"]))
        value = connection.execute(_TAKE, {"name": name}).scalar_one()
    return value


def recommendation_number(year: int) -> str:
    return f"Р-{year}-{next_value(f'recommendation:{year}'):04d}"


def act_number(year: int) -> str:
    return f"{next_value(f'act:{year}')}/НПМ-{year}"
