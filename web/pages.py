"""The server-rendered pages: blueprints per area, shared template helpers, vendor assets."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l

from engine.clock import clock


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: tuple[str, ...]
    current: bool = False


# What each role finds in the header. Pages check roles themselves; this only decides the links.
NAVIGATION = (
    ("inbox.index", _l("Inbox"), ("lawyer", "manager", "admin", "authority")),
    (
        "recommendation.index",
        _l("Recommendations"),
        ("lawyer", "manager", "admin", "designer", "monitor", "authority"),
    ),
    ("visit.index", _l("Visits"), ("lawyer", "manager", "admin", "monitor")),
    ("planning.plans_index", _l("Planning"), ("lawyer", "manager", "admin", "designer")),
    ("registries.place_index", _l("Registries"), ("lawyer", "manager", "admin", "designer")),
    ("admin.deliveries", _l("Failed deliveries"), ("admin",)),
)


def navigation() -> list[NavItem]:
    user = g.get("user")
    if user is None:
        return []
    area = (request.endpoint or "").split(".")[0]
    current_area = {"task": "inbox"}.get(area, area)
    return [
        NavItem(endpoint, str(label), roles, endpoint.split(".")[0] == current_area)
        for endpoint, label, roles in NAVIGATION
        if user.role in roles
    ]


def now_kyiv() -> str:
    from .filters import kyiv_datetime

    return kyiv_datetime(clock.now())


def init_app(app: Flask) -> None:
    from . import filters, labels, vendor
    from .admin import bp as admin_bp
    from .inbox import bp as inbox_bp
    from .planning import bp as planning_bp
    from .portal import bp as portal_bp
    from .recommendations import bp as recommendations_bp
    from .registries import bp as registries_bp
    from .tasks import bp as tasks_bp
    from .visits import bp as visits_bp

    filters.init_app(app)
    labels.init_app(app)
    vendor.init_app(app)
    app.jinja_env.globals.update(navigation=navigation, now_kyiv=now_kyiv)
    for blueprint in (
        inbox_bp,
        tasks_bp,
        recommendations_bp,
        visits_bp,
        admin_bp,
        portal_bp,
        planning_bp,
        registries_bp,
    ):
        app.register_blueprint(blueprint)
