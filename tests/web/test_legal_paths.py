"""The authority can always answer; extensions lock no one out; each viewer sees exactly their part
— through the API and the pages alike, with a moved clock.

The test clock starts on Monday 23 November 2026, 09:00 Kyiv; the act is received at once, so the
colony's deadline is Wednesday 23 December 2026.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.models import OutboxMessage
from tests.conftest import T0
from tests.workflows.conftest import api  # noqa: F401 - fixture
from tests.workflows.cycle_helpers import (
    complete,
    deliver_mail,
    draw_protocol,
    one_task,
    recommendation,
    send_act,
    sweep,
    topics,
)
from workflows import links
from workflows.users import grants

from .conftest import Pages, text

LATE_REPLY = {"reply_text": "Вентиляцію встановлено; акт додаємо.", "measures": "Акт від 20.01.2027"}
KEEP_PATH = {
    "outcome": "partially_implemented",
    "verification_method": "documents",
    "verify_later": False,
    "assessment_note": "Відповідь неповна; крок триває.",
    "changes_path": False,
}


def reply_link(app, rec_id, authority_id) -> str:
    with app.test_request_context():
        return f"/respond/{links.reply_token(rec_id, authority_id)}"


def to_stage(api, world, clock, stage):  # noqa: F811
    """A recommendation whose colony did not answer by 23.12, taken to `stage` of the lawyer's path."""
    rec = send_act(api, world)
    clock.advance(days=31)  # 24.12
    sweep(api)
    if stage == "escalated":
        complete(api, "lawyer", "decide_next_steps", {"next_action": "escalate", "decision_reason": "Немає."})
        complete(api, "manager", "approve_letter", {"approved": True})
        deliver_mail()
    if stage in ("protocol", "court"):
        complete(api, "lawyer", "decide_next_steps", {"next_action": "protocol", "decision_reason": "Немає."})
    if stage == "court":
        draw_protocol(api, world, "2026-12-24")
    return rec


STAGE_TASK = {
    "overdue": "decide_next_steps",
    "escalated": None,  # the process waits for the superior's reply
    "protocol": "draw_protocol",
    "court": "follow_court_case",
}


@pytest.mark.parametrize("channel", ["link", "account"])
@pytest.mark.parametrize("stage", ["overdue", "escalated", "protocol", "court"])
def test_an_overdue_authority_replies_at_every_stage(app, api, world, clock, pages, db, stage, channel):  # noqa: F811
    rec = to_stage(api, world, clock, stage)
    clock.advance(days=27)  # 20.01.2027: 28 days after the deadline of 23.12.2026
    if channel == "link":
        url = reply_link(app, rec["id"], world.colony_admin.id)
        page = pages.get(url)
        assert "Відповідь органу" in text(page)  # the overdue e-mail's link still offers the reply
        task = one_task(api, "authority", "authority_reply")
        sent = pages.post(url, {"action": "reply", "version": str(task["version"]), **LATE_REPLY})
        assert sent.status_code == 302, text(sent)[:500]
    else:
        complete(api, "authority", "authority_reply", LATE_REPLY)
    after = recommendation(api, rec["id"])
    reply = after["replies"][-1]
    assert reply["was_overdue"] is True and reply["days_late"] == 28
    assert reply["deadline_at"] == "2026-12-23T21:59:59+00:00"
    receipt = [m for m in topics(rec["id"]) if m[0] == "reply_receipt"]
    assert receipt == [("reply_receipt", "colony48@example.gov.ua")]
    if STAGE_TASK[stage] is None:
        # The process was waiting for a reply (now the superior's): the reply goes to assessment.
        assert [t["element_id"] for t in after["open_tasks"]] == ["authority_reply", "review_reply"]
        return
    # The lawyer's step goes on; the late reply reaches the lawyer beside it.
    open_tasks = {t["element_id"] for t in after["open_tasks"]}
    assert open_tasks == {STAGE_TASK[stage], "assess_late_reply"}
    assert after["overdue"] is False  # the authority has answered: no longer in breach
    complete(api, "lawyer", "assess_late_reply", KEEP_PATH)
    kept = recommendation(api, rec["id"])
    assert {t["element_id"] for t in kept["open_tasks"]} == {STAGE_TASK[stage]}
    assert kept["verifications"][-1]["outcome"] == "partially_implemented"


def test_a_late_reply_that_changes_the_path_stops_the_court_case(api, world, clock, db):  # noqa: F811
    rec = to_stage(api, world, clock, "court")
    clock.advance(days=27)
    complete(api, "authority", "authority_reply", LATE_REPLY)
    complete(
        api,
        "lawyer",
        "assess_late_reply",
        {**KEEP_PATH, "outcome": "implemented", "changes_path": True, "assessment_note": "Виконано."},
    )
    done = recommendation(api, rec["id"])
    assert done["status"] == "implemented" and done["open_tasks"] == []
    assert topics(rec["id"])[-1] == ("closed", "colony48@example.gov.ua")


