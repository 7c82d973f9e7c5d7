"""CLI of versions and bulk migration (the process designer's actions, for scripts and operators):
`ombudsflow versions list|diff|start`, `ombudsflow migrate preview|run|undo`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from . import migration, versions
from .cli import cli_actor
from .db import db


@click.group("versions")
def versions_group():
    """Versions of deployed processes: list, diff, the version new instances start on."""


@versions_group.command("list")
@click.argument("process_id")
@with_appcontext
def versions_list_command(process_id):
    """Versions of PROCESS_ID, newest first: who, when, why, running instances, the start mark."""
    for v in versions.history(process_id):
        mark = "  <- new instances start here" if v.is_start else ""
        warnings = f" [{len(v.deployment.warnings)} warning(s) accepted]" if v.deployment.warnings else ""
        click.echo(
            f"v{v.number}  {v.deployment.created_at.isoformat()}  {v.deployment.created_by}  "
            f"running {v.running}  {v.deployment.comment or '-'}{warnings}{mark}"
        )


@versions_group.command("diff")
@click.argument("process_id")
@click.argument("version", type=int)
@click.option(
    "--against", type=int, default=None, help="Compare with this version (default: the one before)."
)
@with_appcontext
def versions_diff_command(process_id, version, against):
    """What VERSION of PROCESS_ID changed: diagram elements and the bundle's files."""
    change = versions.diff(process_id, version, against)
    if change.against is None:
        click.echo(f"v{version} is the first version")
        return
    click.echo(f"v{version} against v{change.against}:")
    for e in change.elements:
        renamed = f" (was {e.previous_id})" if e.previous_id else ""
        attrs = f": {', '.join(e.attributes)}" if e.attributes else ""
        click.echo(f"  {e.change:8} {e.element_id}{renamed} ({e.name or e.kind}){attrs}")
    for f in change.files:
        click.echo(f"  {f.change:8} file {f.filename}")
        for detail in f.details:
            click.echo(f"           {versions.detail_text(detail)}")
    if change.empty:
        click.echo("  no changes")


@versions_group.command("start")
@click.argument("process_id")
@click.argument("version", type=int, required=False)
@with_appcontext
def versions_start_command(process_id, version):
    """New instances of PROCESS_ID start on VERSION; without VERSION, on the newest again."""
    versions.mark_to_start(process_id, version, actor=cli_actor())
    db.session.commit()
    if version is None:
        click.echo(f"new instances of {process_id} start on the newest version")
    else:
        click.echo(f"new instances of {process_id} start on v{version}")


@click.group("migrate")
def migrate_group():
    """Move running instances from one version of a process to another, in bulk."""


def _reasons(plan) -> str:
    return "; ".join(
        f"{r.code}{' at ' + r.element_id if r.element_id else ''}{': ' + r.detail if r.detail else ''}"
        for r in plan.reasons
    )


@migrate_group.command("preview")
@click.argument("process_id")
@click.option("--from", "source", type=int, required=True)
@click.option("--to", "target", type=int, required=True)
@with_appcontext
def migrate_preview_command(process_id, source, target):
    """Which running instances could move, and why the others cannot; changes nothing."""
    plan = migration.preview(process_id, source, target)
    for item in plan.instances:
        verdict = "can move" if item.can_move else "stays"
        click.echo(f"instance {item.instance_id} [{item.business_key or '-'}] {verdict}  {_reasons(item)}")
    click.echo(f"{len(plan.movable)} can move, {len(plan.blocked)} cannot")


@migrate_group.command("run")
@click.argument("process_id")
@click.option("--from", "source", type=int, required=True)
@click.option("--to", "target", type=int, required=True)
@click.option("--batch", type=click.IntRange(1, 1000), default=migration.DEFAULT_BATCH)
@click.option("--dry-run", is_flag=True, help="Move each instance and roll it back: nothing is written.")
@with_appcontext
def migrate_run_command(process_id, source, target, batch, dry_run):
    """Move every movable running instance, each in its own transaction."""
    result = migration.run(process_id, source, target, actor=cli_actor(), dry_run=dry_run, batch=batch)
    for item in result.skipped + result.failed:
        click.echo(f"instance {item.instance_id} [{item.business_key or '-'}] stays: {_reasons(item)}")
    prefix = "dry run: would move" if dry_run else f"migration {result.migration_id}: moved"
    click.echo(
        f"{prefix} {len(result.moved)}, {len(result.skipped)} stayed, {len(result.failed)} failed"
        f" ({result.batches} batch(es))"
    )


@migrate_group.command("undo")
@click.argument("migration_id", type=int)
@with_appcontext
def migrate_undo_command(migration_id):
    """Put the instances of a migration back, unless something ran on them since."""
    result = migration.undo(migration_id, actor=cli_actor())
    for instance_id, why in result.kept:
        click.echo(f"instance {instance_id} stays on the new version: {why}")
    click.echo(f"migration {migration_id} undone: {len(result.restored)} moved back, {len(result.kept)} kept")
