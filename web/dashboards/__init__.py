"""The dashboards: overdue and implementation figures (/dashboard), the heat map of the process
(/dashboard/heatmap) and managers' alerts (/dashboard/alerts). Every number links to its list."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.db import db
from workflows import access
from workflows.alerts import services as alert_services
from workflows.errors import Invalid
from workflows.reports import figures, heatmap
from workflows.reports import periods as period_module

from .. import registry
from ..auth import allowed
from ..forms import dates
from ..recommendations import params as list_params
from ..recommendations.params import list_url
from . import view

bp = Blueprint("dashboard", __name__)


def period_from(args) -> period_module.Period:
    return period_module.parse(dates.parse(args.get("from")), dates.parse(args.get("to")), args.get("period"))


@bp.route("/dashboard")
@allowed(access.SEE_DASHBOARD)
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
@allowed(access.SEE_HEATMAP)
def heat_map():
    period = period_from(request.args)
    heat = heatmap.build(period)
    return render_template(
        "dashboards/heatmap.html", heat=heat, v=view.HeatmapView(heat, request.args), **view.HELPERS
    )


@bp.route("/dashboard/heatmap.bpmn")
@allowed(access.SEE_HEATMAP)
def heat_map_xml():
    from flask import abort

    from web.files import send_text

    xml = heatmap.diagram_xml()
    if xml is None:
        abort(404)
    return send_text(xml, name="heatmap.bpmn", cache_control="private, max-age=300")


@bp.route("/dashboard/alerts", methods=["GET", "POST"])
@allowed(access.MANAGE_PUBLICATION)
def alerts():
    """A manager's alerts: the list, and a form to add one (kind, authority or oblast, days, threshold)."""
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("kind", "authority_id", "region", "days", "threshold")}
        try:
            alert_services.subscribe(g.user, **values)
            db.session.commit()
            flash(_("The alert is set. You will get an e-mail when its condition becomes true."), "success")
            return redirect(url_for("dashboard.alerts"))
        except Invalid as exc:
            db.session.rollback()
            errors, status = exc.fields, 422
    subscriptions = alert_services.subscriptions(g.user)
    return render_template(
        "dashboards/alerts.html",
        subscriptions=subscriptions,
        describe=alert_services.describe,
        list_of=lambda sub: list_url(alert_services.filters(sub)),
        authorities=registry.filter_authorities(),
        regions=registry.regions(),
        values=values,
        errors=errors,
        **view.HELPERS,
    ), status


@bp.route("/dashboard/alerts/<int:subscription_id>/delete", methods=["POST"])
@allowed(access.MANAGE_PUBLICATION)
def delete_alert(subscription_id: int):
    alert_services.unsubscribe(g.user, subscription_id)
    db.session.commit()
    flash(_("The alert has been removed."), "success")
    return redirect(url_for("dashboard.alerts"))
