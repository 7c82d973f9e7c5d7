"""Outgoing documents of the Office as domain objects: drafted from a deployed template, approved
by a manager where the approval table says so, numbered in a register without gaps, rendered to a
PDF that is kept exactly as sent, e-mailed through the outbox, and their receipt recorded.

Inner shape: `kinds.py` (what kinds and statuses exist), `models.py`, `registers.py` (outgoing
numbers), `templating.py` (the sandboxed Jinja2 templates deployed with the bundle), `context.py`
(what a template is filled from), `pdf.py`, `approval.py` (the DMN rule), `services.py` (every
state change), `mail.py` (the e-mail that carries a sent document), `queries.py` (reading).
User documentation: docs/DOCUMENTS.md.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Plug documents into the engine and the transport: the template checker for deployments, the
    file store as the source of e-mail attachments, receipts from sent e-mails; and refuse to start
    with a register number format that cannot work."""
    from engine import outbox
    from notifications import attachments

    from ..files import store
    from . import receipts, registers, templating

    registers.check_settings(app.config)
    templating.init_app()
    attachments.register_source(store.read_bytes)
    outbox.on_delivered(receipts.on_email_sent)
