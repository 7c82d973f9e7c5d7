"""Settings from environment variables, with defaults that are safe for a laptop.

Every setting has one name, used both as the environment variable and as the Flask config key, so
that the README's table, `flask config` and the code all say the same thing.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("OMBUDSFLOW_INSTANCE_DIR", PROJECT_ROOT / "instance")).resolve()


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    raw = (os.environ.get(name) or default).strip().lower()
    if raw not in choices:
        raise SystemExit(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a number, got {raw!r}") from exc


def _secret_key() -> str:
    """A stable secret for the embedded set-up: sessions survive a restart of `make run`."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def normalize_database_url(url: str) -> str:
    """`postgres://` and `postgresql://` mean psycopg 3 here: its pipeline mode lets a command send its
    writes in one round trip (engine/writes.py). An explicit `postgresql+psycopg2://` still works
    (the writes then go one by one)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalize_database_url(url)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'ombudsflow.sqlite3'}"


def load_settings() -> dict:
    env = os.environ.get
    return {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": database_url(),
        # Migrations as the schema's owner; DATABASE_URL is then the application's role, with row
        # rights only (`ombudsflow db-role`, docs/OPERATIONS.md). Empty: migrate with DATABASE_URL.
        "OMBUDSFLOW_MIGRATION_URL": normalize_database_url(env("DATABASE_MIGRATION_URL", "").strip()),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "OMBUDSFLOW_INSTANCE_DIR": str(INSTANCE_DIR),
        # Public address used in e-mails (reply links) and webhooks.
        "OMBUDSFLOW_BASE_URL": env("OMBUDSFLOW_BASE_URL", "http://127.0.0.1:5000"),
        # Background jobs (timer sweep, outbox delivery, digests) in this process.
        "OMBUDSFLOW_SCHEDULER": _bool(env("OMBUDSFLOW_SCHEDULER"), False),
        # The timer loop sleeps until the soonest timer, at most this long (woken sooner by NOTIFY on
        # PostgreSQL; on SQLite it also looks every OMBUDSFLOW_SWEEP_POLL seconds).
        "OMBUDSFLOW_SWEEP_INTERVAL": _int("OMBUDSFLOW_SWEEP_INTERVAL", 30),
        "OMBUDSFLOW_SWEEP_POLL": _float("OMBUDSFLOW_SWEEP_POLL", 1.0),
        # Another process (`ombudsflow scheduler`) runs the jobs: /readyz checks its heartbeat.
        "OMBUDSFLOW_SCHEDULER_EXPECTED": _bool(env("OMBUDSFLOW_SCHEDULER_EXPECTED"), False),
        "OMBUDSFLOW_SWEEP_BATCH": _int("OMBUDSFLOW_SWEEP_BATCH", 100),
        "OMBUDSFLOW_TIMER_RETRIES": _int("OMBUDSFLOW_TIMER_RETRIES", 3),
        "OMBUDSFLOW_OUTBOX_INTERVAL": _int("OMBUDSFLOW_OUTBOX_INTERVAL", 15),
        # SQLite only: fold the write-ahead log into the database between requests.
        "OMBUDSFLOW_CHECKPOINT_INTERVAL": _int("OMBUDSFLOW_CHECKPOINT_INTERVAL", 60),
        # PostgreSQL: how often new audit events are sealed into the hash chain.
        "OMBUDSFLOW_AUDIT_SEAL_INTERVAL": _int("OMBUDSFLOW_AUDIT_SEAL_INTERVAL", 5),
        "OMBUDSFLOW_SCRIPT_TIMEOUT_MS": _int("OMBUDSFLOW_SCRIPT_TIMEOUT_MS", 200),
        # Limits before work (issue 21): the largest request body, a larger one for upload routes
        # only, and the most files one deployment may hold.
        "MAX_CONTENT_LENGTH": _int("OMBUDSFLOW_MAX_REQUEST_BYTES", 2 * 1024 * 1024),
        "OMBUDSFLOW_MAX_UPLOAD_BYTES": _int("OMBUDSFLOW_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        "OMBUDSFLOW_DEPLOY_MAX_FILES": _int("OMBUDSFLOW_DEPLOY_MAX_FILES", 300),
        # Lets the CLI and admins move the clock (demo, acceptance tests); off in production.
        "OMBUDSFLOW_CLOCK_ADJUSTABLE": _bool(env("OMBUDSFLOW_CLOCK_ADJUSTABLE"), False),
        "OMBUDSFLOW_BPMN_DIR": env("OMBUDSFLOW_BPMN_DIR", str(PROJECT_ROOT / "bpmn")),
        "OMBUDSFLOW_DEPLOY_ON_START": _bool(env("OMBUDSFLOW_DEPLOY_ON_START"), True),
        "OMBUDSFLOW_SESSION_HOURS": _int("OMBUDSFLOW_SESSION_HOURS", 8),
        # The session cookie only over HTTPS (also set per request when it came over TLS).
        "SESSION_COOKIE_SECURE": _bool(env("SESSION_COOKIE_SECURE"), False),
        # Behind this many reverse proxies: trust their X-Forwarded-For/-Proto/-Host (ProxyFix).
        "OMBUDSFLOW_PROXY_HOPS": _int("OMBUDSFLOW_PROXY_HOPS", 0),
        # Sign-in throttle (workflows/users/throttle.py): wrong passwords per account / per address
        # within the window before sign-in is refused for the rest of it.
        "OMBUDSFLOW_SIGNIN_MAX_PER_ACCOUNT": _int("OMBUDSFLOW_SIGNIN_MAX_PER_ACCOUNT", 5),
        "OMBUDSFLOW_SIGNIN_MAX_PER_ADDRESS": _int("OMBUDSFLOW_SIGNIN_MAX_PER_ADDRESS", 20),
        "OMBUDSFLOW_SIGNIN_WINDOW_MINUTES": _int("OMBUDSFLOW_SIGNIN_WINDOW_MINUTES", 15),
        # An official's invitation link (set a password, issue 16) works this long, once.
        "OMBUDSFLOW_INVITATION_HOURS": _int("OMBUDSFLOW_INVITATION_HOURS", 72),
        # Mail: without a host, messages go to files under OMBUDSFLOW_MAIL_SINK_DIR.
        "OMBUDSFLOW_SMTP_HOST": env("OMBUDSFLOW_SMTP_HOST", ""),
        "OMBUDSFLOW_SMTP_PORT": _int("OMBUDSFLOW_SMTP_PORT", 25),
        "OMBUDSFLOW_SMTP_USER": env("OMBUDSFLOW_SMTP_USER", ""),
        "OMBUDSFLOW_SMTP_PASSWORD": env("OMBUDSFLOW_SMTP_PASSWORD", ""),
        "OMBUDSFLOW_SMTP_SECURITY": env("OMBUDSFLOW_SMTP_SECURITY", "none"),
        "OMBUDSFLOW_SMTP_TIMEOUT": _int("OMBUDSFLOW_SMTP_TIMEOUT", 20),
        "OMBUDSFLOW_MAIL_FROM": env("OMBUDSFLOW_MAIL_FROM", "Ombudsflow <npm@ombudsflow.localhost>"),
        "OMBUDSFLOW_MAIL_SINK_DIR": env("OMBUDSFLOW_MAIL_SINK_DIR", str(INSTANCE_DIR / "mail")),
        "OMBUDSFLOW_WEBHOOK_TIMEOUT": _int("OMBUDSFLOW_WEBHOOK_TIMEOUT", 10),
        "OMBUDSFLOW_DELIVERY_RETRIES": _int("OMBUDSFLOW_DELIVERY_RETRIES", 6),
        "OMBUDSFLOW_DIGEST_HOUR": _int("OMBUDSFLOW_DIGEST_HOUR", 8),
        "OMBUDSFLOW_DIGEST_CHECK_INTERVAL": _int("OMBUDSFLOW_DIGEST_CHECK_INTERVAL", 600),
        # Managers' alerts: how often the job counts each alert's list.
        "OMBUDSFLOW_ALERT_INTERVAL": _int("OMBUDSFLOW_ALERT_INTERVAL", 300),
        # Grouped submissions: how often a recommendation whose act went out after the document's one
        # e-mail was already received gets that receipt (workflows/recommendations/receipts.catch_up).
        "OMBUDSFLOW_RECEIPT_CATCH_UP_INTERVAL": _int("OMBUDSFLOW_RECEIPT_CATCH_UP_INTERVAL", 60),
        # The transparency page: how often its figures are prepared again, and what it shows of places
        # in areas of hostilities: "region" (the oblast only) or "withhold" (not listed at all).
        "OMBUDSFLOW_PUBLIC_REFRESH_INTERVAL": _int("OMBUDSFLOW_PUBLIC_REFRESH_INTERVAL", 600),
        "OMBUDSFLOW_PUBLIC_HOSTILITIES": _choice(
            "OMBUDSFLOW_PUBLIC_HOSTILITIES", ("region", "withhold"), "region"
        ),
        # Visit planning: risk scores are recomputed when older than this many seconds (checked
        # every CHECK_INTERVAL); a safety check before a visit to an area of hostilities holds for
        # SAFETY_CHECK_DAYS days.
        "OMBUDSFLOW_RISK_MAX_AGE": _int("OMBUDSFLOW_RISK_MAX_AGE", 3600),
        "OMBUDSFLOW_RISK_CHECK_INTERVAL": _int("OMBUDSFLOW_RISK_CHECK_INTERVAL", 300),
        "OMBUDSFLOW_SAFETY_CHECK_DAYS": _int("OMBUDSFLOW_SAFETY_CHECK_DAYS", 7),
        "OMBUDSFLOW_LOG_LEVEL": env("OMBUDSFLOW_LOG_LEVEL", "INFO"),
        # The content-addressed file store (documents as sent, evidence); empty: <instance>/files.
        "OMBUDSFLOW_FILES_DIR": env("OMBUDSFLOW_FILES_DIR", ""),
        # Answers of authorities (docs/PORTAL.md): how long a letter's signed link opens, evidence
        # size limits (per file and per answer, in MB), and whom an official writes to when a link
        # no longer opens (shown on that page).
        "OMBUDSFLOW_REPLY_LINK_DAYS": _int("OMBUDSFLOW_REPLY_LINK_DAYS", 180),
        "OMBUDSFLOW_EVIDENCE_MAX_FILE_MB": _int("OMBUDSFLOW_EVIDENCE_MAX_FILE_MB", 20),
        "OMBUDSFLOW_EVIDENCE_MAX_ANSWER_MB": _int("OMBUDSFLOW_EVIDENCE_MAX_ANSWER_MB", 60),
        "OMBUDSFLOW_OFFICE_EMAIL": env("OMBUDSFLOW_OFFICE_EMAIL", "npm@ombudsman.gov.ua"),
        "OMBUDSFLOW_OFFICE_PHONE": env("OMBUDSFLOW_OFFICE_PHONE", ""),
        # Outgoing documents (docs/DOCUMENTS.md): how register numbers are written (empty: the
        # defaults in workflows/documents/registers.py), the contacts under the letterhead, and
        # the CPU time one template may take to render.
        "OMBUDSFLOW_OUTGOING_NUMBER_FORMAT": env("OMBUDSFLOW_OUTGOING_NUMBER_FORMAT", ""),
        "OMBUDSFLOW_PROTOCOL_NUMBER_FORMAT": env("OMBUDSFLOW_PROTOCOL_NUMBER_FORMAT", ""),
        "OMBUDSFLOW_LETTERHEAD_CONTACTS": env("OMBUDSFLOW_LETTERHEAD_CONTACTS", ""),
        "OMBUDSFLOW_TEMPLATE_TIMEOUT_MS": _int("OMBUDSFLOW_TEMPLATE_TIMEOUT_MS", 1000),
        # text (development) or json (one object per line, with the request id)
        "OMBUDSFLOW_LOG_FORMAT": env("OMBUDSFLOW_LOG_FORMAT", "text"),
        # Optional bearer token /metrics asks for (else restrict it at the proxy).
        "OMBUDSFLOW_METRICS_TOKEN": env("OMBUDSFLOW_METRICS_TOKEN", ""),
        # A streaming replica for read-only pages (dashboards, public pages, exports): web/replica.py.
        "DATABASE_REPLICA_URL": normalize_database_url(env("DATABASE_REPLICA_URL", "")),
    }
