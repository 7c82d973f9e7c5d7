"""Management makes a recommendation public (or withdraws it), and publishes monitors' observations
with it. Each decision is audited; the public list follows in the same transaction."""

from __future__ import annotations

from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from .. import access
from ..errors import Conflict, Forbidden, NotFound
from ..observations.models import Observation
from ..recommendations import queries
from ..users.models import User
from . import snapshot
from .models import Publication


def _require_management(user: User) -> None:
    if not access.can(user, access.MANAGE_PUBLICATION):
        raise Forbidden(_("Only management publishes on the transparency page."))


def is_published(recommendation_id: int) -> bool:
    return db.session.get(Publication, recommendation_id) is not None


def publish(user: User, recommendation_id: int) -> Publication:
    _require_management(user)
    rec = queries.get(user, recommendation_id)
    if rec.status == "draft":
        raise Conflict(_("A draft is not sent yet; publish it once the authority has received it."))
    existing = db.session.get(Publication, rec.id)
    if existing is not None:
        return existing
    row = Publication(recommendation_id=rec.id, published_at=clock.now(), published_by=user.actor)
    db.session.add(row)
    db.session.flush()
    audit.record(
        "recommendation_published",
        actor=user.actor,
        instance_id=rec.process_instance_id,
        business_key=rec.business_key,
        subject=rec.number,
    )
    snapshot.refresh_published()
    return row


def unpublish(user: User, recommendation_id: int) -> None:
    _require_management(user)
    rec = queries.get(user, recommendation_id)
    row = db.session.get(Publication, rec.id)
    if row is None:
        return
    db.session.delete(row)
    db.session.flush()
    audit.record(
        "recommendation_unpublished",
        actor=user.actor,
        instance_id=rec.process_instance_id,
        business_key=rec.business_key,
        subject=rec.number,
    )
    snapshot.refresh_published()


def publish_observation(user: User, observation_id: int, published: bool) -> Observation:
    _require_management(user)
    observation = db.session.get(Observation, observation_id)
    if observation is None:
        raise NotFound(_("The observation does not exist."))
    rec = queries.get(user, observation.recommendation_id)
    if bool(observation.published_at) == published:
        return observation
    observation.published_at = clock.now() if published else None
    observation.published_by = user.actor if published else None
    audit.record(
        "observation_published" if published else "observation_unpublished",
        actor=user.actor,
        instance_id=rec.process_instance_id,
        business_key=rec.business_key,
        subject=f"observation:{observation.id}",
    )
    if is_published(rec.id):
        snapshot.refresh_published()
    return observation
