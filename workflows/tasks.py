"""Working on tasks as a person: who may see, claim, hand over, draft and complete which task.

The engine keeps the mechanics (versions, locks, form validation); this module adds the rules of
the Office — an authority only ever touches tasks addressed to it, a lawyer cannot take over a
colleague's claimed task without a hand-over, an escalation needs a superior authority — and turns
engine errors into messages in the user's language.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from engine import errors as engine_errors
from engine import instances
from engine import tasks as engine_tasks
from engine.db import db
from engine.models import HumanTask

from .access import ADMINISTER, HAND_OVER_TASKS, RETURN_OTHERS_TASKS, can, may_work_on, missing_task_grants
from .actors import authority_group, authority_of_group, link_actor
from .errors import Conflict, Forbidden, Invalid, NotFound
from .recommendations.models import Recommendation
from .recommendations.services import PROCESS_ID
from .users.models import User


def get(user: User, task_id: str) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    _check_may_see(user, task, task_id)
    return task


def _check_may_see(user: User, task: HumanTask | None, task_id: str) -> None:
    # A task that is not the viewer's answers exactly as a missing one: ids cannot be probed.
    if task is None or (not may_work_on(user, task) and not _completed_by(user, task)):
        raise _missing(task_id)


def _missing(task_id: str) -> NotFound:
    return NotFound(_("Task %(id)s does not exist.", id=task_id))


def _completed_by(user: User, task) -> bool:
    return task.completed_by == user.actor


def recommendation_of(task: HumanTask) -> Recommendation | None:
    return db.session.scalar(
        sa.select(Recommendation).where(Recommendation.process_instance_id == task.instance_id)
    )


def _conflict(exc: engine_errors.Conflict) -> Conflict:
    details = exc.details
    if details.get("status") and details["status"] != "open":
        return Conflict(_("This task has already been %(status)s.", status=_status_word(details["status"])))
    if details.get("assignee"):
        return Conflict(_("This task has been claimed by someone else. Reload the page."))
    return Conflict(
        _(
            "This task changed while you were working on it (version %(v)s). Reload it and try again.",
            v=details.get("version", "?"),
        )
    )


def _status_word(status: str) -> str:
    return {"completed": _("completed"), "cancelled": _("cancelled")}.get(status, status)


def claim(user: User, task_id: str, expected_version: int | None = None) -> HumanTask:
    task = get(user, task_id)
    try:
        return engine_tasks.claim(task.id, user=user.actor, expected_version=expected_version)
    except engine_errors.Conflict as exc:
        raise _conflict(exc) from None


def unclaim(user: User, task_id: str, expected_version: int | None = None) -> HumanTask:
    task = get(user, task_id)
    if task.assignee not in (None, user.actor) and not can(user, RETURN_OTHERS_TASKS):
        raise Forbidden(_("Only the person who claimed the task or a manager can return it to the queue."))
    try:
        return engine_tasks.unclaim(task.id, actor=user.actor, expected_version=expected_version)
    except engine_errors.Conflict as exc:
        raise _conflict(exc) from None


def reassign(
    user: User, task_id: str, *, to_user_id: int, reason: str, expected_version: int | None = None
) -> HumanTask:
    task = get(user, task_id)
    if not can(user, HAND_OVER_TASKS):
        raise Forbidden(_("Your role may not hand tasks over."))
    colleague = db.session.get(User, to_user_id)
    errors: dict[str, list[str]] = {}
    if colleague is None or not colleague.active:
        errors["to_user_id"] = [_("No such colleague.")]
    elif not may_work_on(colleague, task):
        errors["to_user_id"] = [_("This colleague cannot work on this kind of task.")]
    if len((reason or "").strip()) < 3:
        errors["reason"] = [_("Say why you hand the task over.")]
    if errors:
        raise Invalid(_("The task was not handed over."), errors)
    try:
        return engine_tasks.reassign(
            task.id,
            to=colleague.actor,
            actor=user.actor,
            reason=reason.strip(),
            expected_version=expected_version,
        )
    except engine_errors.Conflict as exc:
        raise _conflict(exc) from None


def save_draft(
    user: User, task_id: str, data: dict[str, Any], expected_version: int | None = None
) -> HumanTask:
    task = get(user, task_id)
    _require_not_claimed_by_other(user, task)
    try:
        return engine_tasks.save_draft(
            task.id, data=data, actor=user.actor, expected_version=expected_version
        )
    except engine_errors.Conflict as exc:
        raise _conflict(exc) from None


def _require_not_claimed_by_other(user: User, task: HumanTask) -> None:
    if task.assignee and task.assignee != user.actor and not can(user, ADMINISTER):
        raise Conflict(_("This task has been claimed by someone else. Reload the page."))


def complete(
    user: User, task_id: str, data: dict[str, Any], expected_version: int | None
) -> instances.CommandResult:
    """Complete a task as `user`. The access rules are checked on the engine's locking read of the
    task (one read serves both), so a completion costs no read of its own."""

    def authorize(task: instances.LockedTask) -> None:
        if not may_work_on(user, task) and not _completed_by(user, task):
            raise _missing(task_id)
        if task.status != "open":
            raise Conflict(_("This task has already been %(status)s.", status=_status_word(task.status)))
        _require_not_claimed_by_other(user, task)
        if missing_task_grants(user, task.element_id):
            raise Forbidden(_("Only a person an admin has authorised to draw up protocols may do this task."))

    return _complete(task_id, user.actor, data, expected_version, authorize)


def _complete(
    task_id: str, actor: str, data: dict[str, Any], expected_version: int | None, authorize
) -> instances.CommandResult:
    try:
        return instances.complete(
            task_id, actor=actor, data=data, expected_version=expected_version, authorize=authorize
        )
    except engine_errors.NotFound:
        raise NotFound(_("Task %(id)s does not exist.", id=task_id)) from None
    except engine_errors.FormInvalid as exc:
        raise Invalid(_("Some fields need your attention."), form_messages(exc.fields)) from None
    except engine_errors.Conflict as exc:
        raise _conflict(exc) from None


def recommendation_of_result(result: instances.CommandResult) -> Recommendation | None:
    """The recommendation a command's instance runs for (None for other processes, without a read)."""
    if result.process_id != PROCESS_ID:
        return None
    return db.session.scalar(
        sa.select(Recommendation).where(Recommendation.process_instance_id == result.instance_id)
    )


