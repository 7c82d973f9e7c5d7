"""The transparency page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)


@bp.route("/public")
def index():
    return "todo"
