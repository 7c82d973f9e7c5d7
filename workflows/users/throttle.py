"""Sign-in throttle: after too many wrong passwords for one account, or from one address, within a
window, sign-in is refused — the right password too — until the window has moved on.

The failures live in the database (`sign_in_failure`), so every gunicorn worker and host counts the
same ones. A successful sign-in clears its account's failures. Limits: OMBUDSFLOW_SIGNIN_* settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from engine.clock import clock
from engine.db import db

from .models import SignInFailure


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window: timedelta

    @classmethod
    def from_config(cls) -> Limits:
        config = current_app.config
        return cls(
            int(config.get("OMBUDSFLOW_SIGNIN_MAX_PER_ACCOUNT", 5)),
            int(config.get("OMBUDSFLOW_SIGNIN_MAX_PER_ADDRESS", 20)),
            timedelta(minutes=int(config.get("OMBUDSFLOW_SIGNIN_WINDOW_MINUTES", 15))),
        )


def wait_minutes(account: str, address: str) -> int:
    """0 when a sign-in may be tried; else the whole minutes until it may."""
    limits = Limits.from_config()
    now = clock.now()
    since = now - limits.window
    waits = []
    for column, value, limit in (
        (SignInFailure.account, account, limits.per_account),
        (SignInFailure.address, address, limits.per_address),
    ):
        times = db.session.scalars(
            sa.select(SignInFailure.at)
            .where(column == value, SignInFailure.at > since)
            .order_by(SignInFailure.at.desc())
            .limit(limit)
        ).all()
        if len(times) >= limit:
            # Free again when the oldest of the last `limit` failures leaves the window.
            waits.append(times[-1] + limits.window - now)
    if not waits:
        return 0
    return max(1, math.ceil(max(waits).total_seconds() / 60))


def failed(account: str, address: str) -> None:
    db.session.add(SignInFailure(at=clock.now(), account=account[:320], address=address[:64]))


def succeeded(account: str) -> None:
    table = SignInFailure.__table__
    db.session.execute(table.delete().where(table.c.account == account))
    # Old rows of every account go too: the table holds one window's worth.
    db.session.execute(table.delete().where(table.c.at < clock.now() - Limits.from_config().window * 4))
