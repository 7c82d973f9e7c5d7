"""Limits before work (issue 21): what a request may carry is checked before anything parses it.

1. Size, from the Content-Length header alone: a body over `MAX_CONTENT_LENGTH`
   (`OMBUDSFLOW_MAX_REQUEST_BYTES`, 2 MiB) is refused with 413 before a byte of it is read; the
   routes marked `@upload` (diagram and registry imports) get `OMBUDSFLOW_MAX_UPLOAD_BYTES`
   (20 MiB) instead. Werkzeug enforces the same limit on a body sent without a length.
2. NUL characters (U+0000) in the path and the query: PostgreSQL cannot keep them in text or JSONB,
   so letting them through would turn a typo or an attack into a server error mid-command.
3. The body, only after authentication for API routes (`body_checks` runs after
   `web.api.authenticate_request`, so an anonymous body is answered 401 unread): a JSON body goes
   through `engine.jsonlimits` — nesting, number length, NaN/Infinity, lone surrogates — and the
   NUL check; a form body through the NUL and surrogate checks. Every refusal is a 4xx with the
   standard error body, the field named where there is one.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, request
from flask_babel import gettext as _

from engine import jsonlimits

from .errors import error_response

NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")


def upload(view):
    """Mark a view that receives files: it may take `OMBUDSFLOW_MAX_UPLOAD_BYTES`."""
    view.ombudsflow_upload = True
    return view


def _limit() -> int | None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "ombudsflow_upload", False):
        return current_app.config.get("OMBUDSFLOW_MAX_UPLOAD_BYTES")
    return current_app.config.get("MAX_CONTENT_LENGTH")


def _too_large(limit: int):
    return error_response(
        413,
        "too_large",
        _("The request is too large (at most %(size)s MB).", size=f"{limit / 1024 / 1024:g}"),
    )


def _where(value: Any, path: str = "") -> str | None:
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return where or "_form"
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                if NUL in str(key):
                    return name
                stack.append((child, name))
        elif isinstance(item, list):
            stack.extend((child, f"{where}.{i}" if where else str(i)) for i, child in enumerate(item))
    return None


def _nul(field: str):
    return error_response(
        400,
        "bad_request",
        _("The request contains a NUL character, which cannot be stored."),
        {field: [_("Remove the NUL character (U+0000).")]},
    )


def refuse_before_reading():
    """Size, and NUL in the path and query: nothing of the body is read here."""
    limit = _limit()
    if limit:
        request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            return _too_large(limit)
    if NUL in request.path:
        return _nul("_path")
    for key, values in request.args.lists():
        if NUL in key or any(NUL in v for v in values):
            return _nul(key.replace(NUL, "") or "_query")
    return None


def _field_of(path: str) -> str:
    """`$.data.items[2]` -> `data.items.2`, the field naming of the error body."""
    field = path.removeprefix("$").lstrip(".")
    return re.sub(r"\[(\d+)\]", r".\1", field).lstrip(".") or "_form"


def body_checks():
    """The body, checked once before any view or schema parses it (after authentication)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.is_json:
        data = request.get_data(cache=True)
        try:
            value = jsonlimits.loads(data) if data.strip() else None
        except jsonlimits.JsonRefused as exc:
            field = _field_of(exc.path) if exc.path else "_body"
            message = _("The request body was refused: %(reason)s", reason=exc.reason)
            return error_response(400, "bad_request", message, {field: [exc.reason]})
        except ValueError:
            return error_response(400, "bad_request", _("The request body is not valid JSON."))
        field = _where(value)
        return _nul(field) if field else None
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.form.lists():
            if NUL in key or any(NUL in v for v in values):
                return _nul(key.replace(NUL, "") or "_form")
            if _SURROGATE.search(key) or any(_SURROGATE.search(v) for v in values):
                return error_response(
                    400,
                    "bad_request",
                    _("The text is not valid Unicode."),
                    {key: [_("Remove the invalid character.")]},
                )
    return None


def init_app(app: Flask) -> None:
    # First of all: CSRF protection and the rest read the form, and must see this request's limit.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_before_reading)


def init_body_checks(app: Flask) -> None:
    """Registered after the API's authentication (see web/__init__.py)."""
    app.before_request(body_checks)