def test_an_extension_pending_then_refused_after_the_deadline_leaves_the_grace_term(
    app,
    api,  # noqa: F811
    world,
    clock,
    db,
):
    rec = send_act(api, world)  # due Wednesday 23.12.2026
    clock.advance(days=25)  # Friday 18.12
    sweep(api)  # the reminder of 16.12
    asked = api["authority"].post(
        f"/api/v1/recommendations/{rec['id']}/extension-requests",
        {"requested_until": "2027-01-20", "reason": "Потрібне фінансування з обласного бюджету."},
    )
    assert asked.status_code == 201 and asked.json["extension_pending"] is True
    # Nobody is locked out: the authority keeps its reply task, the lawyer gets the decision.
    one_task(api, "authority", "authority_reply")
    one_task(api, "lawyer", "decide_extension")
    deliver_mail()
    assert topics(rec["id"])[-1] == ("extension_receipt", "colony48@example.gov.ua")

    clock.advance(days=6)  # Thursday 24.12: the deadline passed while the request waits
    sweep(api)
    waiting = recommendation(api, rec["id"])
    assert waiting["status"] == "awaiting_reply" and waiting["overdue"] is False
    assert "overdue" not in [t for t, _ in topics(rec["id"])]

    clock.advance(days=4)  # Monday 28.12: refused, after the deadline
    complete(
        api,
        "lawyer",
        "decide_extension",
        {"extension_granted": False, "extension_decision_note": "Підстав для продовження немає."},
    )
    refused = recommendation(api, rec["id"])
    # Three working days of grace (DMN): 29, 30, 31 December.
    assert refused["due_at"] == "2026-12-31T21:59:59+00:00"
    assert refused["extensions"][0]["decision"] == "refused"
    assert refused["extensions"][0]["new_due_at"] == "2026-12-31T21:59:59+00:00"
    decision = db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.topic == "extension_decision")
        .order_by(OutboxMessage.id.desc())
    )
    assert decision.payload["extension"]["grace"] is True

    clock.advance(days=3, hours=3)  # Thursday 31.12, 12:00: still within the grace term
    sweep(api)
    assert recommendation(api, rec["id"])["overdue"] is False
    clock.advance(hours=13)  # Friday 01.01.2027, 01:00
    sweep(api)
    breached = recommendation(api, rec["id"])
    assert breached["status"] == "reply_overdue" and breached["overdue"] is True
    # And the authority can still answer.
    complete(api, "authority", "authority_reply", LATE_REPLY)
    assert recommendation(api, rec["id"])["replies"][0]["days_late"] == 1


def test_a_granted_extension_moves_the_deadline_and_its_reminders(api, world, clock, db):  # noqa: F811
    rec = send_act(api, world)
    clock.advance(days=10)
    api["authority"].post(
        f"/api/v1/recommendations/{rec['id']}/extension-requests",
        {"requested_until": "2027-01-20", "reason": "Потрібне фінансування з обласного бюджету."},
    )
    complete(
        api,
        "lawyer",
        "decide_extension",
        {
            "extension_granted": True,
            "extension_until": "2027-01-15",
            "extension_decision_note": "Продовжено.",
        },
    )
    clock.advance(days=21)  # 24.12: past the old deadline, no breach
    sweep(api)
    assert recommendation(api, rec["id"])["overdue"] is False
    clock.advance(days=15)  # 08.01.2027, 09:00: seven days before 15.01
    clock.advance(minutes=1)
    sweep(api)
    reminders = db.session.scalars(
        sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.topic == "reminder")
    ).all()
    assert reminders and all("2027-01-15" in key for key in reminders)


# --- what each viewer sees, on the page and in the API ---------------------------------------------------


def visible(api, pages, role, rec_id):  # noqa: F811
    """The API's and the page's answers for one viewer: (status codes, API body, page text)."""
    response = api[role].get(f"/api/v1/recommendations/{rec_id}")
    page = pages.get(f"/portal/recommendations/{rec_id}")  # officials read on their own site
    return response.status_code, page.status_code, response.json, text(page)


