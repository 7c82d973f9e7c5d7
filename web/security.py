"""What every response carries and how the session cookie is set, in one place.

- Security headers on every response (pages, API, files, errors): a Content-Security-Policy that
  lets only this site's own scripts run — bpmn-js, dmn-js (web/static/build) and htmx are files of
  the site; styles may be inline because the diagram editors set them on SVG elements —, no framing
  (frame-ancestors 'none' and X-Frame-Options DENY), nosniff and a Referrer-Policy. A route that
  needs a stricter policy (a served file) sets its own header first; it is kept.
- The session cookie is `Secure` when SESSION_COOKIE_SECURE is set or the request came over TLS
  (directly, or through a proxy trusted with OMBUDSFLOW_PROXY_HOPS: ProxyFix reads X-Forwarded-*).
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with `Secure` also when this very request came over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        return bool(has_request_context() and request.is_secure)


def _headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    hops = int(app.config.get("OMBUDSFLOW_PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.after_request(_headers)
