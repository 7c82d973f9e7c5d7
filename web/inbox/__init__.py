"""The lawyers' inbox (placeholder until the pages land)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("inbox", __name__)


@bp.route("/")
@bp.route("/inbox")
@login_required
def index():
    return render_template("error.html", status=200, code="todo", message="Inbox", fields={})
