"""Ukrainian first, English second: the locale of each request, and Kyiv time for display.

Pages: the language switch (kept in the session), else the signed-in user's setting, else
Ukrainian — whatever the browser says, the Office's product speaks Ukrainian until someone chooses
English. API: Accept-Language when sent (a client's explicit choice per request), else the token
owner's setting, else Ukrainian.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, request, session
from flask_babel import Babel, refresh

LANGUAGES = ("uk", "en")
TIMEZONE = "Europe/Kyiv"


def select_locale() -> str:
    if _has_request() and (request.path == "/public" or request.path.startswith("/public/")):
        # The transparency page says its language in the address (?lang=en), so that a cached page
        # is the same for everyone who asks for that address.
        return request.args.get("lang") if request.args.get("lang") in LANGUAGES else "uk"
    if _has_request() and request.path.startswith("/api/") and request.headers.get("Accept-Language"):
        # An API client that says which language it wants gets it, whatever the account says.
        return request.accept_languages.best_match(LANGUAGES, default="uk")
    chosen = session.get("language") if _has_request() else None
    if chosen in LANGUAGES:
        return chosen
    user = g.get("user") if _has_request() else None
    if user is not None and getattr(user, "language", None) in LANGUAGES:
        return user.language
    return "uk"


def _has_request() -> bool:
    from flask import has_request_context

    return has_request_context()


def compile_catalogs(folder: Path) -> None:
    """Build messages.mo from messages.po where it is missing or older: the catalogs in the repo are
    the .po files people edit; the compiled files are build output (.gitignore)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        tmp = mo.with_suffix(f".mo.{os.getpid()}")
        with tmp.open("wb") as target:
            write_mo(target, catalog)
        tmp.replace(mo)


def init_app(app: Flask) -> None:
    from config.settings import PROJECT_ROOT

    folder = PROJECT_ROOT / "web" / "translations"
    compile_catalogs(folder)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "uk")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(folder))
    Babel(app, locale_selector=select_locale, timezone_selector=lambda: TIMEZONE)
    # Flask-Babel caches the locale on the app context, which a request may share (tests, CLI);
    # each request decides its own language.
    app.before_request(refresh)
