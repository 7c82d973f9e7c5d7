"""Engine commands of the `ombudsflow` CLI: deploy, timers, instances, incidents, clock.

Output is short text for people, or JSON where a script would read it (`instances start/show`).
Errors are one line on stderr and exit status 1: the `main()` wrapper in `web/cli.py` turns every
exception it knows into that.
"""

from __future__ import annotations

import getpass
import json
from datetime import datetime

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from . import clock as clock_module
from . import deployments, instances, timers
from .clock import clock, parse_instant
from .db import db
from .models import AuditEvent, HumanTask, Incident, Timer


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _sync_clock() -> None:
    if current_app.config.get("OMBUDSFLOW_CLOCK_ADJUSTABLE"):
        clock_module.sync(db.session)


def _json_object(text: str | None, what: str) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"{what} is not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise click.UsageError(f'{what} must be a JSON object, like \'{{"key": "value"}}\'')
    return value


class Instant(click.ParamType):
    name = "ISO-8601"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(value)
        except ValueError as exc:
            self.fail(f"{value!r} is not an ISO 8601 time with an offset ({exc})", param, ctx)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@click.command("deploy")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--name", default="", help="A label for the deployment.")
@click.option("--comment", default="", help="What this version changes (kept with the version).")
@click.option(
    "--accept-warnings",
    "warnings_note",
    default=None,
    metavar="NOTE",
    help="Deploy despite the checks' warnings; NOTE (why) is kept with the version.",
)
@click.option("--check", "check_only", is_flag=True, help="Only run the checks before deploy; store nothing.")
@with_appcontext
def deploy_command(paths, name, comment, warnings_note, check_only):
    """Deploy BPMN, DMN, form and template files (or directories of them) as one deployment.

    The checks before deploy run first (the process designer's): errors refuse the deployment,
    warnings need --accept-warnings with a note."""
    from . import lint

    files = deployments.collect_files(paths)
    if check_only:
        report = lint.check(files)
        for finding in report.findings:
            click.echo(str(finding))
        click.echo(lint.summary(report))
        if report.errors:
            raise click.exceptions.Exit(1)
        return
    try:
        result = deployments.deploy(
            files,
            actor=cli_actor(),
            name=name,
            comment=comment,
            warnings_note=warnings_note,
            require_note=True,
        )
    except deployments.WarningsNotAccepted as exc:
        for finding in exc.findings:
            click.echo(str(finding), err=True)
        raise click.ClickException(
            f"{len(exc.problems)} warning(s); deploy with --accept-warnings NOTE to keep them with it"
        ) from None
    db.session.commit()
    dep = result.deployment
    versions = ", ".join(f"{pid} v{v}" for pid, v in sorted(result.versions.items()))
    for finding in result.warnings:
        click.echo(f"accepted {finding}")
    if result.created:
        click.echo(f"deployment {dep.id} created: {versions} ({len(files)} files, sha256 {dep.sha256[:12]})")
    else:
        click.echo(f"unchanged: identical content is deployment {dep.id} ({versions})")


# --- timers -------------------------------------------------------------------------------------


@click.group("timers")
def timers_group():
    """Timer sweep and waiting timers."""


@timers_group.command("sweep")
@click.option("--now", type=Instant(), default=None, help="Sweep as if it were this time (ISO 8601).")
@click.option("--batch", type=click.IntRange(1, 10_000), default=None, help="Timers claimed per transaction.")
@with_appcontext
def sweep_command(now, batch):
    """Fire every timer due at the engine clock (or at --now)."""
    _sync_clock()
    if now is None:
        result = timers.sweep(batch=batch, actor=cli_actor())
    else:
        with clock.frozen_at(now):
            result = timers.sweep(batch=batch, actor=cli_actor())
    for fired in result.fired:
        click.echo(
            f"fired {fired.element_id} ({fired.name or '-'}) of instance {fired.instance_id}"
            f" [{fired.business_key or '-'}], due {fired.due_at.isoformat()}"
        )
    for incident_id in result.incidents:
        click.echo(f"incident {incident_id} recorded (see `ombudsflow incidents list`)")
    click.echo(result.summary())


