"""Dates checked where they are entered: the rules of each task form that JSON Schema cannot say.

Registered with the engine by form name (`engine.forms.rule`), they run inside
`instances.complete` right after the workflow is restored, with the submitted data and the task's
current data — which already holds the deadline in force, the designer's limits (DMN) and the
dates the task compares with — so the pages and the API are checked alike and a refused
completion writes nothing. Messages are in the user's language.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from engine import forms
from engine.clock import clock
from engine.db import db

from .. import deadlines
from ..authorities.models import Authority

Errors = dict[str, list[str]]


def day_or_none(value: Any) -> date | None:
    if not value:
        return None
    try:
        return deadlines.as_day(value)
    except (TypeError, ValueError):
        return None


def shown(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def today() -> date:
    return deadlines.kyiv_date(clock.now())


def not_in_future(name: str, value: Any, what: str) -> Errors:
    """A date that records a past event (a protocol, a hearing held, a decision, a receipt)."""
    day = day_or_none(value)
    if day is not None and day > today():
        return {
            name: [
                _("%(what)s cannot be in the future (today is %(today)s).", what=what, today=shown(today()))
            ]
        }
    return {}


def not_in_past(name: str, value: Any, what: str) -> Errors:
    """A date the Office plans (a follow-up check, the next hearing)."""
    day = day_or_none(value)
    if day is not None and day < today():
        return {
            name: [_("%(what)s cannot be in the past (today is %(today)s).", what=what, today=shown(today()))]
        }
    return {}


@forms.rule("decide_extension")
def check_extension_decision(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    """A granted extension only moves the deadline later, to a working day, and not beyond the
    designer's limit (`extension_limit` of the DMN, given with the request)."""
    if not submitted.get("extension_granted"):
        return {}
    until = day_or_none(submitted.get("extension_until"))
    if until is None:
        return {}
    request = data.get("extension_request") or {}
    current = day_or_none(request.get("current_due_at"))
    limit = day_or_none(request.get("max_until"))
    if current is not None and until <= current:
        return {
            "extension_until": [
                _(
                    "An extension moves the deadline later: "
                    "choose a day after the current deadline (%(date)s).",
                    date=shown(current),
                )
            ]
        }
    if until <= today():
        return {"extension_until": [_("Choose a day after today.")]}
    if limit is not None and until > limit:
        return {
            "extension_until": [
                _("The term may be extended until %(date)s at the latest.", date=shown(limit))
            ]
        }
    if not deadlines.is_working_day(until):
        return {
            "extension_until": [
                _(
                    "%(date)s is a non-working day; choose a working day (e.g. %(next)s).",
                    date=shown(until),
                    next=shown(deadlines.next_working_day(until)),
                )
            ]
        }
    return {}


@forms.rule("decide_next_steps")
def check_next_steps(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    """A repeat request's deadline is a working day at least N days away (DMN `repeat_min_days`);
    an escalation needs a superior authority in the registry."""
    action = submitted.get("next_action")
    if action == "new_deadline":
        day = day_or_none(submitted.get("new_due_date"))
        if day is None:
            return {}
        minimum = int(data.get("repeat_min_days") or 1)
        earliest = deadlines.next_working_day(today() + timedelta(days=minimum))
        if day < earliest:
            message = ngettext(
                "The new deadline must be at least %(num)d day away: %(date)s or later.",
                "The new deadline must be at least %(num)d days away: %(date)s or later.",
                minimum,
                date=shown(earliest),
            )
            return {"new_due_date": [message]}
        if not deadlines.is_working_day(day):
            return {
                "new_due_date": [
                    _(
                        "%(date)s is a non-working day; choose a working day (e.g. %(next)s).",
                        date=shown(day),
                        next=shown(deadlines.next_working_day(day)),
                    )
                ]
            }
    if action == "escalate":
        addressee = db.session.get(Authority, int(data.get("addressee_id") or 0))
        if addressee is None or addressee.parent_id is None:
            return {
                "next_action": [
                    _(
                        "%(name)s has no superior authority in the registry; add it or choose another step.",
                        name=addressee.name_uk if addressee else "?",
                    )
                ]
            }
    return {}


def _follow_up(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    if not submitted.get("verify_later"):
        return {}
    return not_in_past("follow_up_date", submitted.get("follow_up_date"), _("The verification date"))


forms.rule("review_reply")(_follow_up)
forms.rule("verify")(_follow_up)
forms.rule("assess_late_reply")(_follow_up)


@forms.rule("follow_court_case")
def check_court(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    errors: Errors = {}
    if submitted.get("court_action") == "decision":
        errors.update(not_in_future("decision_date", submitted.get("decision_date"), _("The decision date")))
    errors.update(not_in_past("next_hearing_date", submitted.get("next_hearing_date"), _("The next hearing")))
    hearing, following = (
        day_or_none(submitted.get("hearing_date")),
        day_or_none(submitted.get("next_hearing_date")),
    )
    if hearing and following and following <= hearing:
        errors.setdefault("next_hearing_date", []).append(_("The next hearing comes after this one."))
    return errors


@forms.rule("register_receipt")
def check_receipt(submitted: dict[str, Any], data: dict[str, Any]) -> Errors:
    from .receipts import check_received_on

    sent = (data.get("request") or {}).get("sent_at") or (data.get("sent") or {}).get("sent_at")
    if not submitted.get("received_on"):
        return {}
    return check_received_on(sent, submitted.get("received_on"))
