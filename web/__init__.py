"""The Flask application factory: nothing is created at import time (Flask tutorial style)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from config.settings import load_settings

    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(load_settings())
    if test_config:
        app.config.update(test_config)
    logging.basicConfig(
        level=app.config.get("OMBUDSFLOW_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)

    import engine
    import notifications
    import workflows

    from . import i18n

    i18n.init_app(app)

    engine.init_app(app)
    workflows.init_app(app)
    notifications.init_app(app)

    from flask_migrate import Migrate

    from engine.db import db

    Migrate(app, db, directory=str(_migrations_dir()), compare_type=True, render_as_batch=True)

    from . import commands

    commands.init_app(app)
    return app


def _migrations_dir():
    from config.settings import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"
