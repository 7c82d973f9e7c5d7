"""Web-level commands: `ombudsflow serve` runs the site with its background jobs."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def init_app(app):
    app.cli.add_command(serve_command)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--scheduler/--no-scheduler",
    default=None,
    help="Run the timer sweep, outbox delivery and digests here (default: OMBUDSFLOW_SCHEDULER).",
)
@with_appcontext
def serve_command(host, port, scheduler):
    """Serve the site (threaded Werkzeug server; use gunicorn with config/gunicorn.conf.py in production)."""
    from engine import scheduler as jobs

    app = current_app._get_current_object()
    if app.config["OMBUDSFLOW_DEPLOY_ON_START"]:
        from .startup import deploy_bundled

        deploy_bundled(app)
    if scheduler is None:
        scheduler = app.config["OMBUDSFLOW_SCHEDULER"]
    if scheduler:
        jobs.start(app)
        click.echo(f"scheduler running: {', '.join(j.name for j in jobs.jobs())}")
    click.echo(f"serving on http://{host}:{port}")
    # Not app.run(): inside the `flask`/`ombudsflow` CLI it returns at once (FLASK_RUN_FROM_CLI).
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
