"""Who did it, as a person reads it: the engine names actors `user:12`, `link:authority:5`, `timer`."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from engine.db import db
from workflows.authorities.models import Authority
from workflows.users.models import User

from .labels import language


def actor_names(actors: Iterable[str | None]) -> dict[str, str]:
    """Display names for actors, in two queries at most whatever their number."""
    actors = {a for a in actors if a}
    user_ids = {int(a.split(":")[1]) for a in actors if a.startswith("user:") and a.split(":")[1].isdigit()}
    authority_ids = {
        int(a.rsplit(":", 1)[1])
        for a in actors
        if a.startswith("link:authority:") and a.rsplit(":", 1)[1].isdigit()
    }
    users = (
        dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    authorities = (
        {
            a.id: a.name(language())
            for a in db.session.scalars(sa.select(Authority).where(Authority.id.in_(authority_ids)))
        }
        if authority_ids
        else {}
    )
    names = {}
    for actor in actors:
        kind, _sep, rest = actor.partition(":")
        if kind == "user" and rest.isdigit():
            names[actor] = users.get(int(rest), actor)
        elif actor.startswith("link:authority:"):
            aid = actor.rsplit(":", 1)[1]
            names[actor] = _("%(authority)s (by the reply link)", authority=authorities.get(int(aid), aid))
        elif actor in ("timer", "scheduler"):
            names[actor] = _("Timer")
        elif actor in ("system", "startup", "outbox", "test", "cli") or kind == "cli":
            names[actor] = _("System")
        else:
            names[actor] = actor
    return names


def actor_name(actor: str | None) -> str:
    return actor_names([actor]).get(actor, "") if actor else ""
