"""The annual-report section (HTML to print, and PDF), Ukrainian and English."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("report", __name__)


@bp.route("/reports/annual")
def annual():
    return "todo"
