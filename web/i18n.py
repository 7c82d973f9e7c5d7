"""Ukrainian first, English second: the locale of each request, and Kyiv time for display.

The locale comes from the signed-in user's setting, else a choice stored in the session (the
language switch), else the browser's Accept-Language among uk/en, else Ukrainian.
"""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_babel import Babel

LANGUAGES = ("uk", "en")
TIMEZONE = "Europe/Kyiv"


def select_locale() -> str:
    chosen = session.get("language") if _has_request() else None
    if chosen in LANGUAGES:
        return chosen
    user = g.get("user") if _has_request() else None
    if user is not None and getattr(user, "language", None) in LANGUAGES:
        return user.language
    if _has_request():
        return request.accept_languages.best_match(LANGUAGES, default="uk")
    return "uk"


def _has_request() -> bool:
    from flask import has_request_context

    return has_request_context()


def init_app(app: Flask) -> None:
    from config.settings import PROJECT_ROOT

    app.config.setdefault("BABEL_DEFAULT_LOCALE", "uk")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "web" / "translations"))
    Babel(app, locale_selector=select_locale, timezone_selector=lambda: TIMEZONE)
