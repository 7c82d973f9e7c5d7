"""Клопотання про продовження строку on the authority's site: one code path for its three ways in —
a recommendation's page of a signed-in official (`/portal/recommendations/<id>/extension`), the
signed link of a recommendation's letter (`/respond/<token>`, `action=extension`) and the answer
form of a letter (`action=extension`, account or link). Each way in says only who asks about which
recommendation (`ask`) and how its page is drawn again with the errors (`render`); reading the
form, committing, the refusal and the confirmation are here, once. The rules are
`workflows.recommendations.extensions`'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request
from flask_babel import gettext as _

from engine.db import db
from workflows.errors import Conflict, Invalid

FIELDS = ("recommendation_id", "requested_until", "reason")


def blank() -> dict[str, Any]:
    """The extension form as first drawn: `values`, `errors`, `message` (what the templates read)."""
    return {"values": {}, "errors": {}, "message": None}


def handle(
    ask: Callable[[dict[str, str]], object], *, render: Callable[[dict[str, Any], int], Any], done: str
):
    """Ask for the extension with the form's values: on success commit, confirm and go to `done`;
    refused (bad date, no reason, nothing to extend), nothing is written and the page is drawn
    again by `render(form, status)` with what was typed and the errors, 422 or 409."""
    values = {k: request.form.get(k, "") for k in FIELDS}
    try:
        ask(values)
        db.session.commit()
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        return render({"values": values, "errors": exc.fields, "message": exc.message}, exc.status)
    flash(
        _(
            "Your extension request has been received; the decision will be sent to you. "
            "You can still send your reply at any time."
        ),
        "success",
    )
    return redirect(done)
