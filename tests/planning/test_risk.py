"""The risk score of known places from bpmn/risk.dmn, the rows that fired (the "why"), the ranking,
and a designer's changed weight changing the ranking."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from config.settings import PROJECT_ROOT
from engine import deployments, timers
from notifications import delivery
from tests.web.scenario import ACT
from workflows import tasks as work
from workflows.facilities import services as facilities
from workflows.recommendations import services as recommendations
from workflows.risk import queries as ranking
from workflows.risk import services as risk
from workflows.risk.models import RiskRefresh, RiskScore
from workflows.visits import services as visits


def _places(build, world, db, clock):
    lawyer = world.users["lawyer"]
    pow_camp = build.place("Табір для військовополонених «Захід-1»", kind="pow_camp")
    itt = build.place(
        "ІТТ ГУНП у Харківській області", kind="police_temporary_holding", region="kharkiv", hostilities=True
    )
    for day in (3, 10, 20):
        facilities.record_signal(
            itt,
            kind="complaint",
            received_on=date(2026, 10, day),
            summary="Скарга на побиття під час затримання",
            user=lawyer,
        )
    psych = build.place("Обласна психіатрична лікарня", kind="psychiatric_hospital", capacity=450)
    old_visit = visits.create(
        facility_id=psych.id,
        kind="regular",
        starts_on=date(2022, 10, 1),
        ends_on=date(2022, 10, 2),
        user=lawyer,
    )
    finding = visits.add_finding(
        old_visit,
        text="Пацієнтів фіксують без рішення лікаря.",
        category="treatment",
        severity="critical",
        user=lawyer,
    )
    rec = recommendations.create(
        finding_id=finding.id,
        authority_id=psych.authority_id,
        text="Припинити фіксацію пацієнтів без рішення лікаря.",
        severity="critical",
        category="treatment",
        user=lawyer,
    )
    db.session.commit()
    for element, by, data in (("draft_act", "lawyer", ACT), ("approve_act", "manager", {"approved": True})):
        task = _task(db, rec, element)
        work.complete(world.users[by], task.id, data, task.version)
        db.session.commit()
    delivery.deliver_due()  # the hospital's mail server accepts the act: its statutory term starts
    db.session.commit()
    return pow_camp, itt, psych, rec


def _task(db, rec, element):
    from engine.models import HumanTask

    return db.session.scalar(
        sa.select(HumanTask).where(
            HumanTask.instance_id == rec.process_instance_id,
            HumanTask.element_id == element,
            HumanTask.status == "open",
        )
    )


def _order(db):
    return [row[1].name_uk for row in ranking.ranking().rows]


def test_known_places_score_from_the_table_with_the_rows_that_fired(app, db, world, build, clock):
    pow_camp, itt, psych, _rec = _places(build, world, db, clock)
    clock.advance(days=40)  # the submission's month passes unanswered: the recommendation is overdue
    timers.sweep(actor="test")  # the process records the breach
    db.session.commit()
    result = risk.refresh_all(actor="test")
    db.session.commit()
    assert result.places == 4

    scores = {s.facility_id: s for s in db.session.scalars(sa.select(RiskScore))}
    assert (scores[pow_camp.id].score, scores[pow_camp.id].level) == (45, "medium")
    assert [r["id"] for r in scores[pow_camp.id].rules] == ["risk_never", "risk_kind_military"]
    assert [r["description"] for r in scores[pow_camp.id].rules] == [
        "Місце ніколи не відвідували",
        "Військове тримання або табір для військовополонених",
    ]
    assert [r["points"] for r in scores[pow_camp.id].rules] == [30, 15]

    assert (scores[itt.id].score, scores[itt.id].level) == (65, "high")
    assert [r["id"] for r in scores[itt.id].rules] == [
        "risk_never",
        "risk_kind_police",
        "risk_hostilities",
        "risk_signals_3",
    ]

    # Last visit four years ago (the ill-treatment then is older than three years and does not count),
    # one critical recommendation whose statutory deadline has passed, a psychiatric hospital of 450.
    psych_score = scores[psych.id]
    assert psych_score.inputs["overdue_recommendations"] == 1
    assert psych_score.inputs["ill_treatment_findings"] == 0
    assert [(r["id"], r["points"]) for r in psych_score.rules] == [
        ("risk_visit_3y", 20),
        ("risk_overdue_1", 10),
        ("risk_critical", 15),
        ("risk_kind_care", 10),
        ("risk_capacity_100", 5),
    ]
    assert (psych_score.score, psych_score.level) == (60, "high")

    colony = scores[world.facility_id]
    assert (colony.score, colony.level, colony.rules) == (0, "low", [])
    assert _order(db) == [
        "ІТТ ГУНП у Харківській області",
        "Обласна психіатрична лікарня",
        "Табір для військовополонених «Захід-1»",
        "Львівська виправна колонія № 48",
    ]
    assert ranking.ranking().levels == {"high": 2, "medium": 1, "low": 1}


def test_a_changed_weight_in_the_table_changes_the_ranking(app, db, world, build, clock):
    _places(build, world, db, clock)
    clock.advance(days=40)
    risk.refresh_all(actor="test")
    db.session.commit()
    assert _order(db)[:3] == [
        "ІТТ ГУНП у Харківській області",
        "Обласна психіатрична лікарня",
        "Табір для військовополонених «Захід-1»",
    ]

    # A designer raises the weight of military detention and POW camps from 15 to 40 and deploys.
    files = deployments.collect_files([PROJECT_ROOT / "bpmn"])
    old = '<outputEntry id="risk_kind_military_points"><text>15</text></outputEntry>'
    assert old in files["risk.dmn"]
    files["risk.dmn"] = files["risk.dmn"].replace(old, old.replace(">15<", ">40<"))
    deployed = deployments.deploy(files, actor="designer").deployment
    db.session.commit()

    result = risk.refresh_all(actor="test")
    db.session.commit()
    assert result.deployment_id == deployed.id
    assert _order(db)[:3] == [
        "Табір для військовополонених «Захід-1»",
        "ІТТ ГУНП у Харківській області",
        "Обласна психіатрична лікарня",
    ]
    top = ranking.ranking().rows[0][0]
    assert (top.score, top.level, top.deployment_id) == (70, "high", deployed.id)


def test_the_scheduler_refreshes_once_until_the_scores_age_or_the_table_changes(app, db, world, build, clock):
    build.place("Табір для військовополонених «Захід-1»", kind="pow_camp")
    db.session.commit()
    first = risk.scheduled_refresh()
    assert first is not None and first.places == 2
    assert risk.scheduled_refresh() is None  # fresh: another worker finds nothing to do
    clock.advance(seconds=app.config["OMBUDSFLOW_RISK_MAX_AGE"] + 1)
    assert risk.scheduled_refresh() is not None
    refreshed = db.session.get(RiskRefresh, 1)
    assert refreshed.places == 2 and refreshed.refreshed_at == clock.now()


def test_a_signal_recorded_about_a_place_rescores_it_at_once(app, db, world, build, clock):
    place = build.place("Кімната для затриманих Сихівського відділу поліції", kind="police_custody_room")
    risk.refresh_all(actor="test")
    db.session.commit()
    assert db.session.get(RiskScore, place.id).score == 40
    facilities.record_signal(
        place,
        kind="media_report",
        received_on=date(2026, 11, 20),
        summary="Публікація про тримання затриманих понад строк",
        user=world.users["lawyer"],
    )
    db.session.commit()
    score = db.session.get(RiskScore, place.id)
    assert score.score == 48
    assert score.rules[-1]["description"] == "Сигнали за рік (скарги, ЗМІ)"
