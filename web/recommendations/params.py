"""The recommendations list's GET parameters: every filter is part of the address, so the dashboard
links each number to the list behind it, and a filtered list is a bookmark or an export.

?status=awaiting_reply&open=1&authority=7&subordinates=1&region=lviv&kind=penal_colony
&severity=high&category=health_care&lawyer=12&overdue=1&overdue_days=8-30&step=review_reply
&created_from=2026-01-01&created_to=2026-12-31&closed_from=…&closed_to=…&replied_from=…&replied_to=…
&limitation=0-14&court_decision=offender_liable&decided_from=…&decided_to=…&published=1&q=…&page=2

Unknown or malformed values are ignored, never an error (dates also as 23.11.2026).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urlencode

from flask import url_for

from workflows.recommendations.filter_args import ordered, to_args
from workflows.recommendations.models import STATUSES
from workflows.recommendations.queries import NO_LAWYER, RecommendationFilters
from workflows.visits.models import FINDING_CATEGORIES, SEVERITIES

from ..forms import dates

DATE_FIELDS = (
    "created_from",
    "created_to",
    "closed_from",
    "closed_to",
    "replied_from",
    "replied_to",
    "decided_from",
    "decided_to",
)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _code(value: str | None, limit: int = 60) -> str | None:
    value = (value or "").strip()
    return value[:limit] if value else None


def filters_from(args: Mapping[str, str], *, per_page: int = 50) -> RecommendationFilters:
    def flag(name: str) -> bool | None:
        return {"1": True, "0": False}.get(args.get(name, ""))

    lawyer = args.get("lawyer", "")
    return RecommendationFilters(
        status=args.get("status") if args.get("status") in STATUSES else None,
        open=flag("open"),
        authority_id=_int(args.get("authority")),
        subordinates=args.get("subordinates") == "1",
        facility_id=_int(args.get("facility")),
        region=_code(args.get("region")),
        facility_kind=_code(args.get("kind")),
        severity=args.get("severity") if args.get("severity") in SEVERITIES else None,
        category=args.get("category") if args.get("category") in FINDING_CATEGORIES else None,
        lawyer_id=NO_LAWYER if lawyer == "none" else _int(lawyer),
        overdue=flag("overdue"),
        overdue_days=_code(args.get("overdue_days"), 12),
        step=_code(args.get("step"), 200),
        **{name: dates.parse(args.get(name)) for name in DATE_FIELDS},
        limitation=_code(args.get("limitation"), 12),
        court_decision=_code(args.get("court_decision"), 30),
        published=flag("published"),
        q=(args.get("q") or "").strip()[:200] or None,
        page=max(_int(args.get("page")) or 1, 1),
        per_page=per_page,
    )


def list_url(f: RecommendationFilters, *, format: str | None = None, **changes) -> str:
    """The list's URL for `f` with some fields changed (field names, e.g. `region="lviv"`); any change
    but the page goes back to page 1. `format` ("csv", "xlsx"): the export of that list."""
    if changes:
        f = replace(f, **changes, **({} if "page" in changes else {"page": 1}))
    args = to_args(f)
    if format:
        args.pop("page", None)
    items = ordered(args)
    if format:
        items.append(("format", format))
    query = urlencode(items)
    return url_for("recommendation.index") + (f"?{query}" if query else "")


# Filters the list page has a control for; the others (set by a dashboard link) are carried along as
# hidden fields and shown as removable chips.
FORM_KEYS = (
    "status",
    "overdue",
    "region",
    "authority",
    "subordinates",
    "kind",
    "severity",
    "category",
    "lawyer",
    "q",
)


def hidden_args(f: RecommendationFilters) -> dict[str, str]:
    return {k: v for k, v in to_args(f).items() if k not in FORM_KEYS and k != "page"}


def chips(f: RecommendationFilters) -> list[tuple[str, str]]:
    """The filters without a control on the page, in words, each with the URL that drops it."""
    from flask_babel import gettext as _

    from workflows.reports.heatmap import element_names

    from ..filters import kyiv_date
    from ..labels import label
    from ..tasks.kinds import task_label

    out: list[tuple[str, str]] = []

    def days(text: str) -> str:
        low, _sep, high = text.partition("-")
        return f"{low}–{high}" if high else f"{low}+"

    def span(start, end) -> str:
        return f"{kyiv_date(start) if start else '…'} – {kyiv_date(end) if end else '…'}"

    if f.open is not None:
        out.append((_("Open") if f.open else _("Finished"), list_url(f, open=None)))
    if f.overdue_days:
        out.append(
            (
                _(
                    "Overdue by %(days)s days",
                    days=days(f.overdue_days),
                ),
                list_url(f, overdue_days=None),
            )
        )
    if f.step:
        name = task_label(f.step, None)
        if name == f.step:  # not a user task: a timer, say — the diagram's own name
            name = element_names().get(f.step, f.step)
        out.append((_("Waiting at: %(step)s", step=name), list_url(f, step=None)))
    if f.created_from or f.created_to:
        out.append(
            (
                _("Created %(span)s", span=span(f.created_from, f.created_to)),
                list_url(f, created_from=None, created_to=None),
            )
        )
    if f.closed_from or f.closed_to:
        out.append(
            (
                _("Finished %(span)s", span=span(f.closed_from, f.closed_to)),
                list_url(f, closed_from=None, closed_to=None),
            )
        )
    if f.replied_from or f.replied_to:
        out.append(
            (
                _("First reply %(span)s", span=span(f.replied_from, f.replied_to)),
                list_url(f, replied_from=None, replied_to=None),
            )
        )
    if f.limitation:
        text = (
            _("Protocol: limitation period expired")
            if f.limitation == "expired"
            else _(
                "Protocol: %(days)s days left of the limitation period",
                days=days(f.limitation),
            )
        )
        out.append((text, list_url(f, limitation=None)))
    if f.court_decision:
        text = _("Court decision: %(decision)s", decision=label("court_decision", f.court_decision))
        if f.decided_from or f.decided_to:
            text += " · " + span(f.decided_from, f.decided_to)
        out.append((text, list_url(f, court_decision=None, decided_from=None, decided_to=None)))
    if f.published is not None:
        out.append((_("Published") if f.published else _("Not published"), list_url(f, published=None)))
    if f.facility_id:
        out.append((_("One place of deprivation of liberty"), list_url(f, facility_id=None)))
    return out
