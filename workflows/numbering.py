"""Human numbers for recommendations and acts (Р-2026-0007, 14/НПМ-2026): gapless per year.

A row per counter, incremented under a row lock, so two lawyers creating recommendations at the same
moment never get the same number.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db


class Counter(db.Model):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_value(name: str) -> int:
    session = db.session
    row = session.scalar(sa.select(Counter).where(Counter.name == name).with_for_update())
    if row is None:
        row = Counter(name=name, value=0)
        session.add(row)
    row.value += 1
    session.flush()
    return row.value


def recommendation_number(year: int) -> str:
    return f"Р-{year}-{next_value(f'recommendation:{year}'):04d}"


def act_number(year: int) -> str:
    return f"{next_value(f'act:{year}')}/НПМ-{year}"
