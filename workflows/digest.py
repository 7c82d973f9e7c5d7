"""The lawyers' daily digest: their own tasks and their groups' unclaimed ones, due soon and overdue;
one e-mail a day, none when there is nothing.

The job runs every few minutes on every worker; from the configured hour in Kyiv it enqueues today's
digest for each lawyer, keyed by lawyer and date, so it goes out once whatever the number of workers
or restarts — and also when the clock has been moved (it reads the engine clock, not the system's).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from engine import outbox
from engine.clock import clock
from engine.db import db
from engine.models import HumanTask, OutboxMessage

from .access.scopes import personal_task_filter
from .deadlines import KYIV
from .links import inbox_url, task_url
from .recommendations.models import Recommendation
from .users.models import User

DUE_SOON = timedelta(days=3)
LIMIT = 50


def _rows(user: User, *, overdue: bool):
    now = clock.now()
    query = (
        sa.select(
            HumanTask.id, HumanTask.name, HumanTask.due_at, Recommendation.number, Recommendation.facility_id
        )
        .join(Recommendation, Recommendation.process_instance_id == HumanTask.instance_id)
        .where(HumanTask.status == "open", personal_task_filter(user), HumanTask.due_at.is_not(None))
    )
    if overdue:
        query = query.where(HumanTask.due_at < now)
    else:
        query = query.where(HumanTask.due_at >= now, HumanTask.due_at < now + DUE_SOON)
    return db.session.execute(query.order_by(HumanTask.due_at).limit(LIMIT)).all()


def build(user: User) -> dict | None:
    """The digest payload for `user`, or None when nothing is due or overdue."""
    from .facilities.models import Facility

    due_soon, overdue = _rows(user, overdue=False), _rows(user, overdue=True)
    if not due_soon and not overdue:
        return None
    names = dict(
        db.session.execute(
            sa.select(Facility.id, Facility.name_en if user.language == "en" else Facility.name_uk).where(
                Facility.id.in_({r.facility_id for r in [*due_soon, *overdue]})
            )
        ).all()
    )

    def item(row):
        return {
            "task": row.name,
            "recommendation_number": row.number,
            "facility": names.get(row.facility_id, ""),
            "due_at": row.due_at.isoformat(),
            "url": task_url(row.id),
        }

    return {
        "lawyer": {"name": user.name, "email": user.email},
        "due_soon": [item(r) for r in due_soon],
        "overdue": [item(r) for r in overdue],
        "inbox_url": inbox_url(),
    }


def run() -> int:
    """Enqueue today's digests that are due and not yet enqueued; returns how many were added."""
    local = clock.now().astimezone(KYIV)
    if local.hour < current_app.config.get("OMBUDSFLOW_DIGEST_HOUR", 8):
        return 0
    day = local.date().isoformat()
    added = 0
    lawyers = db.session.scalars(sa.select(User).where(User.role == "lawyer", User.active.is_(True)))
    for user in lawyers:
        key = f"digest:{user.id}:{day}"
        if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue
        payload = build(user)
        if payload is None:
            continue
        outbox.add(
            channel="email",
            topic="digest",
            recipient=user.email,
            language=user.language,
            payload=payload,
            dedupe_key=key,
        )
        added += 1
    db.session.commit()
    return added
