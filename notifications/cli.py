"""`ombudsflow outbox …` and `ombudsflow webhooks …`: deliver, inspect and retry by hand.

Same manners as the engine's commands (engine/cli.py): short lines for people, `--now` freezes the
engine clock for one command, and errors are one line with a non-zero exit.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from engine.cli import Instant, cli_actor
from engine.clock import clock
from engine.db import db
from engine.models import OutboxMessage
from engine.scheduler import sync_clock

from . import delivery, webhooks
from .email import MailSettings

STATUSES = ("pending", "sending", "sent", "failed")


@click.group("outbox")
def outbox_group():
    """Messages waiting to be delivered, delivered, or given up on."""


@outbox_group.command("deliver")
@click.option("--now", type=Instant(), default=None, help="Deliver as if it were this time (ISO 8601).")
@click.option("--batch", type=click.IntRange(1, 10_000), default=None, help="Rows claimed per transaction.")
@with_appcontext
def deliver_command(now, batch):
    """Send every message due at the engine clock (or at --now)."""
    sync_clock(current_app)
    click.echo(MailSettings.from_config(current_app.config).describe())
    if now is None:
        result = delivery.deliver_due(batch=batch, actor=cli_actor())
    else:
        with clock.frozen_at(now):
            result = delivery.deliver_due(batch=batch, actor=cli_actor())
    for o in result.outcomes:
        line = f"{o.result} #{o.id} {o.channel}/{o.topic} to {o.recipient}"
        if o.result == "sent":
            line += f" ({o.detail})" if o.detail else ""
        elif o.result == "retry":
            line += f", attempt {o.attempts}, next at {o.next_attempt_at.isoformat()}: {o.detail}"
        else:
            line += f": {o.detail}"
        click.echo(line)
    click.echo(result.summary())


@outbox_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50)
@with_appcontext
def list_command(status, limit):
    """Outbox messages, newest first."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    rows = db.session.scalars(query).all()
    if not rows:
        click.echo("no messages" + (f" with status {status}" if status else ""))
    for r in rows:
        line = f"#{r.id}  {r.status:<7}  {r.channel}/{r.topic}  to {r.recipient}  attempts {r.attempts}"
        if r.status == "sent" and r.sent_at:
            line += f"  sent {r.sent_at.isoformat()}"
        elif r.status == "pending":
            line += f"  due {r.next_attempt_at.isoformat()}"
        elif r.status == "sending" and r.claimed_at:
            line += f"  claimed {r.claimed_at.isoformat()} by {r.claimed_by}"
        if r.business_key:
            line += f"  [{r.business_key}]"
        if r.last_error and r.status != "sent":
            line += f"\n      {r.last_error}"
        click.echo(line)


@outbox_group.command("retry")
@click.argument("message_id", type=int)
@with_appcontext
def retry_command(message_id):
    """Send a failed message again at the next delivery (attempts start afresh)."""
    delivery.retry(message_id, actor=cli_actor())
    db.session.commit()
    click.echo(f"outbox {message_id}: pending again; the next delivery sends it")


@click.group("webhooks")
def webhooks_group():
    """Subscriptions that receive events over HTTP, signed with their secret."""


@webhooks_group.command("add")
@click.argument("url")
@click.option("--events", required=True, help=f"Comma-separated, from: {', '.join(webhooks.EVENTS)}.")
@click.option("--secret", default=None, help="Signing secret; generated (and shown once) when omitted.")
@click.option("--description", default=None)
@with_appcontext
def webhooks_add_command(url, events, secret, description):
    """Subscribe URL to events."""
    subscription = webhooks.add_subscription(
        url, events.split(","), actor=cli_actor(), secret=secret, description=description
    )
    db.session.commit()
    click.echo(f"webhook {subscription.id} added: {subscription.url} for {', '.join(subscription.events)}")
    if secret is None:
        click.echo(f"secret (shown once, keep it with the receiver): {subscription.secret}")


@webhooks_group.command("list")
@with_appcontext
def webhooks_list_command():
    """Subscriptions (secrets are not shown)."""
    rows = webhooks.subscriptions()
    if not rows:
        click.echo("no webhooks")
    for s in rows:
        state = "active" if s.active else "inactive"
        note = f"  ({s.description})" if s.description else ""
        click.echo(
            f"#{s.id}  {state}  {s.url}  events: {', '.join(s.events)}  since {s.created_at.date()}{note}"
        )


@webhooks_group.command("remove")
@click.argument("subscription_id", type=int)
@with_appcontext
def webhooks_remove_command(subscription_id):
    """Delete a subscription; its undelivered messages fail instead of being sent."""
    webhooks.remove_subscription(subscription_id, actor=cli_actor())
    db.session.commit()
    click.echo(f"webhook {subscription_id} removed")
