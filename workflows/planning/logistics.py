"""Resources and logistics: cost rates, trips, the estimated cost of each planned visit, budgets per
quarter and regional office, and monitors' expenses to reimburse.

Costs (UAH), from the rates an admin sets:
- a trip is the visits of one plan to places of one district (same oblast, same `district`) in one
  month, when going once and staying between them costs less than a journey each (from a nearby
  regional office, day trips may cost less than nights in a hotel); a visit alone is a trip of its own;
- people: the members of the trip's groups (before groups are set, the plan's `group_size` people who
  go to all its visits);
- travel: one return journey per person, at `travel_regional` when a regional office covers the
  oblast (the group comes from there), else `travel_interregional` (from Kyiv);
- per diem (`per_diem`) per person for the days of the visits they are in; accommodation
  (`accommodation`) per person and night: their days − 1 nights, or as many nights as days when the
  group comes from another region;
- each visit's estimated cost is its share of its trip's cost, in proportion to its days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from engine import audit
from engine.clock import clock
from engine.db import db

from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..monitors.models import Monitor
from ..reference.models import Region, RegionalOffice
from ..users.models import User
from .models import (
    EXPENSE_KINDS,
    QUARTERS,
    CostRate,
    Expense,
    PlanBudget,
    PlannedVisit,
    Trip,
    VisitPlan,
)
from .seed import COST_RATES

CENT = Decimal("0.01")
COSTED_STATUSES = ("planned", "pending", "done")


def rates() -> dict[str, Decimal]:
    stored = dict(db.session.execute(sa.select(CostRate.code, CostRate.amount)).all())
    return {code: Decimal(stored.get(code, default)) for code, default in COST_RATES.items()}


def set_rates(values: dict[str, Decimal | None], *, user: User) -> dict[str, Decimal]:
    from .. import access

    if not access.can(user, access.EDIT_RATES):
        raise Forbidden(_("Only an administrator sets the rates."))
    errors: dict[str, list[str]] = {}
    for code in COST_RATES:
        value = values.get(code)
        if value is None or value < 0 or value > Decimal("1000000"):
            errors[code] = [_("Enter an amount from 0 to 1 000 000.")]
    if errors:
        raise Invalid(_("The rates were not saved."), errors)
    before = rates()
    now = clock.now()
    for code in COST_RATES:
        row = db.session.get(CostRate, code)
        amount = Decimal(values[code]).quantize(CENT)
        if row is None:
            db.session.add(CostRate(code=code, amount=amount, updated_at=now, updated_by=user.actor))
        elif row.amount != amount:
            row.amount, row.updated_at, row.updated_by = amount, now, user.actor
    db.session.flush()
    after = rates()
    changed = {c: {"from": str(before[c]), "to": str(after[c])} for c in COST_RATES if before[c] != after[c]}
    if changed:
        audit.record(
            "cost_rates_changed", actor=user.actor, subject="cost_rates", details={"changed": changed}
        )
    return after


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class TripCost:
    people: int
    days: int  # days on site, all visits of the trip together
    nights: int  # person-nights
    interregional: bool
    travel: Decimal
    per_diem: Decimal
    accommodation: Decimal

    @property
    def total(self) -> Decimal:
        return self.travel + self.per_diem + self.accommodation


def trip_cost(
    visits: list[PlannedVisit], *, group_size: int, rate: dict[str, Decimal], interregional: bool
) -> TripCost:
    """Everyone in the trip's groups travels once; each is paid per diem for the days of the visits
    they are in, and nights between them (a night more when coming from another region). Visits
    without a group yet count `group_size` people who go to all of them."""
    days_of: dict[object, int] = defaultdict(int)
    for visit in visits:
        people = [m.monitor_id for m in visit.members] or [("planned", i) for i in range(group_size)]
        for person in people:
            days_of[person] += visit.days
    person_days = sum(days_of.values())
    nights = sum(d if interregional else max(d - 1, 0) for d in days_of.values())
    travel = rate["travel_interregional" if interregional else "travel_regional"] * len(days_of)
    return TripCost(
        people=len(days_of),
        days=sum(v.days for v in visits),
        nights=nights,
        interregional=interregional,
        travel=_money(travel),
        per_diem=_money(rate["per_diem"] * person_days),
        accommodation=_money(rate["accommodation"] * nights),
    )


def recompute(plan: VisitPlan) -> None:
    """Group the plan's visits into trips and set each visit's estimated cost (after any change)."""
    db.session.flush()
    visits = db.session.scalars(
        sa.select(PlannedVisit)
        .where(PlannedVisit.plan_id == plan.id, PlannedVisit.status.in_(COSTED_STATUSES))
        .options(selectinload(PlannedVisit.facility), selectinload(PlannedVisit.members))
    ).all()
    cancelled = sa.update(PlannedVisit).where(
        PlannedVisit.plan_id == plan.id, PlannedVisit.status.not_in(COSTED_STATUSES)
    )
    db.session.execute(cancelled.values(trip_id=None, estimated_cost=Decimal("0")))
    for visit in visits:
        visit.trip_id = None
    db.session.flush()
    db.session.execute(sa.delete(Trip).where(Trip.plan_id == plan.id))
    groups: dict[tuple, list[PlannedVisit]] = defaultdict(list)
    for visit in visits:
        district = (visit.facility.district or "").strip()
        key = (
            (visit.facility.region_code, district.casefold(), visit.month)
            if district
            else ("visit", visit.id)
        )
        groups[key].append(visit)
    offices = dict(db.session.execute(sa.select(Region.code, Region.office_id)).all())
    rate = rates()
    group_size = int((plan.targets or {}).get("group_size") or 3)
    for members in groups.values():
        region = members[0].facility.region_code
        interregional = offices.get(region) is None

        def cost_of(visits: list[PlannedVisit], interregional: bool = interregional) -> TripCost:
            return trip_cost(visits, group_size=group_size, rate=rate, interregional=interregional)

        together = cost_of(members) if len(members) > 1 else None
        alone = [cost_of([visit]) for visit in members]
        # One journey with nights between the visits, or a journey each: whichever costs less (from a
        # nearby regional office, day trips may be cheaper than a night in a hotel).
        if together is not None and together.total < sum((c.total for c in alone), Decimal("0")):
            first = members[0].facility
            trip = Trip(
                plan_id=plan.id,
                region_code=first.region_code,
                district=first.district.strip(),
                month=members[0].month,
            )
            db.session.add(trip)
            db.session.flush()
            for visit in members:
                visit.trip_id = trip.id
                visit.estimated_cost = _money(together.total * visit.days / together.days)
        else:
            for visit, cost in zip(members, alone, strict=True):
                visit.estimated_cost = cost.total
    db.session.flush()


def trips(plan: VisitPlan) -> list[tuple[Trip, list[PlannedVisit], TripCost]]:
    rate = rates()
    offices = dict(db.session.execute(sa.select(Region.code, Region.office_id)).all())
    group_size = int((plan.targets or {}).get("group_size") or 3)
    out = []
    for trip in db.session.scalars(
        sa.select(Trip).where(Trip.plan_id == plan.id).order_by(Trip.month, Trip.id)
    ):
        visits = db.session.scalars(
            sa.select(PlannedVisit).where(PlannedVisit.trip_id == trip.id).order_by(PlannedVisit.id)
        ).all()
        cost = trip_cost(
            visits, group_size=group_size, rate=rate, interregional=offices.get(trip.region_code) is None
        )
        out.append((trip, visits, cost))
    return out


def savings(plan: VisitPlan) -> Decimal:
    """What grouping visits into trips saves against travelling to each place separately."""
    rate = rates()
    offices = dict(db.session.execute(sa.select(Region.code, Region.office_id)).all())
    group_size = int((plan.targets or {}).get("group_size") or 3)
    saved = Decimal("0")
    for _trip, visits, cost in trips(plan):
        alone = sum(
            (
                trip_cost(
                    [v],
                    group_size=group_size,
                    rate=rate,
                    interregional=offices.get(v.facility.region_code) is None,
                ).total
                for v in visits
            ),
            Decimal("0"),
        )
        saved += alone - cost.total
    return _money(saved)


# --- budgets and totals ---------------------------------------------------------------------------


def offices() -> list[RegionalOffice]:
    return db.session.scalars(sa.select(RegionalOffice).order_by(RegionalOffice.name_uk)).all()


def set_budget(
    plan: VisitPlan, *, quarter: int, office_id: int | None, amount: Decimal | None, user: User
) -> PlanBudget:
    from .. import access

    if not access.can(user, access.PLAN_BUDGET):
        raise Forbidden(_("Your role may not set budgets."))
    errors: dict[str, list[str]] = {}
    if quarter not in QUARTERS:
        errors["quarter"] = [_("Choose a quarter from 1 to 4.")]
    if office_id is not None and db.session.get(RegionalOffice, office_id) is None:
        errors["office_id"] = [_("No such regional office.")]
    if amount is None or amount < 0 or amount > Decimal("1000000000"):
        errors["amount"] = [_("Enter an amount from 0 to 1 000 000 000.")]
    if errors:
        raise Invalid(_("The budget was not saved."), errors)
    query = sa.select(PlanBudget).where(PlanBudget.plan_id == plan.id, PlanBudget.quarter == quarter)
    query = query.where(
        PlanBudget.office_id.is_(None) if office_id is None else PlanBudget.office_id == office_id
    )
    budget = db.session.scalar(query)
    before = str(budget.amount) if budget else None
    amount = _money(Decimal(amount))
    if budget is None:
        budget = PlanBudget(plan_id=plan.id, quarter=quarter, office_id=office_id, amount=amount)
        db.session.add(budget)
    else:
        budget.amount = amount
    db.session.flush()
    audit.record(
        "plan_budget_set",
        actor=user.actor,
        business_key=plan.business_key,
        subject=f"budget:q{quarter}:{office_id or 'npm'}",
        details={"from": before, "to": str(amount)},
    )
    return budget


@dataclass
class Totals:
    """Money per (quarter, office id or None) and in all: planned cost, budget, expenses."""

    cells: dict[tuple[int, int | None], dict[str, Decimal]] = field(default_factory=dict)
    offices: list[RegionalOffice | None] = field(default_factory=list)

    def cell(self, quarter: int, office_id: int | None) -> dict[str, Decimal]:
        return self.cells.get((quarter, office_id), _empty())

    def quarter(self, quarter: int) -> dict[str, Decimal]:
        return _sum(v for (q, _o), v in self.cells.items() if q == quarter)

    def office(self, office_id: int | None) -> dict[str, Decimal]:
        return _sum(v for (_q, o), v in self.cells.items() if o == office_id)

    @property
    def total(self) -> dict[str, Decimal]:
        return _sum(self.cells.values())


def _empty() -> dict[str, Decimal]:
    return {
        "planned": Decimal("0"),
        "budget": Decimal("0"),
        "to_reimburse": Decimal("0"),
        "reimbursed": Decimal("0"),
        "visits": Decimal("0"),
    }


def _sum(values) -> dict[str, Decimal]:
    out = _empty()
    for value in values:
        for key in out:
            out[key] += value[key]
    return out


def totals(plan: VisitPlan) -> Totals:
    """Planned cost, budget and expenses per quarter and regional office of the plan."""
    office_of_region = dict(db.session.execute(sa.select(Region.code, Region.office_id)).all())
    result = Totals()

    def cell(quarter: int, office_id: int | None) -> dict[str, Decimal]:
        return result.cells.setdefault((quarter, office_id), _empty())

    visits = db.session.scalars(
        sa.select(PlannedVisit).where(
            PlannedVisit.plan_id == plan.id, PlannedVisit.status.in_(COSTED_STATUSES)
        )
    ).all()
    office_of_visit = {}
    for visit in visits:
        office_id = office_of_region.get(visit.facility.region_code)
        office_of_visit[visit.id] = office_id
        c = cell(visit.quarter, office_id)
        c["planned"] += visit.estimated_cost
        c["visits"] += 1
    for budget in db.session.scalars(sa.select(PlanBudget).where(PlanBudget.plan_id == plan.id)):
        cell(budget.quarter, budget.office_id)["budget"] += budget.amount
    rows = db.session.execute(
        sa.select(
            Expense.planned_visit_id,
            PlannedVisit.quarter,
            PlannedVisit.facility_id,
            Expense.status,
            Expense.amount,
        )
        .join(PlannedVisit, PlannedVisit.id == Expense.planned_visit_id)
        .where(PlannedVisit.plan_id == plan.id)
    ).all()
    for row in rows:
        office_id = office_of_visit.get(row.planned_visit_id)
        cell(row.quarter, office_id)[row.status] += row.amount
    used = {o for (_q, o) in result.cells}
    result.offices = [o for o in offices() if o.id in used] + ([None] if None in used else [])
    return result


# --- expenses -------------------------------------------------------------------------------------


def record_expense(
    visit: PlannedVisit, *, monitor_id: int, kind: str, amount: Decimal | None, note: str = "", user: User
) -> Expense:
    """Витрати монітора до відшкодування: a member of the group, after the visit."""
    from .. import access

    monitor = db.session.get(Monitor, monitor_id or 0)
    own = monitor is not None and monitor.user_id == user.id
    if not (access.can(user, access.PLAN_EDIT) or own):
        raise Forbidden(_("You may record only your own expenses."))
    errors: dict[str, list[str]] = {}
    if monitor is None or monitor_id not in {m.monitor_id for m in visit.members}:
        errors["monitor_id"] = [_("Choose a member of the visit's group.")]
    if kind not in EXPENSE_KINDS:
        errors["kind"] = [_("Unknown kind of expense.")]
    if amount is None or amount <= 0 or amount > Decimal("1000000"):
        errors["amount"] = [_("Enter an amount greater than 0.")]
    if visit.status != "done":
        errors["planned_visit"] = [_("Expenses are recorded after the visit has taken place.")]
    if errors:
        raise Invalid(_("The expense was not saved."), errors)
    expense = Expense(
        planned_visit_id=visit.id,
        monitor_id=monitor_id,
        kind=kind,
        amount=_money(Decimal(amount)),
        note=(note or "").strip()[:500],
        status="to_reimburse",
        recorded_by=user.actor,
        recorded_at=clock.now(),
    )
    db.session.add(expense)
    db.session.flush()
    audit.record(
        "expense_recorded",
        actor=user.actor,
        business_key=visit.plan.business_key,
        subject=f"expense:{expense.id}",
        details={
            "planned_visit_id": visit.id,
            "monitor_id": monitor_id,
            "kind": kind,
            "amount": str(expense.amount),
        },
    )
    return expense


def mark_reimbursed(expense_id: int, *, user: User) -> Expense:
    from .. import access

    if not access.can(user, access.REIMBURSE_EXPENSES):
        raise Forbidden(_("Your role may not mark expenses as reimbursed."))
    expense = db.session.get(Expense, expense_id)
    if expense is None:
        raise NotFound(_("No such expense."))
    if expense.status == "reimbursed":
        raise Conflict(_("The expense is reimbursed already."))
    expense.status, expense.reimbursed_at, expense.reimbursed_by = "reimbursed", clock.now(), user.actor
    visit = db.session.get(PlannedVisit, expense.planned_visit_id)
    audit.record(
        "expense_reimbursed",
        actor=user.actor,
        business_key=visit.plan.business_key,
        subject=f"expense:{expense.id}",
        details={"amount": str(expense.amount)},
    )
    return expense


def expenses(visit: PlannedVisit) -> list[Expense]:
    return db.session.scalars(
        sa.select(Expense).where(Expense.planned_visit_id == visit.id).order_by(Expense.id)
    ).all()


def create_office(*, code: str, name_uk: str, name_en: str = "", user: User) -> RegionalOffice:
    """A regional office of the Commissioner (регіональне представництво); admins."""
    import re

    from .. import access

    if not access.can(user, access.EDIT_RATES):
        raise Forbidden(_("Only an administrator changes regional offices."))
    errors: dict[str, list[str]] = {}
    if not re.match(r"^[A-Za-z0-9_.-]{2,40}$", code or ""):
        errors["code"] = [_("Use 2–40 Latin letters, digits, dots, dashes or underscores.")]
    elif db.session.scalar(sa.select(RegionalOffice.id).where(RegionalOffice.code == code)):
        errors["code"] = [_("An office with this code exists already.")]
    if len((name_uk or "").strip()) < 3:
        errors["name_uk"] = [_("The Ukrainian name is required.")]
    if errors:
        raise Invalid(_("The office was not saved."), errors)
    office = RegionalOffice(code=code, name_uk=name_uk.strip(), name_en=(name_en or "").strip())
    db.session.add(office)
    db.session.flush()
    audit.record(
        "regional_office_added", actor=user.actor, subject=f"office:{office.id}", details={"code": code}
    )
    return office


def assign_region(region_code: str, office_id: int | None, *, user: User) -> Region:
    """Which office visits an oblast (None: the NPM Department, from Kyiv)."""
    from .. import access

    if not access.can(user, access.EDIT_RATES):
        raise Forbidden(_("Only an administrator changes regional offices."))
    region = db.session.get(Region, region_code or "")
    errors: dict[str, list[str]] = {}
    if region is None:
        errors["region"] = [_("Unknown region.")]
    if office_id is not None and db.session.get(RegionalOffice, office_id) is None:
        errors["office_id"] = [_("No such regional office.")]
    if errors:
        raise Invalid(_("The office was not saved."), errors)
    if region.office_id != office_id:
        audit.record(
            "region_office_changed",
            actor=user.actor,
            subject=f"region:{region.code}",
            details={"from": region.office_id, "to": office_id},
        )
        region.office_id = office_id
    return region
