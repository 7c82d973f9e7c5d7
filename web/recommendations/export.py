"""A filtered recommendations list as CSV or XLSX: the same rows as the page, in the user's
language, dates as Kyiv days."""

from __future__ import annotations

from flask_babel import gettext as _

from engine.clock import clock
from workflows.deadlines import kyiv_date
from workflows.recommendations.queries import RecommendationFilters
from workflows.reports import export
from workflows.users.models import User

from .. import exports
from ..labels import label, language


def header() -> list[str]:
    return [
        _("Number"),
        _("Recommendation"),
        _("Severity"),
        _("Category"),
        _("Status"),
        _("Deadline"),
        _("Days overdue"),
        _("Region"),
        _("Kind of place"),
        _("Place of deprivation of liberty"),
        _("Authority first addressed"),
        _("Addressee"),
        _("Responsible lawyer"),
        _("Created"),
        _("Closed"),
        _("Outcome"),
    ]


def _day(value):
    return kyiv_date(value) if value else None


def table_rows(user: User, filters: RecommendationFilters):
    for r in export.rows(user, filters, language()):
        yield [
            r.number,
            r.text,
            label("severity", r.severity),
            label("category", r.category),
            label("status", r.status),
            _day(r.due_at),
            r.days_overdue,
            r.region,
            r.facility_kind,
            r.facility,
            r.authority,
            r.addressee,
            r.lawyer,
            _day(r.created_at),
            _day(r.closed_at),
            label("outcome", r.outcome) if r.outcome else None,
        ]


def recommendations(user: User, filters: RecommendationFilters, fmt: str):
    stamp = kyiv_date(clock.now()).isoformat()
    name = _("recommendations")
    if fmt == "xlsx":
        widths = {0: 14, 1: 60, 9: 36, 10: 36, 11: 36, 12: 22}
        return exports.xlsx_response(
            f"{name}-{stamp}.xlsx", _("Recommendations"), header(), table_rows(user, filters), widths
        )
    return exports.csv_response(f"{name}-{stamp}.csv", header(), table_rows(user, filters))
