"""One row per day that differs from the plain week: a public holiday, an extra day off, a
working weekend day."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db

# holiday:     a public holiday or a day off moved from one (Art. 73, 67 of the Labour Code);
#              non-working unless the martial-law switch says public holidays are working days
# day_off:     non-working whatever the switch says (a day declared off by a special act)
# working_day: a working day although it falls on a Saturday or Sunday (a transferred working day)
KINDS = ("holiday", "day_off", "working_day")


class CalendarDay(db.Model):
    """Святковий, неробочий або перенесений робочий день."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name_uk: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300), default="")
    # Where the row came from: the seed (the `holidays` package) or the admin who edited it.
    source: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_uk
