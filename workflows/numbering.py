"""Human numbers for recommendations, acts and registers (Р-2026-0007, 01-12/0042-26): gapless.

A row per counter, incremented by one upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, on
PostgreSQL and SQLite alike): two lawyers numbering at the same moment never get the same number, and
the first number of a new year cannot fail because another transaction created the row meanwhile.
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


def next_value(name: str) -> int:
    """The next value of counter `name`, in the caller's transaction: on PostgreSQL the upsert takes
    the row lock and holds it until commit (a concurrent caller waits, then counts on from the
    committed value; a rollback takes its increment with it — no gap); on SQLite the transaction
    already holds the write lock."""
    conn = db.session.connection()
    return conn.execute(_NEXT[conn.dialect.name], {"name": name}).scalar_one()


def _next_statement(insert):
    table = Counter.__table__
    statement = insert(table).values(name=sa.bindparam("name"), value=1)
    return statement.on_conflict_do_update(
        index_elements=[table.c.name], set_={"value": table.c.value + 1}
    ).returning(table.c.value)


_NEXT = {"postgresql": _next_statement(postgresql.insert), "sqlite": _next_statement(sqlite.insert)}


def recommendation_number(year: int) -> str:
    return f"Р-{year}-{next_value(f'recommendation:{year}'):04d}"


def act_number(year: int) -> str:
    return f"{next_value(f'act:{year}')}/НПМ-{year}"
