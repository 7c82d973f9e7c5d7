"""The `ombudsflow` console script: Flask's CLI with our commands, and errors as one clear line."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup


def _create_app():
    from web import create_app

    return create_app()


def _error_line(exc: BaseException) -> str:
    import sqlalchemy as sa

    from engine.deployments import DeploymentError
    from engine.errors import EngineError, FormInvalid

    if isinstance(exc, DeploymentError):
        count = len(exc.problems)
        return f"error: deployment refused: {'; '.join(map(str, exc.problems))} ({count} problem(s))"
    if isinstance(exc, FormInvalid):
        fields = "; ".join(
            f"{name}: {', '.join(e['message'] for e in errs)}" for name, errs in exc.fields.items()
        )
        return f"error: {exc.message}: {fields}"
    if isinstance(exc, EngineError):
        return f"error: {exc.message}"
    if isinstance(exc, sa.exc.OperationalError | sa.exc.ProgrammingError):
        text = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        hint = ""
        if "no such table" in text or "does not exist" in text:
            hint = " (run `ombudsflow db upgrade` first)"
        elif "connect" in text.lower():
            hint = " (is the database server running and DATABASE_URL right?)"
        return f"error: database: {text}{hint}"
    return f"error: {exc.__class__.__name__}: {exc}"


def main(argv: list[str] | None = None) -> None:
    group = FlaskGroup(
        create_app=_create_app, name="ombudsflow", help="Ombudsflow: NPM recommendations as BPMN processes."
    )
    try:
        code = group.main(args=argv, prog_name="ombudsflow", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "ombudsflow"
        click.echo(f"error: {exc.format_message()} (see `{where} --help`)", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        click.echo(_error_line(exc), err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
