"""Monitors add observations to the follow-up of their visits' recommendations ("the measures were
not seen at the repeat visit"); the Office reads them beside the authority's replies."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from .. import access
from ..deadlines import kyiv_date
from ..errors import Forbidden, Invalid
from ..recommendations import queries
from ..users.models import User
from .models import Observation

MAX_TEXT = 10000


def add(user: User, recommendation_id: int, *, text: str, observed_on: date | None) -> Observation:
    if not access.can(user, access.ADD_OBSERVATIONS):
        raise Forbidden(_("Only civil-society monitors add observations."))
    rec = queries.get(user, recommendation_id)  # a monitor sees the recommendations of their visits
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if len(text) < 10:
        errors["text"] = [_("Write the observation in at least 10 characters.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("Write at most %(num)d characters.", num=MAX_TEXT)]
    today = kyiv_date(clock.now())
    if observed_on is None:
        errors["observed_on"] = [_("Enter the date as day.month.year, e.g. 23.11.2026.")]
    elif observed_on > today:
        errors["observed_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise Invalid(_("The observation was not saved."), errors)
    observation = Observation(
        recommendation_id=rec.id,
        author_id=user.id,
        observed_on=observed_on,
        text=text,
        created_at=clock.now(),
    )
    db.session.add(observation)
    db.session.flush()
    audit.record(
        "observation_added",
        actor=user.actor,
        instance_id=rec.process_instance_id,
        business_key=rec.business_key,
        subject=f"observation:{observation.id}",
        details={"observed_on": observed_on.isoformat()},
    )
    return observation


def for_recommendation(recommendation_id: int) -> list[Observation]:
    return db.session.scalars(
        sa.select(Observation)
        .where(Observation.recommendation_id == recommendation_id)
        .order_by(Observation.observed_on, Observation.id)
    ).all()
