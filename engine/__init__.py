"""The BPM host: deployments, instances, projections, clock, sweep, sandbox, audit and outbox.

It knows nothing of the NPM. Other packages plug in through registries: service-task handlers
(`services.register`), script helpers (`scripting.script_helper`), change listeners
(`instances.on_change`) and scheduled jobs (`scheduler.register_job`).
"""

from __future__ import annotations

from flask import Flask

from . import clock as _clock
from . import db as db_module
from .db import db


def init_app(app: Flask) -> None:
    db.init_app(app)
    _clock.install_spiff_clock()
    from . import cli, cli_audit, cli_versions, scheduler

    app.cli.add_command(cli.deploy_command)
    app.cli.add_command(cli.timers_group)
    app.cli.add_command(cli.instances_group)
    app.cli.add_command(cli.incidents_group)
    app.cli.add_command(cli.clock_group)
    app.cli.add_command(cli_audit.audit_group)
    app.cli.add_command(cli_audit.db_role_command)
    app.cli.add_command(cli_versions.versions_group)
    app.cli.add_command(cli_versions.migrate_group)
    # Timers have their own loop in the scheduler (scheduler.TimerLoop), woken by the soonest timer.
    from . import audit_chain

    # PostgreSQL: chain the audit events written since the last run (engine/audit_chain.py).
    scheduler.register_job(
        "audit-seal", audit_chain.seal_job, seconds_setting="OMBUDSFLOW_AUDIT_SEAL_INTERVAL"
    )
    scheduler.register_job(
        "sqlite-checkpoint", db_module.checkpoint, seconds_setting="OMBUDSFLOW_CHECKPOINT_INTERVAL"
    )
