"""CLI commands of visit planning: risk scores and the CSV import of the registries."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engine.cli import cli_actor
from engine.db import db

from ..errors import DomainError


@click.group("risk")
def risk_group():
    """Risk scores of places (bpmn/risk.dmn)."""


@risk_group.command("refresh")
@with_appcontext
def risk_refresh_command():
    """Recompute the risk score of every place now."""
    from ..risk import services as risk

    try:
        result = risk.refresh_all(actor=cli_actor())
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"{result.places} places scored in {result.seconds:.2f} s (deployment {result.deployment_id})")


@click.group("registry")
def registry_group():
    """The registries of places and authorities."""


@registry_group.command("import")
@click.argument("kind", type=click.Choice(["places", "authorities"]))
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would change; write nothing.")
@with_appcontext
def registry_import_command(kind, file, dry_run):
    """Import places or authorities from a CSV file (one transaction: all rows or none)."""
    from ..imports import services as imports

    try:
        report = imports.run(kind, file.read(), dry_run=dry_run, actor=cli_actor())
    except imports.ImportRejected as exc:
        db.session.rollback()
        for error in exc.report.errors:
            click.echo(f"row {error.row}, {error.field}: {error.message}", err=True)
        raise click.ClickException(f"{len(exc.report.errors)} errors; nothing was written") from None
    except DomainError as exc:
        db.session.rollback()
        details = "; ".join(" ".join(m) for m in exc.fields.values())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would be" if dry_run else "were"
    click.echo(
        f"{report.rows} rows: {report.created} {verb} created, {report.updated} {verb} updated, "
        f"{report.unchanged} unchanged"
    )


@registry_group.command("template")
@click.argument("kind", type=click.Choice(["places", "authorities"]))
def registry_template_command(kind):
    """Print an example CSV file (header and one row)."""
    from ..imports import services as imports

    click.echo(imports.template(kind), nl=False)
