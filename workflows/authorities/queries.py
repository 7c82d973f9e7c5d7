"""The authority hierarchy (`authority.parent_id`): an authority and every one under it.

Figures "with subordinates rolled up" and the list's `subordinates` filter use the same recursive
query, so a number on the dashboard and the list behind it agree. The registry holds a few thousand
authorities at most; walking it per query costs a few milliseconds (docs/PERFORMANCE.md), so no
closure table is kept.
"""

from __future__ import annotations

import sqlalchemy as sa

from .models import Authority


def rollup_tree(roots, name: str = "rollup"):
    """A CTE (root_id, id): each root authority (a select of ids, or a list of ids) with itself and
    every authority under it. UNION (not UNION ALL) stops at a cycle a bad edit might make."""
    if isinstance(roots, list | tuple | set):
        start = sa.select(Authority.id.label("root_id"), Authority.id.label("id")).where(
            Authority.id.in_(list(roots))
        )
    else:
        start = sa.select(Authority.id.label("root_id"), Authority.id.label("id")).where(
            Authority.id.in_(roots)
        )
    tree = start.cte(name, recursive=True)
    child = sa.orm.aliased(Authority)
    return tree.union(sa.select(tree.c.root_id, child.id).join(child, child.parent_id == tree.c.id))


def subtree_ids(root_id: int):
    """A select of the ids of `root_id` and every authority under it."""
    tree = rollup_tree([root_id], name="subtree")
    return sa.select(tree.c.id)
