"""A recommendations list's filters as the parameters of its address (/recommendations?…): the pages,
the dashboard's links and the alerts' e-mails all write them here, so a link always opens the list
that was counted. Parsing them back is the page's (web/recommendations/params.py)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from .queries import NO_LAWYER, RecommendationFilters

# URL name of each filter field (the rest are the same).
NAMES = {
    "authority_id": "authority",
    "facility_id": "facility",
    "facility_kind": "kind",
    "lawyer_id": "lawyer",
}
BOOL_FIELDS = ("open", "overdue", "published")
# One order for the parameters, so that the same filters always make the same URL.
KEYS = tuple(NAMES.get(f.name, f.name) for f in fields(RecommendationFilters))


def _arg(name: str, value) -> str | None:
    if value is None or value is False or value == "":
        return "0" if value is False and name in BOOL_FIELDS else None
    if value is True:
        return "1"
    if name == "lawyer_id" and value == NO_LAWYER:
        return "none"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_args(f: RecommendationFilters) -> dict[str, str]:
    """The filters as URL parameters, leaving out what is not set (and page 1)."""
    args = {}
    for field in fields(RecommendationFilters):
        if field.name == "per_page" or (field.name == "page" and f.page == 1):
            continue
        value = _arg(field.name, getattr(f, field.name))
        if value is not None:
            args[NAMES.get(field.name, field.name)] = value
    return args


def ordered(args: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(args.items(), key=lambda item: KEYS.index(item[0]) if item[0] in KEYS else len(KEYS))


def with_changes(args: dict[str, str], **changes) -> dict[str, str]:
    """`args` (from `to_args`) with some filter fields changed — what `to_args(replace(f, **changes))`
    gives, without building a new filters object (a dashboard makes hundreds of links)."""
    out = dict(args)
    out.pop("page", None)
    for name, value in changes.items():
        key = NAMES.get(name, name)
        arg = _arg(name, value)
        if arg is None:
            out.pop(key, None)
        else:
            out[key] = arg
    return out
