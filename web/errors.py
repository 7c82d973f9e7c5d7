"""One error shape for the API — {"error": {"code", "message", "fields"}} — and friendly pages for
browsers; messages in the user's language. Domain and engine errors map to status codes here only."""

from __future__ import annotations

import logging
import re

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from engine import errors as engine_errors
from engine.db import db
from engine.deployments import DeploymentError, WarningsNotAccepted
from workflows.errors import DomainError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    if wants_json():
        return jsonify({"error": {"code": code, "message": message, "fields": fields or {}}}), status
    return render_template(
        "error.html", status=status, code=code, message=message, fields=fields or {}
    ), status


# marshmallow's and webargs' English messages, said in the user's language
_MARSHMALLOW = {
    "Missing data for required field.": lambda: _("This field is required."),
    "Field may not be null.": lambda: _("This field may not be empty."),
    "Not a valid string.": lambda: _("Enter text."),
    "Not a valid integer.": lambda: _("Enter a whole number."),
    "Not a valid boolean.": lambda: _("Enter true or false."),
    "Not a valid date.": lambda: _("Enter a valid date (YYYY-MM-DD)."),
    "Not a valid datetime.": lambda: _("Enter a valid date and time (ISO 8601)."),
    "Not a valid email address.": lambda: _("Enter a valid e-mail address."),
    "Not a valid list.": lambda: _("Enter a list."),
    "Not a valid mapping type.": lambda: _("Enter an object."),
    "Unknown field.": lambda: _("Unknown field."),
    "Invalid input type.": lambda: _("The request body must be a JSON object."),
}


_RANGE = re.compile(
    r"^Must be (?:greater than or equal to (?P<min>-?[\d.]+))?(?: and )?"
    r"(?:less than or equal to (?P<max>-?[\d.]+))?\.$"
)


def translate_marshmallow(message: str) -> str:
    if message in _MARSHMALLOW:
        return _MARSHMALLOW[message]()
    bounds = _RANGE.match(message)
    if bounds and (bounds["min"] or bounds["max"]):
        if bounds["min"] and bounds["max"]:
            return _("The value must be between %(min)s and %(max)s.", min=bounds["min"], max=bounds["max"])
        if bounds["min"]:
            return _("The value must be at least %(n)s.", n=bounds["min"])
        return _("The value must be at most %(n)s.", n=bounds["max"])
    if message.startswith("Must be one of:"):
        return _(
            "Choose one of: %(values)s", values=message.removeprefix("Must be one of:").strip().rstrip(".")
        )
    if (
        message.startswith("Length must be between")
        or message.startswith("Shorter than")
        or message.startswith("Longer than")
    ):
        return _("The length is not allowed (%(rule)s).", rule=message)
    return message


def flatten_fields(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests errors by location and list index: {"json": {"members": {0: {"name": [...]}}}}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "files", "view_args", "headers"):
                out.update(flatten_fields(value, ""))
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_form"
            out.update(flatten_fields(value, name))
    elif isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            out.setdefault(prefix or "_form", []).extend(translate_marshmallow(m) for m in messages)
        else:
            for item in messages:
                out.update(flatten_fields(item, prefix))
    elif isinstance(messages, str):
        out.setdefault(prefix or "_form", []).append(translate_marshmallow(messages))
    return out


def http_error(error: HTTPException):
    data = getattr(error, "data", None) or {}
    if error.code == 422 and ("messages" in data or "errors" in data):
        fields = flatten_fields(data.get("messages") or data.get("errors"))
        return error_response(422, "invalid", _("Some fields need your attention."), fields)
    messages = {
        400: _("The request could not be understood."),
        401: _("Sign in or send a valid API token."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("The data changed meanwhile; reload and try again."),
        413: _("The request is too large."),
        415: _("Send JSON (Content-Type: application/json)."),
        429: _("Too many requests; try again later."),
    }
    message = data.get("message") or messages.get(error.code) or error.description
    code = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        415: "unsupported_media_type",
    }.get(error.code, "http_error")
    response = error_response(error.code or 500, code, message)
    if error.code == 401 and wants_json():
        body, status = response
        body.headers["WWW-Authenticate"] = 'Bearer realm="ombudsflow"'
        return body, status
    return response


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        db.session.rollback()
        # The check runs before the request learns who is signed in; the page still says who.
        if "user" not in g:
            from flask_login import current_user

            g.user = current_user if current_user.is_authenticated else None
        return error_response(
            400,
            "csrf",
            _("The form has expired or was not sent from this site. Reload the page and try again."),
        )

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(engine_errors.NotFound)
    def _engine_not_found(exc):
        db.session.rollback()
        return error_response(404, "not_found", _("Not found."))

    @app.errorhandler(engine_errors.Conflict)
    def _engine_conflict(exc):
        db.session.rollback()
        return error_response(409, "conflict", _("The data changed meanwhile; reload and try again."))

    @app.errorhandler(engine_errors.FormInvalid)
    def _engine_form(exc):
        from workflows.tasks import form_messages

        db.session.rollback()
        return error_response(
            422, "invalid", _("Some fields need your attention."), form_messages(exc.fields)
        )

    @app.errorhandler(engine_errors.ProcessError)
    def _process_error(exc: engine_errors.ProcessError):
        db.session.rollback()
        log.error("process error at %s: %s", exc.element_id, exc.message)
        return error_response(
            500,
            "process_error",
            _(
                "The process failed at step %(step)s: %(reason)s",
                step=exc.element_id or "?",
                reason=exc.message.splitlines()[0][:300],
            ),
        )

    @app.errorhandler(engine_errors.EngineError)
    def _engine(exc: engine_errors.EngineError):
        db.session.rollback()
        return error_response(400, exc.code, exc.message)

    @app.errorhandler(DeploymentError)
    def _deployment(exc: DeploymentError):
        db.session.rollback()
        fields: dict[str, list[str]] = {}
        for problem in exc.problems:
            key = problem.file + (f"#{problem.element_id}" if problem.element_id else "")
            fields.setdefault(key, []).append(problem.reason)
        if isinstance(exc, WarningsNotAccepted):
            return error_response(
                422,
                "warnings_not_accepted",
                _("The checks found warnings; say why they may be accepted (accept_warnings)."),
                fields,
            )
        return error_response(422, "deployment_refused", _("The deployment was refused."), fields)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            500, "internal_error", _("Something went wrong on our side; it has been logged.")
        )


def reraise_refusal(exc: DomainError) -> None:
    """Pages that show a service's errors as a flash message still answer a refusal as one: a 403
    or a 404 (a record that is not the viewer's) is the error page with its status, never a 200
    with a message — the access matrix (tests/web/test_access_matrix.py) tells them apart."""
    if exc.status in (403, 404):
        raise exc
