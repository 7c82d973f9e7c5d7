"""The NPM domain: authorities, facilities, visits, findings, recommendations and their follow-up."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers the domain's service handlers, listeners and CLI commands."""
