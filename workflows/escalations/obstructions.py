"""Перешкоджання доступу: an obstruction of access recorded on a visit is itself an offence under
Art. 188-40 of the Code on Administrative Offences. Recording it starts the small process
`obstruction` (bpmn/obstruction.bpmn), whose lawyer task decides whether to draw up a protocol
against the official responsible; the date of the offence is the day of the visit, and the
limitation period counts from it (`protocols.limitation_of`).

A separate process rather than a message into a recommendation's: the obstruction belongs to the
visit, which may have no recommendation yet (or many).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine import audit, instances, services
from engine.clock import clock
from engine.db import db

from .. import deadlines
from ..facilities.models import Facility

PROCESS_ID = "obstruction"
STATUSES = ("open", "protocol", "no_protocol")
DECISIONS = ("protocol", "no_protocol")


class Obstruction(db.Model):
    """Перешкоджання доступу під час візиту (ст. 188-40 КУпАП) and the lawyer's decision on it."""

    __tablename__ = "obstruction"
    __table_args__ = (sa.Index("ix_obstruction_visit_id", "visit_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"))
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"))
    description: Mapped[str] = mapped_column(sa.Text)
    offence_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    decision: Mapped[str | None] = mapped_column(sa.String(20))
    official_name: Mapped[str | None] = mapped_column(sa.String(300))
    official_position: Mapped[str | None] = mapped_column(sa.String(300))
    reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    process_instance_id: Mapped[int | None]
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))

    facility: Mapped[Facility] = relationship()

    @property
    def business_key(self) -> str:
        return f"obstruction:{self.id}"

    @property
    def limitation(self):
        """The countdown from the day of the visit (the one rule, `protocols.limitation_of`)."""
        from . import protocols

        return protocols.limitation_of(self.offence_date, deadlines.kyiv_date(clock.now()))


def of_instance(instance_id: int) -> Obstruction | None:
    return db.session.scalar(sa.select(Obstruction).where(Obstruction.process_instance_id == instance_id))


def open_tasks(user: Any) -> list[tuple[Any, Obstruction]]:
    """Open obstruction tasks `user` may work on, with their obstruction (the inbox, above the rest)."""
    from engine.models import HumanTask

    from ..access import task_filter

    rows = db.session.execute(
        sa.select(HumanTask, Obstruction)
        .join(Obstruction, Obstruction.process_instance_id == HumanTask.instance_id)
        .where(HumanTask.process_id == PROCESS_ID, HumanTask.status == "open", task_filter(user))
        .order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.id)
        .limit(50)
    ).all()
    return [(task, obstruction) for task, obstruction in rows]


def open_for_visit(visit: Any, *, actor: str) -> Obstruction | None:
    """The visit recorded access problems: open the lawyer's task (once per visit)."""
    description = (visit.access_problems or "").strip()
    if not description:
        return None
    existing = db.session.scalar(sa.select(Obstruction).where(Obstruction.visit_id == visit.id))
    if existing is not None:
        return existing
    obstruction = Obstruction(
        visit_id=visit.id,
        facility_id=visit.facility_id,
        description=description,
        offence_date=visit.starts_on,
        status="open",
        created_at=clock.now(),
    )
    db.session.add(obstruction)
    db.session.flush()
    facility = db.session.get(Facility, visit.facility_id)
    result = instances.start(
        PROCESS_ID,
        data={
            "obstruction_id": obstruction.id,
            "visit_id": visit.id,
            "facility_name": facility.name_uk if facility else "",
            "access_problems": description,
            "offence_date": visit.starts_on.isoformat(),
        },
        business_key=obstruction.business_key,
        actor=actor,
    )
    obstruction.process_instance_id = result.instance_id
    audit.record(
        "obstruction_recorded",
        actor=actor,
        business_key=obstruction.business_key,
        subject=f"visit:{visit.id}",
        details={"offence_date": visit.starts_on.isoformat()},
    )
    return obstruction


@services.register("record_obstruction_decision")
def record_obstruction_decision(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """The lawyer's decision: a protocol against the official named, or none (with the reason)."""
    data = ctx.task_data
    obstruction = db.session.scalar(
        sa.select(Obstruction).where(Obstruction.id == int(data["obstruction_id"])).with_for_update()
    )
    decision = data["obstruction_decision"]
    obstruction.decision = decision
    obstruction.status = decision
    obstruction.official_name = (data.get("official_name") or "").strip() or None
    obstruction.official_position = (data.get("official_position") or "").strip() or None
    obstruction.reason = (data.get("decision_reason") or "").strip()
    obstruction.decided_at, obstruction.decided_by = clock.now(), ctx.actor
    db.session.flush()
    return {"status": obstruction.status}
