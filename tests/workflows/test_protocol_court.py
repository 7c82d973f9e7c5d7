"""The protocol, court and appeal path as the Code runs it (issue 15, items 5–7), through the REST API
with a moved engine clock.

The colony receives the act on Monday 23.11.2026; its statutory term runs out on 23.12.2026, so the
offence is committed on 24.12.2026 and the three months for a court to impose the penalty
(Art. 38, the table protocol_limitation) end on 24.03.2027.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from engine.db import db
from engine.models import HumanTask, OutboxMessage
from tests.workflows.conftest import api  # noqa: F401 - fixture
from tests.workflows.cycle_helpers import (
    complete,
    deliver_mail,
    recommendation,
    send_act,
    sweep,
    topics,
)
from workflows.documents.models import Document
from workflows.escalations import court, protocols
from workflows.escalations.models import Escalation
from workflows.escalations.obstructions import Obstruction
from workflows.users import grants

PROTOCOL = {
    "protocol_action": "submit",
    "official_name": "Іваненко Петро Сергійович",
    "official_position": "начальник Державної установи «Колонія № 48»",
    "offence_date": "2026-12-24",
    "offence": "невиконання подання щодо вентиляції камер",
    "court": "Франківський районний суд м. Львова",
}


def authorise(world, role="lawyer"):
    for permission in ("draw_protocols", "sign_documents"):
        grants.grant(world.users[role], permission, actor="test")
    db.session.commit()


def to_protocol(api, world, clock):  # noqa: F811
    """The colony did not answer by 23.12; on 24.12 the lawyer chooses a protocol."""
    rec = send_act(api, world)
    clock.advance(days=31)  # 24.12.2026
    sweep(api)
    complete(api, "lawyer", "decide_next_steps", {"next_action": "protocol", "decision_reason": "Немає."})
    return rec


def to_court(api, world, clock):  # noqa: F811
    rec = to_protocol(api, world, clock)
    authorise(world)
    complete(api, "lawyer", "draw_protocol", PROTOCOL)
    complete(api, "manager", "approve_protocol", {"protocol_approval": "approve"})
    return rec


def protocol_of(rec_id) -> Escalation:
    return db.session.scalar(
        sa.select(Escalation)
        .where(Escalation.recommendation_id == rec_id, Escalation.kind == "protocol")
        .order_by(Escalation.id.desc())
    )


def open_tasks(rec) -> list[str]:
    return sorted(
        db.session.scalars(
            sa.select(HumanTask.element_id).where(
                HumanTask.business_key == str(rec["id"]), HumanTask.status == "open"
            )
        )
    )


def test_only_a_lawyer_authorised_to_draw_protocols_can_draw_one(api, world, clock, db):  # noqa: F811
    rec = to_protocol(api, world, clock)
    refused = complete(api, "lawyer", "draw_protocol", PROTOCOL, status=403)
    assert "authorised to draw up protocols" in str(refused) or "уповноважив" in str(refused)
    grants.grant(world.users["lawyer"], "draw_protocols", actor="test")
    db.session.commit()
    complete(api, "lawyer", "draw_protocol", PROTOCOL, status=403)  # the drawer signs: sign_documents too
    grants.grant(world.users["lawyer"], "sign_documents", actor="test")
    db.session.commit()
    complete(api, "lawyer", "draw_protocol", PROTOCOL)
    assert open_tasks(rec) == ["approve_protocol", "authority_reply"]


def test_the_protocol_names_the_official_is_approved_numbered_in_its_register_and_sent(api, world, clock, db):  # noqa: F811
    rec = to_court(api, world, clock)
    protocol = protocol_of(rec["id"])
    doc = db.session.get(Document, protocol.document_id)
    assert doc.kind == "protocol" and doc.register == "protocol" and doc.status == "sent"
    assert doc.number == protocol.protocol_number and protocol.protocol_date == date(2026, 12, 24)
    assert doc.signatory_id == world.users["lawyer"].id and doc.approver_id == world.users["manager"].id
    assert "Іваненко Петро Сергійович" in doc.body and "24.12.2026" in doc.body
    assert (protocol.official_name, protocol.offence_date) == (
        "Іваненко Петро Сергійович",
        date(2026, 12, 24),
    )
    assert ("document_sent", "colony48@example.gov.ua") in topics(rec["id"])
    assert recommendation(api, rec["id"])["status"] == "in_court"
    assert open_tasks(rec) == ["authority_reply", "follow_court_case"]


def test_a_protocol_the_manager_returns_goes_back_to_its_drawer(api, world, clock, db):  # noqa: F811
    rec = to_protocol(api, world, clock)
    authorise(world)
    complete(api, "lawyer", "draw_protocol", PROTOCOL)
    first = protocol_of(rec["id"]).document_id
    complete(
        api,
        "manager",
        "approve_protocol",
        {"protocol_approval": "return", "return_comment": "Уточніть посаду."},
    )
    returned = db.session.get(Document, first)
    assert (returned.status, returned.return_comment) == ("returned", "Уточніть посаду.")
    assert open_tasks(rec) == ["authority_reply", "draw_protocol"]
    complete(api, "lawyer", "draw_protocol", {**PROTOCOL, "official_position": "начальник колонії"})
    protocol = protocol_of(rec["id"])
    assert protocol.document_id != first and protocol.official_position == "начальник колонії"
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Escalation).where(Escalation.kind == "protocol")
        )
        == 1
    )


def test_the_limitation_countdown_follows_the_clock_and_reminds_at_30_14_and_7_days(api, world, clock, db):  # noqa: F811
    rec = to_court(api, world, clock)
    limitation = court.limitation_for(rec["id"])
    assert (limitation.ends_on, limitation.days_left, limitation.expired) == (date(2027, 3, 24), 90, False)
    reminders = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.topic == "limitation_reminder")
        .order_by(OutboxMessage.id)
    ).all()
    # Held until the working morning (09:00 Kyiv) of 22.02, 10.03 and 17.03.2027.
    assert [(m.payload["days_left"], m.next_attempt_at.replace(tzinfo=None)) for m in reminders] == [
        (30, datetime(2027, 2, 22, 7, 0)),
        (14, datetime(2027, 3, 10, 7, 0)),
        (7, datetime(2027, 3, 17, 7, 0)),
    ]
    assert {m.recipient for m in reminders} == {"lawyer@ombudsman.example"}
    clock.advance(days=60)  # 22.02.2027
    deliver_mail()
    sent = [m.payload["days_left"] for m in reminders if (db.session.refresh(m) or m.status == "sent")]
    assert sent == [30]
    assert "30 днів" in reminders[0].payload["message"]["subject"]
    assert court.limitation_for(rec["id"]).days_left == 30
    clock.advance(days=31)  # 25.03.2027
    assert court.limitation_for(rec["id"]).expired


def test_after_the_limitation_ran_out_a_protocol_cannot_go_to_court(api, world, clock, db):  # noqa: F811
    rec = to_protocol(api, world, clock)
    authorise(world)
    clock.advance(days=92)  # 26.03.2027: the three months from 24.12.2026 are over
    refused = complete(api, "lawyer", "draw_protocol", PROTOCOL, status=422)
    message = " ".join(refused["error"]["fields"]["protocol_action"])
    assert "24.03.2027" in message
    assert protocol_of(rec["id"]) is None
    complete(
        api,
        "lawyer",
        "draw_protocol",
        {"protocol_action": "close", "protocol_note": "Строк накладення стягнення сплив."},
    )
    closed = recommendation(api, rec["id"])
    assert closed["status"] == "closed" and closed["close_reason"] == "Строк накладення стягнення сплив."


def test_after_the_limitation_ran_out_the_follow_up_can_go_on(api, world, clock, db):  # noqa: F811
    rec = to_protocol(api, world, clock)
    authorise(world)
    clock.advance(days=92)
    complete(
        api, "lawyer", "draw_protocol", {"protocol_action": "follow_up", "protocol_note": "Контроль триває."}
    )
    assert "decide_next_steps" in open_tasks(rec)
    assert recommendation(api, rec["id"])["status"] != "closed"


def test_an_offence_date_before_the_act_or_in_the_future_is_refused(api, world, clock, db):  # noqa: F811
    to_protocol(api, world, clock)
    authorise(world)
    early = complete(api, "lawyer", "draw_protocol", {**PROTOCOL, "offence_date": "2026-11-01"}, status=422)
    assert "offence_date" in early["error"]["fields"]
    late = complete(api, "lawyer", "draw_protocol", {**PROTOCOL, "offence_date": "2026-12-30"}, status=422)
    assert "offence_date" in late["error"]["fields"]


def decide(api, data):  # noqa: F811
    complete(
        api,
        "lawyer",
        "follow_court_case",
        {"court_action": "decision", "case_number": "461/123/27", "decision_date": "2027-01-20", **data},
    )


@pytest.mark.parametrize(
    "decision",
    [
        {"court_decision": "offender_liable", "penalty_amount": 3400},
        {"court_decision": "closed_limitation"},
        {"court_decision": "closed_no_offence"},
    ],
)
def test_a_court_decision_opens_the_appeal_window_and_never_closes_the_recommendation(
    api,  # noqa: F811
    world,
    clock,
    db,
    decision,
):
    rec = to_court(api, world, clock)
    clock.advance(days=28)  # 21.01.2027
    decide(api, decision)
    case = db.session.scalar(sa.select(Escalation).where(Escalation.kind == "court"))
    assert case.decision == decision["court_decision"]
    assert case.appeal_until == date(2027, 1, 30)  # ten days from 20.01 (the table appeal_window)
    assert case.penalty_amount == (3400 if decision["court_decision"] == "offender_liable" else None)
    assert open_tasks(rec) == ["authority_reply", "decide_appeal"]
    shown = recommendation(api, rec["id"])
    assert shown["status"] == "in_court" and shown["closed_at"] is None
    assert "closed" not in [t for t, _ in topics(rec["id"])]
    # Reminders of the limitation period have nothing left to remind of.
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.topic == "limitation_reminder")
        )
        == 0
    )
    clock.advance(days=10)  # 31.01: the window has closed
    complete(api, "lawyer", "decide_appeal", {"appeal_action": "not_appealed"})
    assert (
        case.appeal_outcome == "not_appealed"
        or db.session.get(Escalation, case.id).appeal_outcome == "not_appealed"
    )
    assert open_tasks(rec) == ["authority_reply", "decide_next_steps"]
    assert recommendation(api, rec["id"])["status"] == "follow_up"


def test_a_protocol_returned_for_rework_goes_back_to_the_protocol(api, world, clock, db):  # noqa: F811
    rec = to_court(api, world, clock)
    clock.advance(days=28)
    decide(api, {"court_decision": "returned_for_revision"})
    assert open_tasks(rec) == ["authority_reply", "draw_protocol"]
    assert recommendation(api, rec["id"])["closed_at"] is None
    # The redrawn protocol takes the next number of the protocols' register.
    first = protocol_of(rec["id"]).protocol_number
    complete(api, "lawyer", "draw_protocol", {**PROTOCOL, "offence": "повторно: невиконання подання"})
    complete(api, "manager", "approve_protocol", {"protocol_approval": "approve"})
    second = protocol_of(rec["id"])
    assert second.protocol_number != first and court.limitation_for(rec["id"]).ends_on == date(2027, 3, 24)
    assert open_tasks(rec) == ["authority_reply", "follow_court_case"]


def test_a_penalty_needs_its_amount(api, world, clock, db):  # noqa: F811
    to_court(api, world, clock)
    clock.advance(days=28)
    refused = complete(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "decision",
            "case_number": "461/1/27",
            "decision_date": "2027-01-20",
            "court_decision": "offender_liable",
        },
        status=422,
    )
    assert "penalty_amount" in refused["error"]["fields"]


def test_the_appeal_window_and_the_appeal_courts_outcome(api, world, clock, db):  # noqa: F811
    rec = to_court(api, world, clock)
    clock.advance(days=28)  # 21.01.2027
    decide(api, {"court_decision": "offender_liable", "penalty_amount": 3400})
    early = complete(api, "lawyer", "decide_appeal", {"appeal_action": "not_appealed"}, status=422)
    assert "30.01.2027" in " ".join(early["error"]["fields"]["appeal_action"])
    clock.advance(days=12)  # 02.02.2027
    late = complete(
        api,
        "lawyer",
        "decide_appeal",
        {"appeal_action": "appealed", "appeal_filed_on": "2027-02-01"},
        status=422,
    )
    assert "30.01.2027" in " ".join(late["error"]["fields"]["appeal_filed_on"])
    complete(api, "lawyer", "decide_appeal", {"appeal_action": "appealed", "appeal_filed_on": "2027-01-29"})
    assert open_tasks(rec) == ["authority_reply", "follow_appeal"]
    complete(
        api,
        "lawyer",
        "follow_appeal",
        {"appeal_outcome": "changed", "appeal_decision_date": "2027-02-02", "penalty_amount": 1700},
    )
    case = db.session.scalar(sa.select(Escalation).where(Escalation.kind == "court"))
    assert (case.appeal_filed_on, case.appeal_outcome, case.penalty_amount) == (
        date(2027, 1, 29),
        "changed",
        1700,
    )
    assert open_tasks(rec) == ["authority_reply", "decide_next_steps"]


def test_an_obstruction_recorded_on_a_visit_opens_the_lawyers_task(app, world, clock, db):
    from workflows.tasks import complete as complete_task
    from workflows.visits import services as visits

    lawyer = world.users["lawyer"]
    visit = visits.create(
        facility_id=world.facility_id,
        kind="ad_hoc",
        starts_on=date(2026, 11, 20),
        ends_on=date(2026, 11, 20),
        access_problems="Адміністрація 40 хвилин не пропускала групу до дисциплінарного ізолятора.",
        user=lawyer,
    )
    db.session.commit()
    obstruction = db.session.scalar(sa.select(Obstruction).where(Obstruction.visit_id == visit.id))
    assert (obstruction.status, obstruction.offence_date) == ("open", date(2026, 11, 20))
    task = db.session.scalar(
        sa.select(HumanTask).where(
            HumanTask.business_key == obstruction.business_key, HumanTask.status == "open"
        )
    )
    assert (task.element_id, task.candidate_group) == ("decide_obstruction", "lawyer")
    limitation = protocols.limitation_of(obstruction.offence_date, date(2026, 11, 23))
    assert limitation.ends_on == date(2027, 2, 20)
    data = {
        "obstruction_decision": "protocol",
        "official_name": "Коваль Ігор Петрович",
        "official_position": "черговий помічник начальника колонії",
    }
    from workflows.errors import Forbidden

    with pytest.raises(Forbidden):
        complete_task(lawyer, task.id, data, task.version)
    db.session.rollback()
    grants.grant(lawyer, "draw_protocols", actor="test")
    db.session.commit()
    complete_task(lawyer, task.id, data, task.version)
    db.session.commit()
    db.session.refresh(obstruction)
    assert (obstruction.status, obstruction.official_name) == ("protocol", "Коваль Ігор Петрович")


def test_a_visit_without_access_problems_opens_nothing(app, world, clock, db):
    from workflows.visits import services as visits

    visits.create(
        facility_id=world.facility_id,
        kind="ad_hoc",
        starts_on=date(2026, 11, 20),
        ends_on=date(2026, 11, 20),
        user=world.users["lawyer"],
    )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Obstruction)) == 0


def test_there_is_one_limitation_rule():
    """The period lives in the DMN table alone; nothing else in the code adds three months."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    hits = [
        str(p.relative_to(root))
        for p in (root / "workflows").rglob("*.py")
        if "add_months(" in p.read_text(encoding="utf-8") and p.name != "protocols.py"
    ]
    assert hits == []


def test_a_manager_cannot_send_a_protocol_whose_limitation_ran_out_while_it_waited(api, world, clock, db):  # noqa: F811
    rec = to_protocol(api, world, clock)
    authorise(world)
    complete(api, "lawyer", "draw_protocol", PROTOCOL)
    assert court.limitation_for(rec["id"]).days_left == 90  # counted while it waits for approval
    clock.advance(days=91)  # 25.03.2027
    refused = complete(api, "manager", "approve_protocol", {"protocol_approval": "approve"}, status=422)
    assert "24.03.2027" in " ".join(refused["error"]["fields"]["protocol_approval"])
    complete(
        api, "manager", "approve_protocol", {"protocol_approval": "return", "return_comment": "Строк сплив."}
    )
    # Returned, the draft no longer counts; the lawyer may only close or continue following up.
    assert court.limitation_for(rec["id"]) is None
    complete(
        api, "lawyer", "draw_protocol", {"protocol_action": "follow_up", "protocol_note": "Контроль триває."}
    )
    assert open_tasks(rec) == ["authority_reply", "decide_next_steps"]
    pending = db.session.scalar(
        sa.select(sa.func.count()).select_from(Escalation).where(protocols.pending_clause())
    )
    assert pending == 0
