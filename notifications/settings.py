"""Settings only the delivery machinery reads; the mail and retry basics live in config/settings.py.

They follow the same rule as config/settings.py (one name for the environment variable and the
Flask config key) but are read here, so that the notifications package brings its own knobs with
it. A value already in the app config (tests, `create_app(test_config)`) wins over the environment.
"""

from __future__ import annotations

import os

from flask import Flask

from engine.errors import EngineError

DEFAULTS = {
    # First retry after this many seconds; each further retry waits twice as long.
    "OMBUDSFLOW_DELIVERY_BACKOFF_SECONDS": 60,
    # A row still `sending` this long after its claim is declared interrupted (never resent blindly).
    "OMBUDSFLOW_DELIVERY_LEASE_SECONDS": 600,
    # Rows claimed per transaction by one delivery run.
    "OMBUDSFLOW_OUTBOX_BATCH": 50,
}


class SettingError(EngineError):
    """A notifications setting has a value that cannot work; the message says which and why."""


def load(app: Flask) -> None:
    for name, default in DEFAULTS.items():
        if name in app.config:
            continue
        raw = os.environ.get(name, "")
        try:
            app.config[name] = int(raw) if raw.strip() else default
        except ValueError:
            raise SettingError(f"{name} must be a whole number, got {raw!r}") from None
