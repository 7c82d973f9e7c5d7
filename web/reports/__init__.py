"""The annual-report section (розділ НПМ річної доповіді) for a chosen period: a printable page and
the same document as a PDF, in Ukrainian or English (?lang=)."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request
from flask_babel import force_locale

from workflows import access
from workflows.reports import annual as annual_report
from workflows.reports import pdf as report_pdf

from ..auth import allowed
from ..dashboards import period_from
from ..dashboards import view as dashboard_view
from . import document

bp = Blueprint("report", __name__)
LANGUAGES = ("uk", "en")


def _language() -> str:
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else (g.user.language if g.user.language in LANGUAGES else "uk")


@bp.route("/reports/annual")
@allowed(access.MANAGE_PUBLICATION)
def annual():
    period = period_from(request.args)
    language = _language()
    report = annual_report.build(period)
    with force_locale(language):
        doc = document.build(report, language)
    return render_template(
        "reports/annual.html",
        doc=doc,
        report=report,
        report_language=language,
        v=document.PeriodForm(period),
        charts=document.charts,
        **dashboard_view.HELPERS,
    )


@bp.route("/reports/annual.pdf")
@allowed(access.MANAGE_PUBLICATION)
def annual_pdf():
    period = period_from(request.args)
    language = _language()
    report = annual_report.build(period)
    with force_locale(language):
        doc = document.build(report, language)
    body = report_pdf.render(doc, created_at=report.generated_at)
    filename = f"npm-annual-report-{period.start.isoformat()}-{period.end.isoformat()}-{language}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
