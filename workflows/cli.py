"""Domain commands of the `ombudsflow` CLI: users and tokens, reference data, demo data."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from engine.cli import cli_actor
from engine.db import db

from .errors import DomainError
from .users import services as users
from .users.models import ROLES, User


def _fail(exc: DomainError) -> click.ClickException:
    details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.fields.items())
    return click.ClickException(f"{exc.message} {details}".strip())


@click.group("users")
def users_group():
    """People and their API tokens."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--authority", "authority_code", default=None, help="Authority code (for --role authority).")
@click.option("--name", default="", help="Full name (defaults to the e-mail).")
@click.option("--password", default=None, help="Password for signing in (at least 10 characters).")
@click.option("--language", default="uk", type=click.Choice(["uk", "en"]), show_default=True)
@click.option("--token", is_flag=True, help="Also issue an API token and print it (shown only once).")
@with_appcontext
def users_add_command(email, role, authority_code, name, password, language, token):
    """Add a user; with --token print a bearer token for the REST API."""
    try:
        user = users.create_user(
            email,
            name=name,
            role=role,
            authority_code=authority_code,
            password=password,
            language=language,
            actor=cli_actor(),
        )
        issued = users.issue_token(user, label="cli", actor=cli_actor()) if token else None
    except DomainError as exc:
        db.session.rollback()
        raise _fail(exc) from None
    db.session.commit()
    if issued:
        click.echo(issued)
    else:
        click.echo(f"user {user.id} added: {user.email} ({user.role})")


@users_group.command("token")
@click.argument("email")
@click.option("--label", default="cli")
@with_appcontext
def users_token_command(email, label):
    """Issue another API token for an existing user and print it."""
    user = db.session.scalar(sa.select(User).where(User.email == users.normalize_email(email)))
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    token = users.issue_token(user, label=label, actor=cli_actor())
    db.session.commit()
    click.echo(token)


@users_group.command("password")
@click.argument("email")
@click.password_option()
@with_appcontext
def users_password_command(email, password):
    """Set a user's password (asks twice)."""
    user = db.session.scalar(sa.select(User).where(User.email == users.normalize_email(email)))
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    try:
        users.set_password(user, password, actor=cli_actor())
    except DomainError as exc:
        raise _fail(exc) from None
    db.session.commit()
    click.echo(f"password set for {user.email}")


@users_group.command("list")
@with_appcontext
def users_list_command():
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        authority = f" [{user.authority.code}]" if user.authority else ""
        click.echo(f"{user.id:>4}  {user.role:<9} {user.email}{authority}  {user.name}")


@click.command("seed")
@with_appcontext
def seed_command():
    """Add the reference data (regions, kinds of places, central bodies) that is missing."""
    from .reference.seed import seed_reference

    added = seed_reference()
    db.session.commit()
    click.echo(", ".join(f"{v} {k.replace('_', ' ')} added" for k, v in added.items()))


@click.group("demo")
def demo_group():
    """Demo data for a first look."""


@demo_group.command("load")
@click.option("--force", is_flag=True, help="Load even if the database already has recommendations.")
@with_appcontext
def demo_load_command(force):
    """Seed reference data and create authorities, facilities, users, visits and recommendations in
    every status, by running the real process with a moved clock."""
    from . import demo

    summary = demo.load(force=force)
    click.echo(summary)


@click.group("public")
def public_group():
    """The transparency page's prepared figures."""


@public_group.command("refresh")
@with_appcontext
def public_refresh_command():
    """Prepare the public page's figures and published list now (the scheduler does it regularly)."""
    from .publication import snapshot

    snapshot.refresh()
    click.echo("public figures refreshed")
