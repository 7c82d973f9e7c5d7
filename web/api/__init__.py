"""The REST API under /api/v1: bearer tokens, one error shape, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_smorest import Api

from workflows.users import services as users

from ..errors import error_response, http_error
from .schemas import ErrorSchema

PUBLIC_PATHS = ("/api/v1/openapi.json", "/api/v1/docs")


class OmbudsflowApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return http_error(error)


def authenticate_request():
    """Every /api/ request but the OpenAPI document needs `Authorization: Bearer <token>`."""
    if not request.path.startswith("/api/") or request.path.startswith(PUBLIC_PATHS):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    user = users.user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        response, status = error_response(401, "unauthorized", _("Sign in or send a valid API token."))
        response.headers["WWW-Authenticate"] = 'Bearer realm="ombudsflow"'
        return response, status
    g.user = user
    return None


def init_app(app: Flask, csrf) -> None:
    app.config.update(
        API_TITLE="Ombudsflow API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "Follow-up of NPM recommendations. Authenticate with `Authorization: Bearer <token>` "
                    "(`ombudsflow users add EMAIL --role … --token`). Errors: "
                    '`{"error": {"code", "message", "fields"}}`; messages follow the user\'s language. '
                    "Limits before work: a body over `OMBUDSFLOW_MAX_REQUEST_BYTES` (2 MiB) is answered "
                    "413 `too_large` unread; after authentication, JSON nested deeper than 64 levels, "
                    "a number literal over 100 characters, `NaN`/`Infinity`, a lone surrogate or a NUL "
                    "character is answered 400 `bad_request` with the field named."
                )
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api = OmbudsflowApi(app)
    app.before_request(authenticate_request)
    from . import (
        answers,
        calendar,
        documents,
        grants,
        planning,
        recommendations,
        reference,
        registry,
        system,
        tasks,
        tokens,
        visits,
    )

    for module in (
        reference,
        registry,
        visits,
        recommendations,
        tasks,
        system,
        calendar,
        documents,
        grants,
        planning,
        tokens,
        answers,
    ):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
