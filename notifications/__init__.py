"""Delivery of outbox rows: e-mail over SMTP and webhooks over HTTP (see DESIGN.md rule 6)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers CLI commands and the delivery job; filled in by the notifications work."""
