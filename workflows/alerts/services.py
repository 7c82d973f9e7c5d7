"""Managers' alerts: each is a saved list of recommendations and a threshold. A scheduler job counts
the list for its owner; when the count goes over the threshold, one e-mail goes out through the outbox
in the same transaction that records the change — and another only after it went back under.

- overdue_authority: recommendations of an authority and its subordinates overdue more than N days;
- protocol_limitation: protocols pending in court whose limitation period ends within N days;
- critical_region: more than N critical recommendations open in an oblast.

The count is `recommendations.queries.count` of the same filters the e-mail's link opens.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from engine import audit, outbox
from engine.clock import clock
from engine.db import db, is_postgresql

from .. import access, links
from ..authorities.models import Authority
from ..errors import Forbidden, Invalid, NotFound
from ..recommendations import queries
from ..reference.models import Region
from ..users.models import User
from .models import KINDS, AlertSubscription

log = logging.getLogger(__name__)
DEFAULT_DAYS = {"overdue_authority": 30, "protocol_limitation": 14}
MAX_DAYS = 3650


def filters(sub: AlertSubscription) -> queries.RecommendationFilters:
    """The list an alert counts."""
    if sub.kind == "overdue_authority":
        return queries.RecommendationFilters(
            authority_id=sub.authority_id, subordinates=True, overdue_days=f"{(sub.days or 0) + 1}-"
        )
    if sub.kind == "protocol_limitation":
        return queries.RecommendationFilters(limitation=f"0-{sub.days or 0}")
    return queries.RecommendationFilters(open=True, severity="critical", region=sub.region_code)


def describe(sub: AlertSubscription, language: str | None = None) -> str:
    """The condition in words, in `language` (else the current locale)."""
    if language:
        with force_locale(language):
            return _describe(sub, language == "en")
    locale = get_locale()
    return _describe(sub, locale is not None and locale.language == "en")


def _describe(sub: AlertSubscription, en: bool) -> str:
    if sub.kind == "overdue_authority":
        authority = db.session.get(Authority, sub.authority_id)
        name = authority.name("en" if en else "uk") if authority else str(sub.authority_id)
        return _(
            "Recommendations of %(authority)s and its subordinates overdue more than %(days)s days",
            authority=name,
            days=sub.days,
        )
    if sub.kind == "protocol_limitation":
        return _("A protocol's limitation period ends within %(days)s days", days=sub.days)
    region = db.session.get(Region, sub.region_code)
    name = (region.name_en if en else region.name_uk) if region else sub.region_code
    return ngettext(
        "More than %(num)d critical recommendation open in %(region)s",
        "More than %(num)d critical recommendations open in %(region)s",
        sub.threshold,
        region=name,
    )


def subscriptions(user: User) -> list[AlertSubscription]:
    return db.session.scalars(
        sa.select(AlertSubscription)
        .where(AlertSubscription.user_id == user.id, AlertSubscription.active.is_(True))
        .order_by(AlertSubscription.id)
    ).all()


def _whole(value, field: str, errors: dict, *, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = [_("Enter a whole number.")]
        return None
    if not low <= number <= high:
        errors[field] = [_("The value must be between %(min)s and %(max)s.", min=low, max=high)]
        return None
    return number


def subscribe(
    user: User,
    *,
    kind: str,
    authority_id=None,
    region: str | None = None,
    days=None,
    threshold=None,
) -> AlertSubscription:
    """A new alert for `user` (managers and admins); evaluated by the next run of the job."""
    if not access.can(user, access.MANAGE_PUBLICATION):
        raise Forbidden(_("Only managers set alerts."))
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        raise Invalid(_("The alert was not saved."), {"kind": [_("Choose what to watch.")]})
    sub = AlertSubscription(user_id=user.id, kind=kind, threshold=0, created_at=clock.now())
    if kind == "overdue_authority":
        authority = (
            db.session.get(Authority, int(authority_id)) if str(authority_id or "").isdigit() else None
        )
        if authority is None:
            errors["authority_id"] = [_("Choose an authority.")]
        else:
            sub.authority_id = authority.id
    if kind == "critical_region":
        if not region or db.session.get(Region, region) is None:
            errors["region"] = [_("Choose a region.")]
        else:
            sub.region_code = region
        sub.threshold = _whole(threshold, "threshold", errors, low=0, high=100000) or 0
    if kind in DEFAULT_DAYS:
        sub.days = _whole(
            days if days not in (None, "") else DEFAULT_DAYS[kind], "days", errors, low=0, high=MAX_DAYS
        )
    if errors:
        raise Invalid(_("The alert was not saved."), errors)
    db.session.add(sub)
    db.session.flush()
    audit.record(
        "alert_subscribed",
        actor=user.actor,
        subject=f"alert:{sub.id}",
        details={
            "kind": kind,
            "authority_id": sub.authority_id,
            "region": sub.region_code,
            "days": sub.days,
            "threshold": sub.threshold,
        },
    )
    return sub


def unsubscribe(user: User, subscription_id: int) -> None:
    sub = db.session.get(AlertSubscription, subscription_id)
    if sub is None or not sub.active:
        raise NotFound(_("The alert does not exist."))
    if sub.user_id != user.id and user.role != "admin":
        raise Forbidden(_("This alert is someone else's."))
    sub.active = False
    audit.record(
        "alert_unsubscribed", actor=user.actor, subject=f"alert:{sub.id}", details={"kind": sub.kind}
    )


def _claim(subscription_id: int) -> AlertSubscription | None:
    """The subscription locked for this evaluation; None when another worker holds it right now."""
    query = sa.select(AlertSubscription).where(
        AlertSubscription.id == subscription_id, AlertSubscription.active.is_(True)
    )
    if is_postgresql():
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def evaluate(sub: AlertSubscription) -> bool:
    """Count the alert's list for its owner, record the state, and enqueue the e-mail when the
    condition has just become true. Returns whether an e-mail was enqueued. The caller commits."""
    owner = db.session.get(User, sub.user_id)
    now = clock.now()
    count = queries.count(owner, filters(sub), now) if owner is not None and owner.active else 0
    met = count > sub.threshold
    sub.last_count, sub.last_evaluated_at = count, now
    if met == sub.is_met:
        return False
    sub.is_met = met
    if not met:
        sub.met_since = None
        audit.record("alert_cleared", actor="scheduler", subject=f"alert:{sub.id}", details={"count": count})
        return False
    sub.met_since = now
    sub.times_fired += 1
    language = owner.language if owner.language in ("uk", "en") else "uk"
    outbox.enqueue(
        channel="email",
        topic="alert",
        recipient=owner.email,
        language=language,
        payload={
            "manager": {"name": owner.name},
            "alert": {
                "id": sub.id,
                "description": describe(sub, language),
                "count": count,
                "threshold": sub.threshold,
                "url": links.recommendations_url(filters(sub)),
            },
        },
        # Once per time the condition becomes true, however many workers evaluate it.
        dedupe_key=f"alert:{sub.id}:{sub.times_fired}",
    )
    audit.record(
        "alert_fired",
        actor="scheduler",
        subject=f"alert:{sub.id}",
        details={"count": count, "threshold": sub.threshold, "times": sub.times_fired},
    )
    return True


def run() -> int:
    """The scheduler job: evaluate every active alert, each in its own transaction."""
    ids = db.session.scalars(
        sa.select(AlertSubscription.id)
        .where(AlertSubscription.active.is_(True))
        .order_by(AlertSubscription.id)
    ).all()
    db.session.commit()
    sent = 0
    for subscription_id in ids:
        try:
            sub = _claim(subscription_id)
            if sub is not None and evaluate(sub):
                sent += 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("alert %s could not be evaluated", subscription_id)
    return sent
