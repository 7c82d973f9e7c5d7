"""The NPM domain: authorities, facilities, visits, findings, recommendations and their follow-up.

Plugs into the engine through its registries: service-task handlers (`recommendations/handlers.py`),
script helpers for legal terms over the working-day calendar (`deadlines.py`), form rules
(`recommendations/rules.py`), the delivery listener that records receipts
(`recommendations/receipts.py`); adds CLI commands and the jobs: the daily digest, managers' alerts,
and the transparency page's prepared figures.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from engine import scheduler

    from . import cli, deadlines, digest, documents, models  # noqa: F401 - registration at import
    from .alerts import services as alerts
    from .documents import process as document_steps  # noqa: F401
    from .escalations import court, obstructions  # noqa: F401 - handlers and form rules
    from .planning import cli as planning_cli
    from .planning import handlers as planning_handlers  # noqa: F401
    from .publication import snapshot
    from .recommendations import handlers, receipts, rehearsals, rules  # noqa: F401
    from .reference import catalog
    from .risk import services as risk

    catalog.forget()  # a new app may be on another database (tests): its reference rows are its own
    documents.init_app(app)
    from .notices import render as notice_render

    notice_render.register()  # the transport (notifications/) writes e-mails with the domain's words

    from . import cli_accounts

    app.cli.add_command(cli.users_group)
    app.cli.add_command(cli_accounts.tokens_group)
    app.cli.add_command(cli.seed_command)
    app.cli.add_command(cli.demo_group)
    app.cli.add_command(cli.calendar_group)
    app.cli.add_command(cli.public_group)
    scheduler.register_job("lawyer-digest", digest.run, seconds_setting="OMBUDSFLOW_DIGEST_CHECK_INTERVAL")
    scheduler.register_job("alerts", alerts.run, seconds_setting="OMBUDSFLOW_ALERT_INTERVAL")
    scheduler.register_job(
        "receipt-catch-up", receipts.catch_up, seconds_setting="OMBUDSFLOW_RECEIPT_CATCH_UP_INTERVAL"
    )
    scheduler.register_job(
        "public-refresh", snapshot.refresh, seconds_setting="OMBUDSFLOW_PUBLIC_REFRESH_INTERVAL"
    )
    scheduler.register_job(
        "risk-refresh", risk.scheduled_refresh, seconds_setting="OMBUDSFLOW_RISK_CHECK_INTERVAL"
    )
    app.cli.add_command(planning_cli.risk_group)
    app.cli.add_command(planning_cli.registry_group)
