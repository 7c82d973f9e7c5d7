"""`ombudsflow tokens list|create|revoke` and `ombudsflow users deactivate|activate`: the life of
API tokens and accounts from the command line (workflows/users/accounts.py does the work)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engine.cli import cli_actor
from engine.db import db

from .cli import _fail, _user, users_group
from .errors import DomainError
from .users import accounts


@click.group("tokens")
def tokens_group():
    """API tokens: list, create (printed once), revoke."""


def _when(value) -> str:
    return value.isoformat(timespec="seconds") if value else "—"


@tokens_group.command("list")
@click.option("--email", default=None, help="Only this person's tokens.")
@click.option("--all", "include_ended", is_flag=True, help="Also revoked ones.")
@with_appcontext
def tokens_list_command(email, include_ended):
    """id, owner, label, state (active / expired / revoked), created, expires, last used."""
    owner = _user(email) if email else None
    rows = accounts.tokens(owner, include_ended=include_ended)
    if not rows:
        click.echo("no tokens")
        return
    for row in rows:
        click.echo(
            f"{row.id:>5}  {row.user.email:<32} {row.label or '—':<20} {accounts.state(row):<8}"
            f" created {_when(row.created_at)}  expires {_when(row.expires_at)}"
            f"  last used {_when(row.last_used_at)}"
        )


@tokens_group.command("create")
@click.argument("email")
@click.option("--label", default="", help="What the token is for (shown in lists).")
@click.option("--days", type=int, default=None, help="Expires after this many days (default: never).")
@with_appcontext
def tokens_create_command(email, label, days):
    """Create a token for EMAIL and print it (only now: only its SHA-256 is kept)."""
    try:
        _row, token = accounts.create_token(_user(email), label=label, days=days, actor=cli_actor())
    except DomainError as exc:
        raise _fail(exc) from None
    db.session.commit()
    click.echo(token)


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def tokens_revoke_command(token_id):
    """Revoke token TOKEN_ID (see `tokens list`): the next request with it gets 401."""
    try:
        row = accounts.revoke_token(accounts.get_token(token_id), actor=cli_actor())
    except DomainError as exc:
        raise _fail(exc) from None
    db.session.commit()
    click.echo(f"token {row.id} ({row.label or '—'}) of {row.user.email} revoked")


@users_group.command("deactivate")
@click.argument("email")
@with_appcontext
def users_deactivate_command(email):
    """EMAIL can no longer sign in; their sessions end and their tokens are revoked at once."""
    user = _user(email)
    try:
        revoked = accounts.deactivate(user, actor=cli_actor())
    except DomainError as exc:
        raise _fail(exc) from None
    db.session.commit()
    click.echo(f"{user.email} deactivated: sessions ended, {revoked} token(s) revoked")


@users_group.command("activate")
@click.argument("email")
@with_appcontext
def users_activate_command(email):
    """Let a deactivated person sign in again (their old tokens stay revoked)."""
    user = _user(email)
    try:
        accounts.reactivate(user, actor=cli_actor())
    except DomainError as exc:
        raise _fail(exc) from None
    db.session.commit()
    click.echo(f"{user.email} active again")
