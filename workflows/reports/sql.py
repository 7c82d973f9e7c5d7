"""Two small SQL pieces the figures need on both databases: elapsed days between two timestamps, and
nearest-rank percentiles (the median and the 90th percentile) per group with window functions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class elapsed_days(FunctionElement):
    """`later - earlier` in days, fractional. Timestamps are stored as UTC without a zone on both."""

    type = sa.Float()
    inherit_cache = True


@compiles(elapsed_days)
def _elapsed_days_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}))"


@compiles(elapsed_days, "postgresql")
def _elapsed_days_postgresql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)}))"
        " / 86400.0)"
    )


def percentiles(values, value_column: str = "value", group_column: str | None = "grp", *, dialect: str = ""):
    """A select of (grp, n, median, p90) over a subquery of (grp, value) rows.

    Nearest rank: the median is the ⌈n/2⌉-th smallest value, the 90th percentile the ⌈0.9·n⌉-th (a
    value that occurred). PostgreSQL's percentile_disc is exactly that, in one sort; elsewhere window
    functions rank the rows, with integer arithmetic for the ranks (SQLite has no ceil).
    """
    value = values.c[value_column]
    if dialect == "postgresql":
        group = values.c[group_column] if group_column else sa.literal(0)
        query = sa.select(
            group.label("grp"),
            sa.func.count().label("n"),
            sa.func.percentile_disc(0.5).within_group(value).label("median"),
            sa.func.percentile_disc(0.9).within_group(value).label("p90"),
        )
        return query.group_by(values.c[group_column]) if group_column else query
    group = values.c[group_column] if group_column else sa.literal(0)
    partition = {"partition_by": group} if group_column else {}
    ranked = sa.select(
        group.label("grp"),
        value.label("value"),
        sa.func.row_number().over(order_by=value, **partition).label("rn"),
        sa.func.count().over(**partition).label("n"),
    ).subquery("ranked")
    median_rank = (ranked.c.n + 1) // 2
    p90_rank = (ranked.c.n * 9 + 9) // 10
    return sa.select(
        ranked.c.grp,
        sa.func.max(ranked.c.n).label("n"),
        sa.func.max(sa.case((ranked.c.rn == median_rank, ranked.c.value))).label("median"),
        sa.func.max(sa.case((ranked.c.rn == p90_rank, ranked.c.value))).label("p90"),
    ).group_by(ranked.c.grp)