def test_each_authority_sees_exactly_its_part_on_the_page_and_in_the_api(app, api, world, clock, db, pages):  # noqa: F811
    escalated = to_stage(api, world, clock, "escalated")  # the colony, then its superior (west)
    clock.reset()
    clock.freeze(T0)
    followed = send_act(api, world)  # the colony only: west follows it as the superior
    draft = (
        api["lawyer"]
        .post(
            "/api/v1/recommendations",
            {
                "finding_id": world.finding_id,
                "authority_id": world.colony_admin.id,
                "text": "Забезпечити освітлення в камерах карантину.",
                "severity": "medium",
                "category": "material_conditions",
            },
        )
        .json
    )
    colony_act = recommendation(api, escalated["id"])["acts"][0]

    viewers = {}
    for role in ("authority", "regional", "other_authority"):
        session = type(pages)(app.test_client())
        session.login(world.users[role].email)
        viewers[role] = session

    # The colony: its own act and exchange; no staff names, no internal steps or due dates.
    code, page_code, body, page = visible(api, viewers["authority"], "authority", escalated["id"])
    assert code == page_code == 200
    assert [a["number"] for a in body["acts"]] == [colony_act["number"]] and colony_act["number"] in page
    assert body["escalations"] == [] and body["verifications"] == [] and body["process_instance_id"] is None
    assert "Олена Юрист" not in page and "Олена Юрист" not in str(body)
    assert "Вирішити подальші дії" not in page and "decide_next_steps" not in str(body)
    assert {h["kind"] for h in body["history"]} <= {"notice", "audit"}
    assert all(h["actor"] is None or not h["actor"].startswith("user:") for h in body["history"])
    notices = {h["event"] for h in body["history"] if h["kind"] == "notice"}
    assert notices == {"act_sent", "overdue"}
    # The letter to its superior is not its part: neither the notice nor where it went.
    assert "Повідомлення про прострочення" in page and "west@example.gov.ua" not in page
    # Its own deadline, not the one its superior was given.
    assert body["due_at"] == "2026-12-23T21:59:59+00:00" and "23.12.2026" in page and "25.01.2027" not in page
    assert [t["element_id"] for t in body["open_tasks"]] == ["authority_reply"]
    assert all(t["due_at"] is None and t["assignee"] is None for t in body["open_tasks"])

    # Its superior, to which the lawyer escalated: its own letter, not the colony's act or exchange.
    code, page_code, body, page = visible(api, viewers["regional"], "regional", escalated["id"])
    assert code == page_code == 200
    assert body["acts"] == [] and colony_act["number"] not in page
    assert [e["kind"] for e in body["escalations"]] == ["superior_authority"]
    assert "Звернення до вищестоящого органу" in page
    assert {h["event"] for h in body["history"] if h["kind"] == "notice"} == {"escalation"}

    # The same superior on a recommendation it was never sent: its follow-up, read-only.
    code, page_code, body, page = visible(api, viewers["regional"], "regional", followed["id"])
    assert code == page_code == 200
    assert body["status"] == "awaiting_reply" and body["due_at"] == "2026-12-23T21:59:59+00:00"
    assert body["acts"] == body["replies"] == body["history"] == body["open_tasks"] == []
    assert "який підпорядкований вашому" in page and followed["acts"][0]["number"] not in page
    assert "23.12.2026" in page

    # Another authority, and a draft: exactly like a recommendation that does not exist.
    for role, rec_id in (
        ("other_authority", escalated["id"]),
        ("other_authority", followed["id"]),
        ("authority", draft["id"]),
    ):
        session = viewers[role]
        code, page_code, _body, _page = visible(api, session, role, rec_id)
        assert code == page_code == 404
    listed = {r["id"] for r in api["regional"].get("/api/v1/recommendations").json["items"]}
    assert listed == {escalated["id"], followed["id"]}


def test_a_bad_date_on_a_task_page_is_refused_beside_its_field_and_nothing_is_written(
    app,
    api,  # noqa: F811
    world,
    clock,
    db,
    lawyer,
):
    rec = to_stage(api, world, clock, "protocol")
    for permission in ("draw_protocols", "sign_documents"):
        grants.grant(world.users["lawyer"], permission, actor="test")
    db.session.commit()
    task = one_task(api, "lawyer", "draw_protocol")
    lawyer.get(f"/tasks/{task['id']}")
    from engine.models import AuditEvent

    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = lawyer.post(
        f"/tasks/{task['id']}",
        {
            "action": "complete",
            "version": str(task["version"]),
            "protocol_action": "submit",
            "official_name": "Іваненко Петро",
            "official_position": "Начальник колонії",
            "offence_date": "2027-01-15",
            "court": "Франківський районний суд м. Львова",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="field-offence_date-error"' in page
    assert "Дата вчинення правопорушення не може бути в майбутньому (сьогодні 24.12.2026)." in text(response)
    assert ">Іваненко Петро<" in page or 'value="Іваненко Петро"' in page  # the input is kept
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
    assert one_task(api, "lawyer", "draw_protocol")["version"] == task["version"]
    assert recommendation(api, rec["id"])["escalations"] == []


def test_an_extension_asked_on_the_page_before_the_deadline_day_is_refused(
    app,
    api,  # noqa: F811
    world,
    clock,
    db,
):
    rec = send_act(api, world)
    session = Pages(app.test_client())
    session.login(world.users["authority"].email)
    page = text(session.get(f"/portal/recommendations/{rec['id']}"))
    assert "Клопотати про продовження строку" in page
    refused = session.post(
        f"/portal/recommendations/{rec['id']}/extension",
        {"requested_until": "2026-12-10", "reason": "Потрібне фінансування з бюджету."},
    )
    assert refused.status_code == 422
    assert "Просіть день, пізніший за чинний строк (23.12.2026)." in text(refused)
    assert recommendation(api, rec["id"])["extensions"] == []
    sent = session.post(
        f"/portal/recommendations/{rec['id']}/extension",
        {"requested_until": "2027-01-20", "reason": "Потрібне фінансування з бюджету."},
    )
    assert sent.status_code == 302
    page = text(session.get(f"/portal/recommendations/{rec['id']}"))
    assert "Клопотання про продовження строку до 20.01.2027: очікується рішення" in page
    assert "Клопотати про продовження строку" not in page  # one pending request at a time
