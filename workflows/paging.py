"""Pages of long lists: counts that stop at a cap, and keyset cursors.

At a million recommendations an exact `COUNT(*)` costs more than the page it describes, and an
`OFFSET` reads and joins every row it skips. So every list counts at most `COUNT_CAP` + 1 rows
(shown as "10 000+") and hands out a cursor — the sort key of its last row — from which the next
page starts where the index already is. `page` keeps working for the first pages.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

COUNT_CAP = 10_000
# A text search matches rows scattered through the table, each checked against its text: it counts
# to a smaller cap ("1 000+"), which is all a reader of a search needs to know.
SEARCH_COUNT_CAP = 1_000


def cap_for(q: str | None) -> int:
    """The count cap of a list: smaller when it is a text search."""
    return SEARCH_COUNT_CAP if q and q.strip() else COUNT_CAP


@dataclass(frozen=True)
class Key:
    """One column of a list's order; NULLs always come last, whatever the direction."""

    column: Any
    descending: bool = False
    nullable: bool = False

    def order(self):
        expr = self.column.desc() if self.descending else self.column.asc()
        return expr.nulls_last() if self.nullable else expr


def const(value) -> Any:
    """A constant written into the SQL rather than sent as a parameter: the planner then sees it
    and can use a partial index whose predicate names it (`WHERE status = 'open'`), also in a plan
    the server prepared for repeated use."""
    if isinstance(value, tuple | list):
        return sa.bindparam(None, list(value), expanding=True, literal_execute=True)
    return sa.literal(value, literal_execute=True)


def order_by(keys: list[Key]) -> list:
    return [k.order() for k in keys]


def _beyond(key: Key, value):
    """Rows whose `key` comes strictly after `value` in the order."""
    if value is None:
        return sa.false()  # NULLs come last: nothing is beyond them in this column
    clause = key.column < value if key.descending else key.column > value
    return sa.or_(clause, key.column.is_(None)) if key.nullable else clause


def _same(key: Key, value):
    return key.column.is_(None) if value is None else key.column == value


def after(keys: list[Key], values: list) -> Any:
    """Rows that come after the row whose sort key is `values` (the cursor), as a WHERE clause.

    The lexicographic condition, plus the first column's bound alone when it is not nullable, so
    that the index in that order starts at the cursor instead of filtering from its start."""
    clause = _beyond(keys[-1], values[-1])
    for key, value in zip(reversed(keys[:-1]), reversed(values[:-1]), strict=True):
        clause = sa.or_(_beyond(key, value), sa.and_(_same(key, value), clause))
    first, value = keys[0], values[0]
    if not first.nullable and value is not None:
        bound = first.column <= value if first.descending else first.column >= value
        clause = sa.and_(bound, clause)
    return clause


def bad_cursor():
    """The error for a cursor that is not one of ours (field `cursor`), in the user's language."""
    from flask_babel import gettext as _

    from .errors import Invalid

    return Invalid(
        _("The list has changed or the link is broken; start from the first page."),
        {"cursor": [_("This cursor is not valid.")]},
    )


def encode(values: list) -> str:
    """An opaque cursor for the row whose sort key is `values`."""
    plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, size: int) -> list | None:
    """The sort key a cursor holds, or None when it is not one of ours (the caller says so)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(plain, list) or len(plain) != size:
        return None
    values = []
    for v in plain:
        if isinstance(v, dict):
            try:
                values.append(datetime.fromisoformat(v["t"]))
            except (KeyError, TypeError, ValueError):
                return None
        elif v is None or isinstance(v, str | int):
            values.append(v)
        else:
            return None
    return values


def capped_count(query, cap: int | None = None) -> Any:
    """A scalar subquery counting the rows of `query` up to `cap` + 1 (more means "10 000+")."""
    limited = (
        query.with_only_columns(sa.literal(1), maintain_column_froms=True)
        .order_by(None)
        .limit((cap or COUNT_CAP) + 1)
        .subquery()
    )
    return sa.select(sa.func.count()).select_from(limited).scalar_subquery()


@dataclass(frozen=True)
class Count:
    """A number of rows, exact up to the cap."""

    value: int

    @property
    def capped(self) -> bool:
        return self.value > COUNT_CAP

    @property
    def shown(self) -> int:
        return min(self.value, COUNT_CAP)


def pages(total: int, per_page: int) -> int:
    return max((total + per_page - 1) // per_page, 1)
