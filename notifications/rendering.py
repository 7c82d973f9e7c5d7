"""How the transport turns an outbox row into the words of an e-mail: it asks the domain.

The topics, their templates, labels and plurals are the domain's (workflows/notices/); the domain
registers its renderer when the app starts (`register`). The transport only calls it, at delivery
time — a notice held for the working morning or retried after an outage is written when it leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .attachments import Attachment
from .errors import PayloadError

LANGUAGES = ("uk", "en")
DEFAULT_LANGUAGE = "uk"


class Row(Protocol):
    """What rendering needs of an outbox row (an `OutboxMessage` or a delivery's snapshot of one)."""

    topic: str
    language: str | None
    payload: dict[str, Any]


Renderer = Callable[
    [Row, Callable[[dict[str, str]], Attachment] | None], tuple[str, str, str, list[Attachment]]
]
_renderer: list[Renderer] = []


def register(renderer: Renderer) -> Renderer:
    """The domain's renderer: row -> (subject, text, html, attachments). The last one registered wins."""
    _renderer[:] = [renderer]
    return renderer


def render(row: Row, load: Callable[[dict[str, str]], Attachment] | None = None):
    if not _renderer:
        raise PayloadError("no renderer is registered for e-mail (the domain registers one at start)")
    return _renderer[0](row, load)


def language_of(value: str | None) -> str:
    """The message language of a row: `uk` unless the row asks for English ("en", "en-GB")."""
    code = (value or DEFAULT_LANGUAGE).replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE
