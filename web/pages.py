"""The server-rendered pages: blueprints per area, shared template helpers, vendor assets."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import filters, vendor
    from .inbox import bp as inbox_bp

    filters.init_app(app)
    vendor.init_app(app)
    app.register_blueprint(inbox_bp)
