"""Monitoring groups proposed from the pool (untrained monitors and declared conflicts skipped, the
leader approves), trips that group places of one district, the safety check before a visit to an
area of hostilities, and a planned visit becoming the visit record — with a follow-up visit linked
to the recommendations it checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from engine.models import HumanTask
from tests.web.scenario import ACT
from workflows import tasks as work
from workflows.errors import Conflict, Forbidden, Invalid
from workflows.monitors import services as monitors
from workflows.planning import amendments, execution, groups, logistics, plans, safety
from workflows.recommendations import queries as recommendation_queries
from workflows.recommendations import services as recommendations
from workflows.visits import services as visits


def _approve(db, plan, manager):
    plans.submit(plan, user=plan_user(db, plan))
    task = db.session.scalar(
        sa.select(HumanTask).where(
            HumanTask.instance_id == plan.process_instance_id, HumanTask.status == "open"
        )
    )
    work.complete(manager, task.id, {"approved": True}, task.version)
    db.session.commit()


def plan_user(db, plan):
    from workflows.users.models import User

    return db.session.get(User, plan.created_by)


@pytest.fixture
def pool(build, world, db):
    """The pool of the Lviv oblast: a staff lawyer (a leader), a trained doctor, an untrained doctor,
    a trained doctor with a declared conflict, a trained military expert away in March."""
    people = {
        "leader": build.monitor(
            "Олена Юрист", kind="staff", expertise=["lawyer"], user=world.users["lawyer"], trained=False
        ),
        "doctor": build.monitor("Іван Лікар", expertise=["doctor"]),
        "untrained": build.monitor("Петро Новачок", expertise=["doctor", "military"], trained=False),
        "conflicted": build.monitor("Ганна Колишня", expertise=["doctor", "military"]),
        "military": build.monitor("Степан Військовий", expertise=["military"], region="volyn"),
        "civil": build.monitor("Марта Громадська", expertise=["psychologist"]),
    }
    db.session.commit()
    return people


def test_a_group_proposal_skips_untrained_monitors_and_declared_conflicts(app, db, world, build, pool):
    lawyer = world.users["lawyer"]
    camp = build.place("Табір для військовополонених «Захід-1»", kind="pow_camp")
    monitors.declare_conflict(
        pool["conflicted"], facility_id=camp.id, note="Працювала в таборі", actor="test"
    )
    plan = plans.create(year=2027, user=lawyer)
    visit = plans.add_visit(plan, facility_id=camp.id, month=4, user=lawyer)
    db.session.commit()
    assert visit.needs == ["lawyer", "doctor", "military"]

    proposal = groups.propose(visit)
    assert [(m.monitor.name, m.role, m.expertise) for m in proposal.members] == [
        ("Олена Юрист", "head", "lawyer"),
        ("Іван Лікар", "expert", "doctor"),
        ("Степан Військовий", "monitor", "military"),
    ]
    assert proposal.missing == []
    assert sorted((m.name, reason) for m, reason in proposal.skipped) == [
        ("Ганна Колишня", "conflict_of_interest"),
        ("Петро Новачок", "untrained"),
    ]

    # Away for the whole of April, the military expert is not proposed: nobody else has that expertise.
    monitors.add_absence(
        pool["military"], starts_on=date(2027, 3, 25), ends_on=date(2027, 5, 2), actor="test"
    )
    proposal = groups.propose(visit)
    assert proposal.missing == ["military"]
    assert ("Степан Військовий", "absent") in [(m.name, r) for m, r in proposal.skipped]

    # Choosing a skipped person by hand is refused with the reason.
    with pytest.raises(Invalid) as refused:
        groups.set_group(
            visit,
            [
                {"monitor_id": pool["leader"].id, "role": "head"},
                {"monitor_id": pool["untrained"].id, "role": "monitor", "expertise": "military"},
            ],
            user=lawyer,
        )
    assert refused.value.fields == {
        "members.1.monitor_id": ["Не може бути в групі: не пройдено базову підготовку."]
    }


def test_the_group_leader_approves_the_group(app, db, world, build, pool):
    lawyer, lawyer2 = world.users["lawyer"], world.users["lawyer2"]
    camp = build.place("Табір для військовополонених «Захід-1»", kind="pow_camp")
    plan = plans.create(year=2027, user=lawyer)
    visit = plans.add_visit(plan, facility_id=camp.id, month=4, user=lawyer)
    groups.apply_proposal(visit, user=lawyer2)
    db.session.commit()
    assert visit.group_status == "proposed"
    with pytest.raises(Forbidden):
        groups.approve_group(visit, user=lawyer2)
    groups.approve_group(visit, user=lawyer)
    db.session.commit()
    assert (visit.group_status, visit.group_approved_by) == ("approved", lawyer.actor)
    # The estimate counts the group's own people now (three, from Kyiv: no regional office in Lviv oblast).
    assert (
        visit.estimated_cost
        == logistics.trip_cost([visit], group_size=3, rate=logistics.rates(), interregional=True).total
    )


def test_a_trip_groups_two_places_of_one_district(app, db, world, build):
    lawyer = world.users["lawyer"]
    camp = build.place("Табір для військовополонених «Захід-1»", kind="pow_camp", district="Стрийський район")
    home = build.place("Стрийський будинок-інтернат", kind="social_care_home", district="стрийський район ")
    other = build.place("Дрогобицька виправна колонія", district="Дрогобицький район")
    plan = plans.create(year=2027, user=lawyer)
    a = plans.add_visit(plan, facility_id=camp.id, month=4, user=lawyer)
    b = plans.add_visit(plan, facility_id=home.id, month=4, user=lawyer)
    c = plans.add_visit(plan, facility_id=other.id, month=4, user=lawyer)
    db.session.commit()
    assert a.trip_id is not None and a.trip_id == b.trip_id
    assert c.trip_id is None
    [(trip, in_trip, cost)] = logistics.trips(plan)
    assert (trip.district, trip.month, [v.id for v in in_trip]) == ("Стрийський район", 4, [a.id, b.id])
    # No regional office covers Lviv oblast: three people come from Kyiv once, for two days of visits.
    rates = logistics.rates()
    assert (cost.people, cost.days, cost.nights) == (3, 2, 6)  # six person-nights
    assert cost.travel == 3 * rates["travel_interregional"]
    assert cost.total == 3 * (
        rates["travel_interregional"] + 2 * rates["per_diem"] + 2 * rates["accommodation"]
    )
    assert a.estimated_cost + b.estimated_cost == cost.total
    assert logistics.savings(plan) == 3 * rates["travel_interregional"] + 0 * rates["per_diem"]
    totals = logistics.totals(plan)
    assert totals.quarter(2)["planned"] == a.estimated_cost + b.estimated_cost + c.estimated_cost
    assert totals.total["visits"] == 3

    # Another month, another trip: moving one of them breaks the trip up.
    plans.update_visit(b, month=5, user=lawyer)
    db.session.commit()
    assert a.trip_id is None and b.trip_id is None

    # From a regional office in the oblast, two day trips cost less than a night in a hotel: no trip.
    plans.update_visit(b, month=4, user=lawyer)
    admin = world.users["admin"]
    office = logistics.create_office(code="WEST", name_uk="Західне регіональне представництво", user=admin)
    logistics.assign_region("lviv", office.id, user=admin)
    logistics.recompute(plan)
    db.session.commit()
    assert a.trip_id is None and b.trip_id is None
    assert a.estimated_cost == 3 * (rates["travel_regional"] + rates["per_diem"])


def test_a_visit_to_a_flagged_place_is_refused_until_its_safety_check_is_done(
    app, db, world, build, pool, clock
):
    lawyer, manager = world.users["lawyer"], world.users["manager"]
    itt = build.place("ІТТ ГУНП у Львівській області", kind="police_temporary_holding", hostilities=True)
    plan = plans.create(year=2026, user=lawyer)
    visit = plans.add_visit(
        plan,
        facility_id=itt.id,
        month=12,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 1),
        user=lawyer,
    )
    groups.set_group(
        visit,
        [
            {"monitor_id": pool["leader"].id, "role": "head"},
            {"monitor_id": pool["doctor"].id, "role": "expert", "expertise": "doctor"},
        ],
        user=lawyer,
    )
    groups.approve_group(visit, user=lawyer)
    _approve(db, plan, manager)
    clock.advance(days=8)  # Tuesday 1 December 2026, the day of the visit

    with pytest.raises(Invalid) as refused:
        execution.start(visit, user=lawyer)
    assert refused.value.fields == {
        "safety_check": [
            "Місце в районі бойових дій: проведіть безпекову перевірку, перш ніж розпочати візит."
        ]
    }
    db.session.rollback()
    with pytest.raises(Invalid) as incomplete:
        safety.complete(
            visit,
            military_coordination=True,
            military_contact="Львівська ОВА, черговий, +380 32 000 00 00",
            shelter=False,
            shelter_note="",
            communication=True,
            communication_note="Супутниковий телефон, вихід на зв'язок щогодини",
            evacuation_route="",
            user=lawyer,
        )
    assert sorted(incomplete.value.fields) == ["evacuation_route", "shelter", "shelter_note"]
    safety.complete(
        visit,
        military_coordination=True,
        military_contact="Львівська ОВА, черговий, +380 32 000 00 00",
        shelter=True,
        shelter_note="Підвал будівлі ІТТ, 120 місць",
        communication=True,
        communication_note="Супутниковий телефон, вихід на зв'язок щогодини",
        evacuation_route="Трасою М-06 на захід до Стрия, запасний — через Миколаїв",
        user=lawyer,
    )
    db.session.commit()
    record = execution.start(visit, user=lawyer)
    db.session.commit()
    assert (visit.status, visit.visit_id) == ("done", record.id)
    assert (record.facility_id, record.kind, record.starts_on) == (itt.id, "regular", date(2026, 12, 1))
    assert [(m.name, m.role, m.user_id) for m in record.members] == [
        ("Олена Юрист", "head", lawyer.id),
        ("Іван Лікар", "expert", None),
    ]
    with pytest.raises(Conflict):
        execution.start(visit, user=lawyer)


def test_an_old_safety_check_must_be_done_again(app, db, world, build, pool, clock):
    lawyer, manager = world.users["lawyer"], world.users["manager"]
    itt = build.place("ІТТ ГУНП у Львівській області", kind="police_temporary_holding", hostilities=True)
    plan = plans.create(year=2026, user=lawyer)
    visit = plans.add_visit(plan, facility_id=itt.id, month=12, user=lawyer)
    groups.set_group(visit, [{"monitor_id": pool["leader"].id, "role": "head"}], user=lawyer)
    groups.approve_group(visit, user=lawyer)
    _approve(db, plan, manager)
    safety.complete(
        visit,
        military_coordination=True,
        military_contact="Львівська ОВА",
        shelter=True,
        shelter_note="Підвал",
        communication=True,
        communication_note="Телефони, щогодини",
        evacuation_route="Трасою М-06 на захід до Стрия",
        user=lawyer,
    )
    db.session.commit()
    clock.advance(days=9)
    with pytest.raises(Invalid) as refused:
        execution.start(visit, user=lawyer)
    assert refused.value.fields == {
        "safety_check": ["Безпекова перевірка давніша за 7 днів: проведіть її знову перед початком візиту."]
    }


def test_a_planned_visit_becomes_the_visit_and_a_follow_up_records_what_it_found(
    app, db, world, build, pool, clock
):
    lawyer, manager = world.users["lawyer"], world.users["manager"]
    # A recommendation from the November visit to the colony, sent to the authority.
    rec = recommendations.create(
        finding_id=world.finding_id,
        authority_id=world.colony_admin.id,
        text="Забезпечити дієву вентиляцію в камерах дільниці карантину.",
        severity="high",
        category="material_conditions",
        user=lawyer,
    )
    db.session.commit()
    for element, by, data in (("draft_act", lawyer, ACT), ("approve_act", manager, {"approved": True})):
        task = db.session.scalar(
            sa.select(HumanTask).where(
                HumanTask.instance_id == rec.process_instance_id,
                HumanTask.element_id == element,
                HumanTask.status == "open",
            )
        )
        work.complete(by, task.id, data, task.version)
        db.session.commit()

    plan = plans.create(year=2026, user=lawyer)
    follow_up = plans.add_visit(
        plan,
        facility_id=world.facility_id,
        month=12,
        kind="follow_up",
        recommendation_ids=[rec.id],
        user=lawyer,
    )
    groups.set_group(
        follow_up,
        [
            {"monitor_id": pool["leader"].id, "role": "head"},
            {"monitor_id": pool["civil"].id, "role": "monitor"},
        ],
        user=lawyer,
    )
    groups.approve_group(follow_up, user=lawyer)
    _approve(db, plan, manager)

    # It cannot be recorded ahead of time: the visit record keeps its rule.
    with pytest.raises(Invalid) as early:
        execution.start(follow_up, starts_on=date(2026, 12, 3), user=lawyer)
    assert early.value.fields == {"starts_on": ["Візит реєструють після того, як він відбувся."]}
    db.session.rollback()

    clock.advance(days=10)  # 3 December 2026
    visit = execution.start(follow_up, user=lawyer)
    db.session.commit()
    assert (visit.kind, visit.starts_on, visit.ends_on) == ("follow_up", date(2026, 12, 3), date(2026, 12, 3))
    finding = visits.add_finding(
        visit,
        text="Вентиляцію в дільниці карантину досі не відремонтовано.",
        category="material_conditions",
        severity="high",
        user=lawyer,
    )
    [(check, checked)] = execution.checks(visit)
    assert (checked.id, check.outcome) == (rec.id, None)
    execution.record_check(
        visit,
        recommendation_id=rec.id,
        outcome="not_implemented",
        found="Вентиляція не працює, вологість 85 %.",
        user=lawyer,
    )
    db.session.commit()
    assert finding.visit_id == visit.id
    [(check, _rec)] = execution.checks(visit)
    assert (check.outcome, check.found, check.checked_by) == (
        "not_implemented",
        "Вентиляція не працює, вологість 85 %.",
        lawyer.actor,
    )
    # The recommendation's own history tells what was found on return.
    history = recommendation_queries.timeline(rec)
    entry = next(e for e in history if e.event == "follow_up_visit_check")
    assert entry.details["outcome"] == "not_implemented" and entry.details["visit_id"] == visit.id

    # A monitor of the group sees the visit and records expenses afterwards; a manager reimburses.
    expense = logistics.record_expense(
        follow_up,
        monitor_id=pool["civil"].id,
        kind="travel",
        amount=Decimal("640.50"),
        note="Квитки Київ — Львів",
        user=lawyer,
    )
    logistics.mark_reimbursed(expense.id, user=manager)
    db.session.commit()
    assert logistics.totals(plan).total["reimbursed"] == Decimal("640.50")
    with pytest.raises(Conflict):
        amendments.cancel_visit(follow_up, reason="Вже відбувся", user=lawyer)