@timers_group.command("list")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50)
@with_appcontext
def timers_list_command(limit):
    """Waiting timers, soonest first."""
    rows = db.session.scalars(sa.select(Timer).order_by(Timer.fire_at).limit(limit))
    for t in rows:
        click.echo(
            f"{t.due_at.isoformat()}  instance {t.instance_id}  {t.element_id}  {t.kind}/{t.placement}"
            f"{'' if t.status == 'waiting' else '  ' + t.status.upper()}"
        )


# --- instances ----------------------------------------------------------------------------------


@click.group("instances")
def instances_group():
    """Start, inspect, advance and cancel process instances."""


@instances_group.command("start")
@click.argument("process_id")
@click.option("--data", default=None, help="Initial data as a JSON object.")
@click.option("--business-key", default=None, help="Your key for the instance (e.g. a case number).")
@with_appcontext
def start_command(process_id, data, business_key):
    """Start the newest deployed version of PROCESS_ID."""
    _sync_clock()
    result = instances.start(
        process_id, data=_json_object(data, "--data"), business_key=business_key, actor=cli_actor()
    )
    db.session.commit()
    click.echo(json.dumps(_describe(result.instance_id), ensure_ascii=False, indent=2))


@instances_group.command("show")
@click.argument("instance_id", type=int)
@with_appcontext
def show_command(instance_id):
    """Status, open tasks, waiting timers, incidents and recent history of an instance."""
    click.echo(json.dumps(_describe(instance_id, history=True), ensure_ascii=False, indent=2))


@instances_group.command("complete")
@click.argument("task_id")
@click.option("--data", default=None, help="Form data as a JSON object.")
@click.option("--version", "expected_version", type=int, default=None, help="The task version you saw.")
@with_appcontext
def complete_command(task_id, data, expected_version):
    """Complete a user task (as the CLI user)."""
    _sync_clock()
    result = instances.complete(
        task_id, actor=cli_actor(), data=_json_object(data, "--data"), expected_version=expected_version
    )
    db.session.commit()
    click.echo(json.dumps(_describe(result.instance_id), ensure_ascii=False, indent=2))


@instances_group.command("message")
@click.argument("instance_id", type=int)
@click.argument("name")
@click.option("--data", default=None, help="Message payload as a JSON object.")
@with_appcontext
def message_command(instance_id, name, data):
    """Deliver message NAME to a waiting instance."""
    _sync_clock()
    instances.send_message(instance_id, name, payload=_json_object(data, "--data"), actor=cli_actor())
    db.session.commit()
    click.echo(json.dumps(_describe(instance_id), ensure_ascii=False, indent=2))


@instances_group.command("cancel")
@click.argument("instance_id", type=int)
@click.option("--reason", required=True)
@with_appcontext
def cancel_command(instance_id, reason):
    """Cancel a running instance (its tasks and timers go with it)."""
    _sync_clock()
    instances.cancel(instance_id, actor=cli_actor(), reason=reason)
    db.session.commit()
    click.echo(f"instance {instance_id} cancelled")


