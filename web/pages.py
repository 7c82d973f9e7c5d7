"""The server-rendered pages: blueprints per area, shared template helpers, vendor assets."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request
from flask_babel import gettext, lazy_pgettext
from flask_babel import lazy_gettext as _l

from engine.clock import clock
from workflows import access
from workflows.errors import Forbidden


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    current: bool = False


# What each person finds in the header, by capability (`workflows.access`); None: everyone signed in.
NAVIGATION = (
    ("portal.home", lazy_pgettext("portal", "Addressed to us"), access.USE_PORTAL),
    ("inbox.index", _l("Inbox"), access.USE_INBOX),
    ("recommendation.index", _l("Recommendations"), access.SEE_OFFICE_PAGES),
    ("visit.index", _l("Visits"), access.SEE_VISITS),
    ("planning.plans_index", _l("Planning"), access.PLAN_READ),
    ("registries.place_index", _l("Registries"), access.REGISTRY_READ),
    ("dashboard.index", _l("Dashboard"), access.SEE_DASHBOARD),
    ("dashboard.heat_map", _l("Heat map of the process"), access.SEE_HEATMAP),
    ("admin.calendar_page", _l("Calendar"), access.EDIT_CALENDAR),
    ("admin.deliveries", _l("Failed deliveries"), access.ADMINISTER),
    ("admin.accounts_page", _l("Accounts and tokens"), access.MANAGE_ACCOUNTS),
    ("designer.index", _l("Process designer"), access.DEPLOY),
)


# The Office's own pages: refused to those without `SEE_OFFICE_PAGES` (the authorities' officials,
# who have /portal), whatever each view checks itself.
OFFICE_AREAS = frozenset(
    {
        "inbox",
        "task",
        "recommendation",
        "visit",
        "document",
        "dashboard",
        "report",
        "planning",
        "registries",
        "admin",
        "designer",
    }
)


def refuse_office_pages():
    user = g.get("user")
    endpoint = request.endpoint or ""
    if user is None or endpoint == "inbox.home" or endpoint.split(".")[0] not in OFFICE_AREAS:
        return None
    if not access.can(user, access.SEE_OFFICE_PAGES):
        raise Forbidden(
            gettext("These are the Office's pages. What was addressed to your authority is on its own site.")
        )
    return None


def navigation() -> list[NavItem]:
    user = g.get("user")
    if user is None:
        return []
    area = (request.endpoint or "").split(".")[0]
    current_area = {"task": "inbox"}.get(area, area)
    return [
        NavItem(
            endpoint,
            str(label),
            (endpoint.split(".")[0] == current_area and area != "admin") or endpoint == request.endpoint,
        )
        for endpoint, label, capability in NAVIGATION
        if capability is None or access.can(user, capability)
    ]


def now_kyiv() -> str:
    from .filters import kyiv_datetime

    return kyiv_datetime(clock.now())


def init_app(app: Flask) -> None:
    from . import designer, filters, labels, vendor
    from .admin import bp as admin_bp
    from .dashboards import bp as dashboards_bp
    from .documents import bp as documents_bp
    from .inbox import bp as inbox_bp
    from .planning import bp as planning_bp
    from .portal import bp as portal_bp
    from .public import bp as public_bp
    from .recommendations import bp as recommendations_bp
    from .registries import bp as registries_bp
    from .reports import bp as reports_bp
    from .tasks import bp as tasks_bp
    from .visits import bp as visits_bp

    app.before_request(refuse_office_pages)
    filters.init_app(app)
    labels.init_app(app)
    vendor.init_app(app)
    app.jinja_env.globals.update(
        navigation=navigation, now_kyiv=now_kyiv, now_utc=clock.now, can=access.can, access=access
    )
    for blueprint in (
        inbox_bp,
        tasks_bp,
        recommendations_bp,
        visits_bp,
        admin_bp,
        portal_bp,
        documents_bp,
        dashboards_bp,
        reports_bp,
        public_bp,
        planning_bp,
        registries_bp,
    ):
        app.register_blueprint(blueprint)
    designer.init_app(app)
