"""The dashboards: overdue and implementation figures (/dashboard), the heat map of the process
(/dashboard/heatmap) and managers' alerts (/dashboard/alerts). Every number links to its list."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from workflows.access import DASHBOARD_ROLES, HEATMAP_ROLES
from workflows.reports import figures, heatmap
from workflows.reports import periods as period_module

from ..auth import roles_required
from ..forms import dates
from ..recommendations import params as list_params
from . import view

bp = Blueprint("dashboard", __name__)


def period_from(args) -> period_module.Period:
    return period_module.parse(dates.parse(args.get("from")), dates.parse(args.get("to")), args.get("period"))


@bp.route("/dashboard")
@roles_required(*DASHBOARD_ROLES)
def index():
    asked = list_params.filters_from(request.args)
    period = period_from(request.args)
    dashboard = figures.build(g.user, figures.scope_for(g.user, asked), period)
    return render_template(
        "dashboards/index.html",
        d=dashboard,
        v=view.DashboardView(dashboard, g.user, request.args),
        **view.HELPERS,
    )


@bp.route("/dashboard/heatmap")
@roles_required(*HEATMAP_ROLES)
def heat_map():
    period = period_from(request.args)
    heat = heatmap.build(period)
    return render_template(
        "dashboards/heatmap.html", heat=heat, v=view.HeatmapView(heat, request.args), **view.HELPERS
    )


@bp.route("/dashboard/heatmap.bpmn")
@roles_required(*HEATMAP_ROLES)
def heat_map_xml():
    from flask import Response, abort

    xml = heatmap.diagram_xml()
    if xml is None:
        abort(404)
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "private, max-age=300"})


@bp.route("/dashboard/alerts")
@roles_required("manager", "admin")
def alerts():
    return "todo"