def _describe(instance_id: int, history: bool = False) -> dict:
    instance = instances.get(instance_id)
    tasks = db.session.scalars(
        sa.select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
    )
    waiting = db.session.scalars(
        sa.select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at)
    )
    out = {
        "id": instance.id,
        "process_id": instance.process_id,
        "process_version": instance.definition.version,
        "deployment_id": instance.deployment_id,
        "business_key": instance.business_key,
        "status": instance.status,
        "version": instance.version,
        "created_at": _iso(instance.created_at),
        "ended_at": _iso(instance.ended_at),
        "next_due_at": _iso(instance.next_due_at),
        "open_tasks": [
            {
                "id": t.id,
                "element_id": t.element_id,
                "name": t.name,
                "lane": t.lane,
                "candidate_group": t.candidate_group,
                "assignee": t.assignee,
                "due_at": _iso(t.due_at),
                "form": t.form_ref,
                "version": t.version,
            }
            for t in tasks
        ],
        "timers": [
            {
                "id": t.id,
                "element_id": t.element_id,
                "name": t.name,
                "kind": t.kind,
                "placement": t.placement,
                "interrupting": t.interrupting,
                "due_at": _iso(t.due_at),
                "status": t.status,
            }
            for t in waiting
        ],
    }
    if history:
        incidents = db.session.scalars(sa.select(Incident).where(Incident.instance_id == instance_id))
        out["incidents"] = [
            {
                "id": i.id,
                "element_id": i.element_id,
                "message": i.message,
                "retries_left": i.retries_left,
                "created_at": _iso(i.created_at),
                "resolved_at": _iso(i.resolved_at),
            }
            for i in incidents
        ]
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
        )
        out["history"] = [
            {
                "at": _iso(e.at),
                "event": e.event,
                "actor": e.actor,
                "element_id": e.element_id,
                "subject": e.subject,
            }
            for e in events
        ]
    return out


# --- incidents ----------------------------------------------------------------------------------


@click.group("incidents")
def incidents_group():
    """Failures met by the timer sweep."""


@incidents_group.command("list")
@with_appcontext
def incidents_list_command():
    """Open incidents, newest first."""
    rows = timers.open_incidents()
    if not rows:
        click.echo("no open incidents")
    for i in rows:
        click.echo(
            f"#{i.id}  instance {i.instance_id}  {i.element_id or '-'}  retries left {i.retries_left}"
            f"  {i.created_at.isoformat()}  {i.message.splitlines()[0][:160]}"
        )


@incidents_group.command("retry")
@click.argument("incident_id", type=int)
@with_appcontext
def incidents_retry_command(incident_id):
    """Let the next sweep try the failed timer again."""
    timers.retry_incident(incident_id, actor=cli_actor())
    db.session.commit()
    click.echo(f"incident {incident_id}: the timer will be tried at the next sweep")


@incidents_group.command("resolve")
@click.argument("incident_id", type=int)
@click.option("--note", default="")
@with_appcontext
def incidents_resolve_command(incident_id, note):
    """Close an incident without retrying."""
    timers.resolve_incident(incident_id, actor=cli_actor(), note=note)
    db.session.commit()
    click.echo(f"incident {incident_id} resolved")


# --- clock --------------------------------------------------------------------------------------


@click.group("clock")
def clock_group():
    """The engine clock shared by the API, the sweep and the CLI (adjustable deployments only)."""


@clock_group.command("show")
@with_appcontext
def clock_show_command():
    """The engine clock now (and how far it was moved, if it was)."""
    _sync_clock()
    offset = clock.offset.total_seconds()
    if not current_app.config.get("OMBUDSFLOW_CLOCK_ADJUSTABLE"):
        note = " (the system clock: OMBUDSFLOW_CLOCK_ADJUSTABLE is off here)"
    elif offset:
        note = f" (moved {offset / 86400:+.2f} days from the system clock)"
    else:
        note = ""
    click.echo(f"{clock.now().isoformat()}{note}")


@clock_group.command("set")
@click.argument("when", type=Instant())
@with_appcontext
def clock_set_command(when):
    """Move the shared clock so that now is WHEN; it keeps running from there."""
    _require_adjustable()
    clock_module.store_offset(db.session, when)
    db.session.commit()
    click.echo(f"clock set: now is {clock.now().isoformat()}")


@clock_group.command("reset")
@with_appcontext
def clock_reset_command():
    """Back to the system clock."""
    _require_adjustable()
    clock_module.store_offset(db.session, None)
    db.session.commit()
    click.echo(f"clock reset: now is {clock.now().isoformat()}")


def _require_adjustable() -> None:
    if not current_app.config.get("OMBUDSFLOW_CLOCK_ADJUSTABLE"):
        raise click.ClickException(
            "the clock is not adjustable here; set OMBUDSFLOW_CLOCK_ADJUSTABLE=1 (never in production)"
        )
