"""Input no database can store is refused at the door: a NUL character (U+0000) anywhere in the
path, the query, a form or a JSON body. PostgreSQL cannot keep it in text or JSONB, so letting it
through would turn a typo or an attack into a server error halfway through a command."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import gettext as _

from .errors import error_response

NUL = "\x00"


def _where(value: Any, path: str = "") -> str | None:
    if isinstance(value, str):
        return (path or "_form") if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return name
            found = _where(item, name)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _where(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def refuse_nul():
    field = None
    if NUL in request.path:
        field = "_path"
    else:
        for source in (request.args, request.form):
            for key, values in source.lists():
                if NUL in key or any(NUL in v for v in values):
                    field = key.replace(NUL, "")
                    break
            if field:
                break
        if field is None and request.is_json:
            field = _where(request.get_json(silent=True))
    if field is None:
        return None
    return error_response(
        400,
        "bad_request",
        _("The request contains a NUL character, which cannot be stored."),
        {field: [_("Remove the NUL character (U+0000).")]},
    )


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul)
