"""Web-level commands: `ombudsflow serve` runs the site with its background jobs; `ombudsflow
scheduler` runs the jobs alone, as their own process (production: beside gunicorn, on one or more
hosts)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def init_app(app):
    app.cli.add_command(serve_command)
    app.cli.add_command(scheduler_command)


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the timer loop, outbox delivery and digests in this process until SIGTERM or Ctrl-C.

    Any number may run, on any hosts: timers and messages are claimed with row locks, so each timer
    fires once and each message is sent once."""
    import signal
    import threading

    from engine import scheduler as jobs

    app = current_app._get_current_object()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    running = jobs.start(app)
    click.echo(f"scheduler running: timer loop, {', '.join(j.name for j in jobs.jobs())}", err=True)
    while not stop.wait(1.0):
        if not running.timer_loop.is_alive():
            click.echo("error: the timer loop stopped", err=True)
            break
    running.stop()
    click.echo("scheduler stopped", err=True)


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
        click.echo(f"scheduler running: timer loop, {', '.join(j.name for j in jobs.jobs())}")
    click.echo(f"serving on http://{host}:{port}")
    # Not app.run(): inside the `flask`/`ombudsflow` CLI it returns at once (FLASK_RUN_FROM_CLI).
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
