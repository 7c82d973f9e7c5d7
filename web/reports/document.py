"""The annual-report section as words: one `ReportDocument` (titles, table headers, rows) that the
printable page and the PDF both show, in the language asked for."""

from __future__ import annotations

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from workflows.reports.annual import AnnualReport, Crosstab
from workflows.reports.pdf import ReportDocument, ReportSection, ReportTable
from workflows.reports.periods import Period

from .. import registry
from ..dashboards.charts import Bar, Segment, hbars
from ..dashboards.view import PeriodView
from ..filters import kyiv_date, kyiv_datetime
from ..labels import label


class PeriodForm(PeriodView):
    def __init__(self, period: Period) -> None:
        self.period = period


def _n(value: int) -> str:
    return format_decimal(value)


def _crosstab(
    title: str, first: str, table: Crosstab, row_name, column_name, *, chart: bool = True
) -> ReportTable:
    header = [first, *(column_name(c) for c in table.columns), _("Total")]
    rows = [
        [row_name(r), *(_n(table.get(r, c)) for c in table.columns), _n(table.row_total(r))]
        for r in table.rows
        if table.row_total(r) or len(table.rows) <= 12
    ]
    footer = [_("Total"), *(_n(table.column_total(c)) for c in table.columns), _n(table.total)]
    bars = [(row_name(r), table.row_total(r)) for r in table.rows if table.row_total(r)] if chart else []
    return ReportTable(title, header, rows, footer, bars)


def _single(title: str, first: str, table: Crosstab, row_name) -> ReportTable:
    rows = [[row_name(r), _n(table.get(r, "n"))] for r in table.rows]
    bars = [(row_name(r), table.get(r, "n")) for r in table.rows if table.get(r, "n")]
    return ReportTable(title, [first, _("Count")], rows, [_("Total"), _n(table.total)], bars)


TIMELINESS = {
    "in_term": lambda: _("In term"),
    "late": lambda: _("Late"),
    "no_reply": lambda: _("No reply"),
    "pending": lambda: _("Term running"),
}


def build(report: AnnualReport, language: str) -> ReportDocument:
    regions = dict(registry.regions())
    kinds = dict(registry.facility_kinds())
    period = f"{kyiv_date(report.period.start)} – {kyiv_date(report.period.end)}"
    visit_kind = lambda c: label("visit_kind", c)  # noqa: E731
    rate_rows = [
        [a.name(language), _n(impl), _n(ended), format_percent(impl / ended, "#,##0%") if ended else "—"]
        for a, impl, ended in report.implementation_by_authority
    ]
    implemented = report.outcomes.get("implemented", "n")
    sections = [
        ReportSection(
            _("Monitoring visits"),
            [
                _crosstab(
                    _("Visits by region"),
                    _("Region"),
                    report.visits_by_region,
                    lambda c: regions.get(c, c),
                    visit_kind,
                ),
                _crosstab(
                    _("Visits by kind of place"),
                    _("Kind of place"),
                    report.visits_by_kind,
                    lambda c: kinds.get(c, c),
                    visit_kind,
                ),
            ],
        ),
        ReportSection(
            _("Recommendations"),
            [
                _crosstab(
                    _("Recommendations by category and severity"),
                    _("Category"),
                    report.recommendations,
                    lambda c: label("category", c),
                    lambda c: label("severity", c),
                )
            ],
        ),
        ReportSection(
            _("Acts of response and replies"),
            [
                _crosstab(
                    _("Acts of response sent, and the authorities' replies"),
                    _("Kind of act"),
                    report.acts,
                    lambda c: label("act_kind", c),
                    lambda c: TIMELINESS[c](),
                )
            ],
            _(
                "In term: the first reply after the act came by its deadline; late: after it; "
                "no reply: none by the deadline; term running: the deadline has not passed yet."
            ),
        ),
        ReportSection(
            _("Implementation"),
            [
                _single(
                    _("Recommendations whose follow-up ended, by outcome"),
                    _("Outcome"),
                    report.outcomes,
                    lambda c: label("outcome", c),
                ),
                ReportTable(
                    _("Implementation by central authority (with the bodies under it)"),
                    [_("Authority"), _("Implemented"), _("Finished"), _("Rate")],
                    rate_rows,
                    bars=[(a.name(language), impl) for a, impl, _e in report.implementation_by_authority],
                ),
            ],
            _(
                "Implemented: %(n)s of %(total)s recommendations whose follow-up ended in the period.",
                n=_n(implemented),
                total=_n(report.outcomes.total),
            ),
        ),
        ReportSection(
            _("Escalation and accountability"),
            [
                _single(
                    _("Escalations by kind"),
                    _("Kind"),
                    report.escalations,
                    lambda c: label("escalation_kind", c),
                ),
                _single(
                    _("Court decisions on protocols (Art. 188-40)"),
                    _("Decision"),
                    report.court_decisions,
                    lambda c: label("court_decision", c),
                ),
            ],
            _("Administrative-offence protocols drawn up: %(n)s.", n=_n(report.protocols_drawn)),
        ),
    ]
    return ReportDocument(
        title=_("National preventive mechanism: section of the annual report"),
        subtitle=_(
            "Period %(period)s. Prepared %(when)s (Kyiv time).",
            period=period,
            when=kyiv_datetime(report.generated_at),
        ),
        sections=sections,
        footer=_("Ombudsflow · page {page} of {pages}"),
        author=_("Ukrainian Parliament Commissioner for Human Rights"),
    )


def charts(table: ReportTable):
    bars = [Bar(name, [Segment(value, "open", None, f"{name}: {value:g}")]) for name, value in table.bars]
    return hbars(bars, table.title + ": " + ", ".join(f"{b.label} {b.total:g}" for b in bars))
