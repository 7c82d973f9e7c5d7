"""The id of what is being done now — a web request, a scheduler job — for logs and the audit log.

The host sets it (the web layer from `X-Request-ID` or a fresh one, the scheduler per job); the
engine only reads it: `audit.record` stores it with every event, the log filter adds it to every
line, so one request's log lines and audit events can be found together.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("ombudsflow_correlation_id", default=None)


def get() -> str | None:
    return _current.get()


def new_id(prefix: str = "") -> str:
    token = uuid.uuid4().hex[:16]
    return f"{prefix}-{token}" if prefix else token


def set_current(value: str | None):
    """Set the id for the rest of this context (a request); returns the token to `reset` it."""
    return _current.set(value)


def reset(token) -> None:
    _current.reset(token)


@contextmanager
def use(value: str | None) -> Iterator[str | None]:
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


class LogFilter(logging.Filter):
    """Adds `request_id` to every log record (None outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
