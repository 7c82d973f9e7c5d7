"""The Flask application factory: nothing is created at import time (Flask tutorial style)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from config.settings import PROJECT_ROOT, load_settings

    app = Flask(__name__, instance_relative_config=False)
    from .converters import DatabaseIntegerConverter

    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.config.from_mapping(load_settings())
    if test_config:
        app.config.update(test_config)
    from config.logging import configure as configure_logging

    configure_logging(
        app.config.get("OMBUDSFLOW_LOG_LEVEL", "INFO"), app.config.get("OMBUDSFLOW_LOG_FORMAT", "text")
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # SpiffWorkflow logs every task state change at INFO: noise in the log and time on the hot path.
    logging.getLogger("spiff").setLevel(logging.WARNING)
    app.json.ensure_ascii = False  # Ukrainian stays readable in API responses

    import engine
    import notifications
    import workflows

    from . import i18n

    i18n.init_app(app)
    engine.init_app(app)
    workflows.init_app(app)
    notifications.init_app(app)

    from flask_migrate import Migrate
    from flask_wtf.csrf import CSRFProtect

    from engine.db import db

    Migrate(app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True, render_as_batch=True)
    # Before CSRFProtect, whose own default is one hour: the token lives as long as the session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf = CSRFProtect(app)

    from . import api, auth, commands, errors, guards, ops, pages, security

    if app.config.get("OMBUDSFLOW_CLOCK_ADJUSTABLE"):
        # A clock moved by `ombudsflow clock set` or PUT /api/v1/clock (another process, maybe) holds
        # for every request here too: read the shared offset first.
        from engine import clock as clock_module

        app.before_request(lambda: clock_module.sync(db.session))
    ops.init_app(app)
    errors.init_app(app)
    guards.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    api.init_app(app, csrf)
    guards.init_body_checks(app)  # after the API's authentication: anonymous bodies stay unread
    pages.init_app(app)
    commands.init_app(app)
    return app