# --- an authority answering through its signed reply link (no account) -----------------------------


def open_task_for_authority(recommendation: Recommendation, authority_id: int) -> HumanTask | None:
    """The open task of `recommendation` addressed to this authority (its reply), if there is one."""
    if recommendation.process_instance_id is None:
        return None
    return db.session.scalar(
        sa.select(HumanTask)
        .where(
            HumanTask.instance_id == recommendation.process_instance_id,
            HumanTask.status == "open",
            HumanTask.candidate_group == authority_group(authority_id),
        )
        .order_by(HumanTask.created_at, HumanTask.id)
        .limit(1)
    )


def complete_for_authority(
    authority_id: int, task_id: str, data: dict[str, Any], expected_version: int | None
) -> instances.CommandResult:
    """Complete a task addressed to `authority:<id>` on behalf of that authority, as the actor
    `link:authority:<id>`. The signed link (workflows/links.py) is the authority's credential, so the
    task must be addressed to exactly that authority; an official of the same authority having
    claimed it in an account does not stop the reply (it is the same body answering)."""

    def authorize(task: instances.LockedTask) -> None:
        if task.candidate_group != authority_group(authority_id):
            raise Forbidden(_("This task is not addressed to you."))
        if task.status != "open":
            raise Conflict(_("This task has already been %(status)s.", status=_status_word(task.status)))

    return _complete(task_id, link_actor(authority_id), data, expected_version, authorize)


def colleagues(user: User, task: HumanTask) -> list[User]:
    """Whom `user` may hand `task` over to: active people, other than the one holding it, who may
    work on it (the same rule `reassign` checks)."""
    query = sa.select(User).where(User.active.is_(True)).order_by(User.name)
    group_authority = authority_of_group(task.candidate_group)
    if group_authority is not None:
        query = query.where(User.role == "authority", User.authority_id == group_authority)
    else:
        query = query.where(User.role.in_(("lawyer", "manager")))
    candidates = db.session.scalars(query).all()
    return [c for c in candidates if c.actor != task.assignee and c.id != user.id and may_work_on(c, task)]


def form_messages(fields: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """The engine's per-field form errors (rule, params), said in the user's language."""
    return {name: [_rule_message(e) for e in errs] for name, errs in fields.items()}


def _rule_message(error: dict[str, Any]) -> str:
    rule, limit = error.get("rule"), error.get("params", {}).get("limit")
    count = limit if isinstance(limit, int) else 0
    messages = {
        "required": _("This field is required."),
        # Counted nouns need the catalog's plural forms: 3 символи, 5 символів, 21 символ.
        "minLength": ngettext(
            "Enter at least %(num)d character.", "Enter at least %(num)d characters.", count
        ),
        "maxLength": ngettext("Enter at most %(num)d character.", "Enter at most %(num)d characters.", count),
        "minimum": _("The value must be at least %(n)s.", n=limit),
        "maximum": _("The value must be at most %(n)s.", n=limit),
        "enum": _("Choose one of the offered options."),
        "const": _("Choose one of the offered options."),
        "format": _("Enter a valid date (YYYY-MM-DD).")
        if limit == "date"
        else _("The value has a wrong format."),
        "type": _("The value has a wrong type."),
        "pattern": _("The value has a wrong format."),
        "additionalProperties": _("The form contains fields it does not know."),
        "maxItems": _("Too many items (at most %(n)s).", n=limit),
    }
    return messages.get(rule, error.get("message", _("The value is not valid.")))
