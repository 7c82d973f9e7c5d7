"""Where a recommendation's process waits now, from the engine's projections: its open user tasks,
and its timers that are not attached to a task (a follow-up date, say). A boundary timer (a reminder,
the deadline) waits on its task, which already counts. The heat map counts these rows per element;
the list's `step` filter finds the recommendations behind one count — the same two predicates."""

from __future__ import annotations

import sqlalchemy as sa

from engine.models import HumanTask, Timer

from .models import Recommendation

TASK_WAITING = HumanTask.status == "open"
TIMER_WAITING = Timer.placement != "boundary"


def waiting_at(element_id: str):
    """Recommendations whose process waits at `element_id` now."""
    task = sa.exists().where(
        HumanTask.instance_id == Recommendation.process_instance_id,
        TASK_WAITING,
        HumanTask.element_id == element_id,
    )
    timer = sa.exists().where(
        Timer.instance_id == Recommendation.process_instance_id,
        TIMER_WAITING,
        Timer.element_id == element_id,
    )
    return sa.or_(task, timer)
