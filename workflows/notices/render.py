"""An outbox row as the e-mail its recipient reads: subject, plain text, HTML and attachments.

The domain's side of an e-mail (the transport in notifications/ calls it through
`notifications.rendering`, registered by `register()` when the app starts). No SMTP, no database, so
every topic and language can be checked in a unit test. Templates live in
`workflows/notices/templates/email/<language>/<topic>.txt|.html`; labels and plurals come from the
gettext catalog (words.py); the subject is the `subject` block of the
text template, so all the words of one message sit in one place for whoever edits them.

A payload may instead carry a finished message, `message: {subject, text[, html]}`, written by the
sender in the recipient's language: it is sent as it is (without `html`, its paragraphs are set in
a plain HTML page), whatever the topic. Attachments (`attachments: [{sha256, filename,
content_type}]`, any topic) are read through the `load` function the caller passes
(attachments.load: the registered file source).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from engine.clock import clock
from notifications import rendering
from notifications.attachments import Attachment
from notifications.attachments import check as check_attachments

from .formatting import days_from, format_date, format_datetime, period_words, plural
from .topics import PayloadError, checked_payload, language_of
from .words import labels


class Row(Protocol):
    """What rendering needs of an outbox row (an `OutboxMessage` or a delivery's snapshot of one)."""

    topic: str
    language: str | None
    payload: dict[str, Any]


_env = Environment(
    loader=PackageLoader("workflows.notices", "templates"),
    autoescape=select_autoescape(["html"]),
    # A template that uses a key the payload lacks must fail loudly, not send an e-mail with a gap.
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    # Partials end with a newline that the text version needs before the next paragraph.
    keep_trailing_newline=True,
)
_env.filters["date"] = format_date
_env.filters["datetime"] = format_datetime


def render_email(
    row: Row, load: Callable[[dict[str, str]], Attachment] | None = None
) -> tuple[str, str, str, list[Attachment]]:
    language = language_of(row.language)
    specs = check_attachments((row.payload or {}).get("attachments"))
    if specs and load is None:
        raise PayloadError("the payload has attachments but nothing to read them with")
    attachments = [load(spec) for spec in specs] if load is not None else []
    if isinstance(row.payload, dict) and "message" in row.payload:
        subject, text, html = _finished(row.payload["message"], language)
        return subject, text, html, attachments
    payload = checked_payload(row.topic, row.payload or {})
    context = {
        **payload,
        "language": language,
        "labels": labels(language),
        "today": format_date(clock.now()),
        "days": lambda n: plural(int(n), "day", language),
        "tasks": lambda n: plural(int(n), "task", language),
        "working_days": lambda n: plural(int(n), "working_day", language),
        "term": lambda period: period_words(period, language),
        # Counted when the letter is written, not when it was queued: a notice held for the
        # working morning or retried after an outage still says how things stand when it leaves.
        "days_since": lambda value: max(days_from(value, clock.now()), 0),
        "days_until": lambda value: max(days_from(clock.now(), value), 0),
    }
    text_template = _env.get_template(f"email/{language}/{row.topic}.txt")
    subject_parts = text_template.blocks["subject"](text_template.new_context(context))
    subject = " ".join("".join(subject_parts).split())
    text = _tidy(text_template.render(context))
    html = _env.get_template(f"email/{language}/{row.topic}.html").render(context, subject=subject)
    return subject, text, html, attachments


def _finished(message: Any, language: str) -> tuple[str, str, str]:
    """A message the sender wrote in full: checked, and given an HTML version if it has none."""
    if not isinstance(message, dict):
        raise PayloadError("message must be an object with subject and text")
    subject, text, html = message.get("subject"), message.get("text"), message.get("html")
    if not isinstance(subject, str) or not subject.strip():
        raise PayloadError("message.subject must be non-empty text")
    if not isinstance(text, str) or not text.strip():
        raise PayloadError("message.text must be non-empty text")
    subject = " ".join(subject.split())
    text = _tidy(text)
    if html is None:
        paragraphs = [block.splitlines() for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
        html = _env.get_template("email/_message.html").render(
            language=language, subject=subject, paragraphs=paragraphs
        )
    elif not isinstance(html, str):
        raise PayloadError("message.html must be text")
    return subject, text, html


def _tidy(text: str) -> str:
    """Templates may leave trailing spaces and runs of blank lines where optional parts were skipped."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def register() -> None:
    """Make this the renderer the transport uses (workflows.init_app)."""
    rendering.register(render_email)
