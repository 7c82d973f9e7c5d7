"""Signing in to the pages (sessions that expire, Argon2 passwords, CSRF on every form) and bearer
tokens for the REST API. Both put the person in `g.user`, which everything else reads."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from engine import audit
from engine.db import db
from workflows import access
from workflows.users import accounts, throttle
from workflows.users import services as users
from workflows.users.models import User

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


# The session cookie's copy of the person's session generation (workflows/users/accounts.py).
GENERATION = "_generation"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The session's person — if still active and the session was not ended server-side (sign-out,
    deactivation, a new password all raise the generation the cookie was issued with)."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active:
        return None
    if session.get(GENERATION, 0) != (user.session_generation or 0):
        return None
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def init_app(app: Flask) -> None:
    # Flask's own default (31 days) is always present, so a setdefault would never apply.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["OMBUDSFLOW_SESSION_HOURS"])
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    # Flask defines the key (as None), so a setdefault would never apply.
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(0))
    app.config["REMEMBER_COOKIE_SAMESITE"] = app.config["SESSION_COOKIE_SAMESITE"]
    # The CSRF token lives as long as the session (web/__init__.py sets it before Flask-WTF's own
    # default of one hour): a lawyer may spend an afternoon on one reply.
    from ..security import SessionInterface

    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    app.register_blueprint(bp)

    @app.before_request
    def _current_user():
        # Pages: the session's user. The API sets g.user from the bearer token itself.
        if not request.path.startswith("/api/"):
            g.user = current_user if current_user.is_authenticated else None


def allowed(capability: str):
    """Pages and API endpoints only people with this capability (`workflows.access`) may use;
    others get 403 in their language. Without a signed-in person, pages ask to sign in (the API
    has already answered 401 before any view runs)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = g.get("user")
            if user is None:
                return login_manager.unauthorized()
            access.require(user, capability)
            return view(*args, **kwargs)

        return wrapper

    return decorate


_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x1f\x7f\\\ud800-\udfff]")


def safe_next(target: str | None, default: str | None = None) -> str:
    """A local path to go back to (never another site), else `default` or the home page.

    Control characters (CR/LF would split the Location header: a server error), spaces,
    backslashes (browsers read `/\\evil.example` as `//evil.example`) and lone surrogates are
    never part of a path this site makes, so such a target is ignored, not repaired."""
    if (
        target
        and not _UNSAFE_IN_NEXT.search(target)
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return default or url_for("inbox.home")


def _safe_next(target: str | None) -> str:
    return safe_next(target)


@bp.route("/login", methods=["GET", "POST"])
def login():
    from .forms import LoginForm

    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        account, address = users.normalize_email(form.email.data), request.remote_addr or "?"
        wait = throttle.wait_minutes(account, address)
        if wait:
            audit.record(
                "sign_in_throttled", actor="anonymous", subject=account, details={"address": address}
            )
            db.session.commit()
            message = _("Too many failed sign-in attempts. Try again in %(n)d min.", n=wait)
            form.password.errors.append(message)
            response = render_template("auth/login.html", form=form), 429
            return response[0], 429, {"Retry-After": str(wait * 60)}
        user = users.authenticate(form.email.data, form.password.data)
        if user is None:
            throttle.failed(account, address)
            audit.record("sign_in_failed", actor="anonymous", subject=account, details={"address": address})
            db.session.commit()
            form.password.errors.append(_("Wrong e-mail or password."))
        else:
            throttle.succeeded(account)
            chosen = session.get("language")  # a language picked on the sign-in page stays
            session.clear()
            if chosen:
                session["language"] = chosen
            session.permanent = True
            session[GENERATION] = user.session_generation or 0
            login_user(user, remember=False)
            audit.record("signed_in", actor=user.actor, subject=user.actor)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), (422 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Server-side: the person's session generation moves on, so this cookie (and any copy of it)
    # is refused from now on (workflows/users/accounts.py).
    accounts.end_sessions(current_user)
    audit.record("signed_out", actor=current_user.actor, subject=current_user.actor)
    db.session.commit()
    chosen = session.get("language")
    logout_user()
    session.clear()
    if chosen:
        session["language"] = chosen
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    """The language switch: kept in the session (and on the account for e-mails and the API)."""
    code = request.form.get("language", "uk")
    if code in ("uk", "en"):
        session["language"] = code
        if current_user.is_authenticated and current_user.language != code:
            current_user.language = code
            db.session.commit()
    return redirect(
        _safe_next(request.form.get("next") or (request.referrer and urlsplit(request.referrer).path))
    )
