"""The inbox's GET parameters: a filtered inbox is a URL a lawyer can bookmark or send a colleague.

?scope=mine&overdue=1&region=lviv&kind=penal_colony&authority=7&severity=high&task=draft_act
&q=вентиляція&sort=-due&page=2&per_page=50 — unknown or malformed values are ignored, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from flask import url_for

from workflows.inbox import SORTS, InboxFilters
from workflows.visits.models import SEVERITIES

SCOPES = ("all", "mine", "group")
PER_PAGE = (25, 50, 100)
DEFAULTS = {"scope": "all", "sort": "due", "page": 1, "per_page": 25}
# One order for the parameters, so that the same filters always make the same URL.
KEYS = (
    "scope",
    "overdue",
    "week",
    "region",
    "kind",
    "authority",
    "severity",
    "task",
    "q",
    "sort",
    "page",
    "per_page",
)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _code(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:60] if value else None


def filters_from(args: Mapping[str, str]) -> InboxFilters:
    scope = args.get("scope")
    sort = args.get("sort")
    severity = args.get("severity")
    per_page = _int(args.get("per_page"))
    return InboxFilters(
        scope=scope if scope in SCOPES else "all",
        overdue=args.get("overdue") == "1",
        due_this_week=args.get("week") == "1" and args.get("overdue") != "1",
        region=_code(args.get("region")),
        facility_kind=_code(args.get("kind")),
        authority_id=_int(args.get("authority")),
        severity=severity if severity in SEVERITIES else None,
        task=_code(args.get("task")),
        q=(args.get("q") or "").strip()[:200] or None,
        sort=sort if sort in SORTS else "due",
        page=max(_int(args.get("page")) or 1, 1),
        per_page=per_page if per_page in PER_PAGE else 25,
    )


def to_args(f: InboxFilters) -> dict[str, str]:
    """The filters as URL parameters, leaving out what is at its default."""
    args = {
        "scope": f.scope,
        "overdue": "1" if f.overdue else None,
        "week": "1" if f.due_this_week else None,
        "region": f.region,
        "kind": f.facility_kind,
        "authority": str(f.authority_id) if f.authority_id else None,
        "severity": f.severity,
        "task": f.task,
        "q": f.q,
        "sort": f.sort,
        "page": str(f.page),
        "per_page": str(f.per_page),
    }
    return {k: v for k, v in args.items() if v is not None and str(v) != str(DEFAULTS.get(k))}


def url_with(f: InboxFilters, **changes) -> str:
    """The inbox URL with some parameters changed; any change but the page goes back to page 1."""
    args = to_args(f)
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        if value in (None, "", False) or str(value) == str(DEFAULTS.get(key)):
            args.pop(key, None)
        else:
            args[key] = "1" if value is True else str(value)
    query = urlencode(sorted(args.items(), key=lambda item: KEYS.index(item[0])))
    return url_for("inbox.index") + (f"?{query}" if query else "")
