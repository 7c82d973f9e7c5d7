"""Domain commands of the `ombudsflow` CLI: users and tokens, reference data, demo data."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from engine.cli import cli_actor
from engine.db import db

from .errors import DomainError
from .users import grants
from .users import services as users
from .users.models import PERMISSIONS, ROLES, User


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
@click.option("--position", default="", help="Position (посада), printed when the person signs.")
@click.option("--token", is_flag=True, help="Also issue an API token and print it (shown only once).")
@with_appcontext
def users_add_command(email, role, authority_code, name, password, language, position, token):
    """Add a user; with --token print a bearer token for the REST API."""
    try:
        user = users.create_user(
            email,
            name=name,
            role=role,
            authority_code=authority_code,
            password=password,
            language=language,
            position=position,
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


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == users.normalize_email(email)))
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    return user


@users_group.command("grant")
@click.argument("email")
@click.argument("permission", type=click.Choice(PERMISSIONS))
@with_appcontext
def users_grant_command(email, permission):
    """Give a person a permission: sign_documents (may sign outgoing documents) or draw_protocols."""
    user = _user(email)
    try:
        changed = grants.grant(user, permission, actor=cli_actor())
    except DomainError as exc:
        db.session.rollback()
        raise _fail(exc) from None
    db.session.commit()
    click.echo(f"{user.email} {'now has' if changed else 'already had'} {permission}")


@users_group.command("revoke")
@click.argument("email")
@click.argument("permission", type=click.Choice(PERMISSIONS))
@with_appcontext
def users_revoke_command(email, permission):
    """Take a permission away from a person."""
    user = _user(email)
    changed = grants.revoke(user, permission, actor=cli_actor())
    db.session.commit()
    click.echo(f"{user.email} {'no longer has' if changed else 'did not have'} {permission}")


@users_group.command("grants")
@click.option("--permission", type=click.Choice(PERMISSIONS), default=None)
@with_appcontext
def users_grants_command(permission):
    """Who holds which permission (with position and who granted it)."""
    rows = grants.listing(permission)
    for row in rows:
        position = f" — {row.position}" if row.position else ""
        click.echo(
            f"{row.user_id:>4}  {row.permission:<15} {row.email}  {row.name}{position}"
            f"  (granted {row.granted_at:%Y-%m-%d} by {row.granted_by})"
        )
    if not rows:
        click.echo("no grants")


@users_group.command("position")
@click.argument("email")
@click.argument("position")
@with_appcontext
def users_position_command(email, position):
    """Set a person's position (посада), printed under their name when they sign."""
    user = _user(email)
    try:
        grants.set_position(user, position, actor=cli_actor())
    except DomainError as exc:
        db.session.rollback()
        raise _fail(exc) from None
    db.session.commit()
    click.echo(f"position of {user.email}: {user.position or '—'}")


@users_group.command("list")
@with_appcontext
def users_list_command():
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        authority = f" [{user.authority.code}]" if user.authority else ""
        inactive = "" if user.active else "  (deactivated)"
        click.echo(f"{user.id:>4}  {user.role:<9} {user.email}{authority}  {user.name}{inactive}")


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


@click.group("calendar")
def calendar_group():
    """The legal-term calendar: public holidays, days off, working weekend days, martial law."""


@calendar_group.command("list")
@click.option("--year", type=int, default=None, help="Only this year.")
@with_appcontext
def calendar_list_command(year):
    """The days that differ from the plain week, and whether each is a working day now."""
    from . import deadlines
    from .calendar import services as calendar

    click.echo(f"martial law (public holidays are working days): {'on' if calendar.martial_law() else 'off'}")
    for row in calendar.days(year):
        state = "working" if deadlines.is_working_day(row.day) else "non-working"
        click.echo(f"{row.day.isoformat()}  {row.kind:<11} {state:<11} {row.name_uk}")


@calendar_group.command("set")
@click.argument("day")
@click.option("--kind", required=True, type=click.Choice(["holiday", "day_off", "working_day"]))
@click.option("--name", "name_uk", required=True, help="What day it is, in Ukrainian.")
@click.option("--name-en", default="", help="The same in English.")
@with_appcontext
def calendar_set_command(day, kind, name_uk, name_en):
    """Add or change DAY (YYYY-MM-DD)."""
    from .calendar import services as calendar

    try:
        calendar.set_day(day, kind=kind, name_uk=name_uk, name_en=name_en, actor=cli_actor())
    except DomainError as exc:
        db.session.rollback()
        raise _fail(exc) from None
    db.session.commit()
    click.echo(f"{day}: {kind} ({name_uk})")


@calendar_group.command("remove")
@click.argument("day")
@with_appcontext
def calendar_remove_command(day):
    """Remove DAY from the calendar (it becomes a plain weekday or weekend day)."""
    from .calendar import services as calendar

    try:
        calendar.remove_day(day, actor=cli_actor())
    except DomainError as exc:
        db.session.rollback()
        raise _fail(exc) from None
    db.session.commit()
    click.echo(f"{day} removed")


@calendar_group.command("martial-law")
@click.argument("state", type=click.Choice(["on", "off"]))
@with_appcontext
def calendar_martial_law_command(state):
    """Martial law: public holidays are working days (on), or days off again (off)."""
    from .calendar import services as calendar

    calendar.set_martial_law(state == "on", actor=cli_actor())
    db.session.commit()
    click.echo(f"martial law (public holidays are working days): {state}")


@calendar_group.command("seed")
@click.argument("year", type=int)
@with_appcontext
def calendar_seed_command(year):
    """Add YEAR's public holidays (and days off moved from weekends) from the `holidays` package."""
    from .calendar import seed as calendar_seed
    from .calendar import services as calendar

    added = calendar.seed(calendar_seed.from_package(year), actor=cli_actor(), source="holidays package")
    db.session.commit()
    click.echo(f"{added} day(s) of {year} added")


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
