"""Delivery of outbox rows: e-mail over SMTP and webhooks over HTTP (see DESIGN.md rule 6).

The engine and the domain only write outbox rows (`engine.outbox.enqueue`, `events.publish`); this
package sends them once each, from the `outbox-delivery` job or `ombudsflow outbox deliver`.
User documentation: docs/NOTIFICATIONS.md. Transport only: the topics, their payload contract,
templates, labels and plurals are the domain's (workflows/notices/); it registers the renderer
this package calls (rendering.py).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Settings, the delivery job and the CLI; a wrong mail setting stops the app here, at start."""
    from engine import scheduler

    from . import (
        cli,
        models,  # noqa: F401 - its table must be in the metadata Alembic compares
        settings,
    )
    from .email import MailSettings

    settings.load(app)
    MailSettings.from_config(app.config)
    app.cli.add_command(cli.outbox_group)
    app.cli.add_command(cli.webhooks_group)
    scheduler.register_job("outbox-delivery", _delivery_job, seconds_setting="OMBUDSFLOW_OUTBOX_INTERVAL")


def _delivery_job() -> None:
    from .delivery import deliver_due

    deliver_due(actor="outbox-delivery")
