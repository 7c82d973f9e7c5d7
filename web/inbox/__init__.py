"""The lawyers' inbox: my tasks and my groups' unclaimed tasks, filtered, counted, sorted and paged.

One call to `workflows.inbox.inbox` answers the page from the projection tables (no workflow is
restored for a list); everything else on the page is names for the codes it returns.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import login_required

from workflows import access, inbox
from workflows.escalations import obstructions
from workflows.planning import queries as planning_queries
from workflows.visits.models import SEVERITIES

from .. import registry
from ..auth import allowed
from ..people import actor_names
from ..tasks.kinds import task_kinds, task_label
from . import params

bp = Blueprint("inbox", __name__)


@bp.route("/")
@login_required
def home():
    if access.can(g.user, access.USE_PORTAL):
        return redirect(url_for("portal.home"))
    if access.can(g.user, access.USE_INBOX):
        return redirect(url_for("inbox.index"))
    if access.can(g.user, access.RECORD_VISITS):
        return redirect(url_for("visit.index"))
    return redirect(url_for("recommendation.index"))


@bp.route("/inbox")
@allowed(access.USE_INBOX)
def index():
    filters = params.filters_from(request.args)
    page = inbox.inbox(g.user, filters)
    plan_tasks = planning_queries.open_tasks(g.user) if filters.page == 1 else []
    obstruction_tasks = obstructions.open_tasks(g.user) if filters.page == 1 else []
    return render_template(
        "inbox/index.html",
        page=page,
        filters=filters,
        url_with=lambda **changes: params.url_with(filters, **changes),
        here=request.full_path if request.query_string else request.path,
        assignees=actor_names([row.assignee for row in page.rows] + [t.task.assignee for t in plan_tasks]),
        task_label=task_label,
        options={
            "regions": registry.regions(),
            "kinds": registry.facility_kinds(),
            "authorities": registry.filter_authorities(filters.authority_id),
            "severities": [(s, s) for s in SEVERITIES],
            "tasks": task_kinds(),
        },
        staff=access.can(g.user, access.HAND_OVER_TASKS),
        plan_tasks=plan_tasks,
        obstruction_tasks=obstruction_tasks,
    )
