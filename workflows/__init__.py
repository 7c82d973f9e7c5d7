"""The NPM domain: authorities, facilities, visits, findings, recommendations and their follow-up.

Plugs into the engine through its registries: service-task handlers (`recommendations/handlers.py`),
script helpers for Kyiv-time deadlines (`deadlines.py`); adds CLI commands and the daily digest job.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from engine import scheduler

    from . import cli, deadlines, digest, models  # noqa: F401 - registration at import
    from .planning import cli as planning_cli
    from .planning import handlers as planning_handlers  # noqa: F401
    from .recommendations import handlers  # noqa: F401
    from .risk import services as risk

    app.cli.add_command(cli.users_group)
    app.cli.add_command(cli.seed_command)
    app.cli.add_command(cli.demo_group)
    scheduler.register_job("lawyer-digest", digest.run, seconds_setting="OMBUDSFLOW_DIGEST_CHECK_INTERVAL")
    scheduler.register_job(
        "risk-refresh", risk.scheduled_refresh, seconds_setting="OMBUDSFLOW_RISK_CHECK_INTERVAL"
    )
    app.cli.add_command(planning_cli.risk_group)
    app.cli.add_command(planning_cli.registry_group)
