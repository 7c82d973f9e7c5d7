"""Every path of the standard process through the REST API, with a moved clock.

Each test reads as the story of one recommendation: who does what, when, and what everyone sees.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine.models import OutboxMessage

ACT = {
    "act_kind": "submission",
    "act_text": "Вимагаємо забезпечити вентиляцію камер дільниці карантину.",
    "signatory": "Представник Уповноваженого з питань НПМ",
}


def one_task(api, role, element_id):
    """The caller's single open task of this kind, via GET /api/v1/tasks and GET /api/v1/tasks/{id}."""
    listed = api[role].get(f"/api/v1/tasks?task={element_id}")
    assert listed.status_code == 200, listed.json
    items = listed.json["items"]
    assert len(items) == 1, (role, element_id, items)
    detail = api[role].get(f"/api/v1/tasks/{items[0]['id']}")
    assert detail.status_code == 200
    return detail.json


def complete(api, role, element_id, data, status=200):
    task = one_task(api, role, element_id)
    response = api[role].post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": data, "version": task["version"]}
    )
    assert response.status_code == status, response.json
    return response.json


def recommendation(api, rec_id, role="lawyer"):
    response = api[role].get(f"/api/v1/recommendations/{rec_id}")
    assert response.status_code == 200, response.json
    return response.json


def sweep(api):
    response = api["admin"].post("/api/v1/timers/sweep")
    assert response.status_code == 200, response.json
    return response.json


def create(api, world, severity="high"):
    response = api["lawyer"].post(
        "/api/v1/recommendations",
        {
            "finding_id": world.finding_id,
            "authority_id": world.colony_admin.id,
            "text": "Забезпечити дієву вентиляцію в камерах дільниці карантину.",
            "severity": severity,
            "category": "material_conditions",
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def send_act(api, world, act=ACT):
    rec = create(api, world)
    complete(api, "lawyer", "draft_act", act)
    complete(api, "manager", "approve_act", {"approved": True})
    return recommendation(api, rec["id"])


def topics(db, rec_id):
    return [
        (m.topic, m.recipient)
        for m in db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.business_key == str(rec_id), OutboxMessage.channel == "email")
            .order_by(OutboxMessage.id)
        )
    ]


def test_replied_and_implemented(api, world, db, clock):
    rec = create(api, world)
    assert rec["status"] == "draft" and rec["number"].startswith("Р-2026-")
    assert [t["element_id"] for t in rec["open_tasks"]] == ["draft_act"]

    # The manager sends the act back once; the lawyer revises it.
    complete(api, "lawyer", "draft_act", ACT)
    complete(
        api, "manager", "approve_act", {"approved": False, "approval_comment": "Додайте посилання на норми."}
    )
    assert recommendation(api, rec["id"])["status"] == "draft"
    complete(api, "lawyer", "draft_act", {**ACT, "act_text": ACT["act_text"] + " Відповідно до ДБН В.2.2-…"})
    complete(api, "manager", "approve_act", {"approved": True})

    sent = recommendation(api, rec["id"])
    assert sent["status"] == "awaiting_reply"
    # A submission must be answered within one month, by the end of that day in Kyiv.
    assert sent["due_at"] == "2026-12-23T21:59:59+00:00"
    assert sent["acts"][0]["kind"] == "submission" and sent["acts"][0]["number"].endswith("/НПМ-2026")
    assert topics(db, rec["id"]) == [("act_sent", "colony48@example.gov.ua")]

    clock.advance(days=10)
    complete(
        api,
        "authority",
        "authority_reply",
        {
            "reply_action": "reply",
            "reply_text": "Встановлено припливно-витяжну вентиляцію.",
            "measures": "Акт введення в експлуатацію від 01.12.2026",
            "attachments": ["акт-вентиляція.pdf"],
        },
    )
    replied = recommendation(api, rec["id"])
    assert replied["status"] == "under_verification" and replied["due_at"] is None
    assert replied["replies"][0]["was_overdue"] is False

    complete(
        api,
        "lawyer",
        "review_reply",
        {
            "outcome": "implemented",
            "verification_method": "documents",
            "verify_later": False,
            "assessment_note": "Підтверджено актом.",
        },
    )
    done = recommendation(api, rec["id"])
    assert done["status"] == "implemented" and done["outcome"] == "implemented" and done["open_tasks"] == []
    assert topics(db, rec["id"])[-2:] == [
        ("reply_receipt", "colony48@example.gov.ua"),
        ("closed", "colony48@example.gov.ua"),
    ]
    events = [h["event"] for h in done["history"] if h["kind"] == "audit"]
    assert events[:2] == ["recommendation_created", "instance_started"]
    assert events.count("task_completed") == 6 and events[-1] == "instance_completed"


def test_partly_implemented_then_new_deadline_then_follow_up_visit_shows_implemented(api, world, clock):
    rec = send_act(api, world)
    clock.advance(days=20)
    complete(
        api, "authority", "authority_reply", {"reply_action": "reply", "reply_text": "Частково виконано."}
    )
    complete(
        api,
        "lawyer",
        "review_reply",
        {
            "outcome": "partially_implemented",
            "verification_method": "documents",
            "verify_later": False,
            "assessment_note": "Лише в одній камері.",
        },
    )
    assert recommendation(api, rec["id"])["status"] == "under_verification"

    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {
            "next_action": "new_deadline",
            "new_due_date": "2027-01-31",
            "decision_reason": "Повторний запит з новим строком.",
        },
    )
    again = recommendation(api, rec["id"])
    assert again["status"] == "awaiting_reply" and again["due_at"] == "2027-01-31T21:59:59+00:00"
    assert again["escalations"][0]["kind"] == "repeat_request"

    complete(
        api, "authority", "authority_reply", {"reply_action": "reply", "reply_text": "Виконано повністю."}
    )
    complete(
        api,
        "lawyer",
        "review_reply",
        {
            "outcome": "implemented",
            "verification_method": "follow_up_visit",
            "verify_later": True,
            "follow_up_date": "2027-02-15",
            "assessment_note": "Перевірити під час повторного візиту.",
        },
    )
    follow = recommendation(api, rec["id"])
    assert follow["status"] == "follow_up" and follow["due_at"] == "2027-02-15T07:00:00+00:00"
    assert follow["open_tasks"] == []  # waiting for the follow-up date

    clock.advance(days=100)  # past 15 February 2027, 09:00 Kyiv
    sweep(api)
    assert [t["element_id"] for t in recommendation(api, rec["id"])["open_tasks"]] == ["verify"]
    complete(
        api,
        "lawyer",
        "verify",
        {
            "outcome": "implemented",
            "verification_method": "follow_up_visit",
            "verify_later": False,
            "assessment_note": "Вентиляція працює.",
        },
    )
    done = recommendation(api, rec["id"])
    assert done["status"] == "implemented"
    assert [v["outcome"] for v in done["verifications"]] == [
        "partially_implemented",
        "implemented",
        "implemented",
    ]


def test_no_reply_reminders_overdue_superior_protocol_court_closed(api, world, db, clock):
    rec = send_act(api, world)  # due 23.12.2026

    clock.advance(days=23, hours=2)  # 16.12, 09:00 Kyiv: seven days before
    sweep(api)
    clock.advance(days=6)  # 22.12: one day before
    sweep(api)
    assert topics(db, rec["id"]) == [
        ("act_sent", "colony48@example.gov.ua"),
        ("reminder", "colony48@example.gov.ua"),
        ("reminder", "colony48@example.gov.ua"),
    ]
    clock.advance(days=2)  # 24.12: the deadline passed
    swept = sweep(api)
    assert [f["element_id"] for f in swept["fired"]] == ["reply_deadline"]
    overdue = recommendation(api, rec["id"])
    assert overdue["status"] == "reply_overdue" and overdue["overdue"] is True
    listed = api["lawyer"].get("/api/v1/recommendations?overdue=true").json
    assert [r["id"] for r in listed["items"]] == [rec["id"]]
    assert topics(db, rec["id"])[-2:] == [
        ("overdue", "colony48@example.gov.ua"),
        ("overdue", "lawyer@ombudsman.example"),
    ]
    # The authority's task went away with the deadline; it can no longer reply through it.
    assert api["authority"].get("/api/v1/tasks").json["items"] == []

    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "escalate", "decision_reason": "Орган не відповів у строк."},
    )
    escalated = recommendation(api, rec["id"])
    assert escalated["status"] == "escalated" and escalated["addressee"]["id"] == world.regional.id
    assert topics(db, rec["id"])[-1] == ("escalation", "west@example.gov.ua")
    # The superior authority now has the task; the colony's official sees nothing to do.
    assert api["authority"].get("/api/v1/tasks").json["items"] == []
    one_task(api, "regional", "authority_reply")
    assert api["regional"].get(f"/api/v1/recommendations/{rec['id']}").status_code == 200

    clock.advance(days=40)  # the superior does not answer either
    sweep(api)
    assert recommendation(api, rec["id"])["status"] == "reply_overdue"
    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "protocol", "decision_reason": "Невиконання законних вимог Уповноваженого."},
    )
    complete(
        api,
        "lawyer",
        "draw_protocol",
        {
            "protocol_number": "П-17/2027",
            "protocol_date": "2027-02-01",
            "offender": "Начальник управління, Іваненко І. І.",
            "court": "Галицький районний суд м. Львова",
        },
    )
    assert recommendation(api, rec["id"])["status"] == "in_court"
    complete(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "hearing",
            "case_number": "461/1234/27",
            "hearing_date": "2027-02-20",
            "next_hearing_date": "2027-03-10",
        },
    )
    hearing_task = one_task(api, "lawyer", "follow_court_case")
    assert hearing_task["due_at"] == "2027-03-10T21:59:59+00:00"
    complete(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "decision",
            "case_number": "461/1234/27",
            "court_decision": "offender_liable",
            "decision_date": "2027-03-10",
            "court_note": "Накладено штраф.",
        },
    )
    closed = recommendation(api, rec["id"])
    assert closed["status"] == "closed" and closed["outcome"] == "not_implemented"
    kinds = [e["kind"] for e in closed["escalations"]]
    assert kinds == ["superior_authority", "protocol", "court"]
    court = closed["escalations"][-1]
    assert court["case_number"] == "461/1234/27" and court["decision"] == "offender_liable"
    assert court["hearings"][0]["date"] == "2027-02-20"


@pytest.mark.parametrize("granted", [True, False])
def test_extension_granted_or_refused_moves_or_keeps_the_deadline(api, world, clock, granted):
    rec = send_act(api, world)
    clock.advance(days=25)
    complete(
        api,
        "authority",
        "authority_reply",
        {
            "reply_action": "extension",
            "extension_requested_until": "2027-01-20",
            "extension_reason": "Потрібне фінансування з обласного бюджету.",
        },
    )
    assert recommendation(api, rec["id"])["extensions"][0]["decision"] is None
    decision = {"extension_granted": granted, "extension_decision_note": "Розглянуто."}
    if granted:
        decision["extension_until"] = "2027-01-15"
    complete(api, "lawyer", "decide_extension", decision)
    after = recommendation(api, rec["id"])
    assert after["extensions"][0]["decision"] == ("granted" if granted else "refused")
    expected_due = "2027-01-15T21:59:59+00:00" if granted else "2026-12-23T21:59:59+00:00"
    assert after["due_at"] == expected_due
    task = one_task(api, "authority", "authority_reply")
    assert task["due_at"] == expected_due

    clock.advance(days=10)  # 28 December: past the original deadline
    sweep(api)
    assert recommendation(api, rec["id"])["status"] == ("awaiting_reply" if granted else "reply_overdue")


def test_form_errors_stale_versions_and_other_authorities(api, world, clock):
    rec = create(api, world)
    task = one_task(api, "lawyer", "draft_act")
    assert task["form"]["title"] == "Підготувати акт реагування" and task["version"] == 1

    bad = api["lawyer"].post(
        f"/api/v1/tasks/{task['id']}/complete",
        {"data": {"act_kind": "decree", "act_text": "коротко"}, "version": 1},
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"act_kind", "act_text", "signatory"}
    assert bad.json["error"]["fields"]["signatory"] == ["Обов'язкове поле."]

    english = api["lawyer"].post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": {}, "version": 1}, headers={"Accept-Language": "en"}
    )
    assert english.status_code == 422
    assert english.json["error"]["message"] == "Some fields need your attention."
    assert english.json["error"]["fields"]["act_kind"] == ["This field is required."]

    missing_version = api["lawyer"].post(f"/api/v1/tasks/{task['id']}/complete", {"data": ACT})
    assert missing_version.status_code == 422 and "version" in missing_version.json["error"]["fields"]

    claimed = api["lawyer2"].post(f"/api/v1/tasks/{task['id']}/claim", {"version": 1})
    assert claimed.status_code == 200 and claimed.json["version"] == 2
    stale = api["lawyer"].post(f"/api/v1/tasks/{task['id']}/complete", {"data": ACT, "version": 1})
    assert stale.status_code == 409
    taken = api["lawyer"].post(f"/api/v1/tasks/{task['id']}/complete", {"data": ACT, "version": 2})
    assert taken.status_code == 409
    assert taken.json["error"]["message"] == "Це завдання вже взяв у роботу хтось інший. Оновіть сторінку."
    ok = api["lawyer2"].post(f"/api/v1/tasks/{task['id']}/complete", {"data": ACT, "version": 2})
    assert ok.status_code == 200
    again = api["lawyer2"].post(f"/api/v1/tasks/{task['id']}/complete", {"data": ACT, "version": 3})
    assert again.status_code == 409

    complete(api, "manager", "approve_act", {"approved": True})
    reply_task = one_task(api, "authority", "authority_reply")
    foreign = api["other_authority"].get(f"/api/v1/tasks/{reply_task['id']}")
    assert foreign.status_code == 403
    foreign_complete = api["other_authority"].post(
        f"/api/v1/tasks/{reply_task['id']}/complete",
        {"data": {"reply_action": "reply", "reply_text": "x" * 20}, "version": reply_task["version"]},
    )
    assert foreign_complete.status_code == 403
    assert api["other_authority"].get(f"/api/v1/recommendations/{rec['id']}").status_code == 403
    assert api["other_authority"].get("/api/v1/recommendations").json["total"] == 0
    smuggled = api["authority"].post(
        f"/api/v1/tasks/{reply_task['id']}/complete",
        {
            "data": {"reply_action": "reply", "reply_text": "Виконано.", "addressee_id": 1},
            "version": reply_task["version"],
        },
    )
    assert smuggled.status_code == 422 and "_form" in smuggled.json["error"]["fields"]


def test_listing_filters(api, world, db, clock):
    first = send_act(api, world)
    second = create(api, world, severity="critical")
    everything = api["lawyer"].get("/api/v1/recommendations").json
    assert everything["total"] == 2
    assert api["lawyer"].get("/api/v1/recommendations?status=draft").json["items"][0]["id"] == second["id"]
    by_authority = api["lawyer"].get(f"/api/v1/recommendations?authority_id={world.colony_admin.id}").json
    assert by_authority["total"] == 2
    assert api["lawyer"].get(f"/api/v1/recommendations?facility_id={world.facility_id}").json["total"] == 2
    assert api["lawyer"].get("/api/v1/recommendations?facility_id=999").json["total"] == 0
    assert api["lawyer"].get("/api/v1/recommendations?overdue=true").json["total"] == 0
    bad = api["lawyer"].get("/api/v1/recommendations?status=lost")
    assert bad.status_code == 422 and "status" in bad.json["error"]["fields"]
    monitor = api["monitor"].get("/api/v1/recommendations").json
    assert monitor["total"] == 2  # a member of the visit's monitoring group follows its recommendations
    authority_view = api["authority"].get("/api/v1/recommendations").json
    assert {r["id"] for r in authority_view["items"]} == {first["id"], second["id"]}
    tasks = api["lawyer"].get("/api/v1/tasks?role=lawyer").json
    assert tasks["counts"]["all"] == 1 and tasks["items"][0]["recommendation"]["id"] == second["id"]
    clock.advance(days=5)
    assert api["lawyer"].get("/api/v1/tasks?overdue=true").json["total"] == 1  # critical: 2 days to draft
    timedelta(0)


def test_an_authority_reads_only_what_concerns_it(api, world, clock):
    rec = send_act(api, world)
    clock.advance(days=40)
    sweep(api)
    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "escalate", "decision_reason": "Внутрішня нотатка юриста."},
    )
    office = recommendation(api, rec["id"])
    assert any(h["event"] == "task_completed" and h["actor"].startswith("user:") for h in office["history"])

    colony = api["authority"].get(f"/api/v1/recommendations/{rec['id']}").json
    assert [a["number"] for a in colony["acts"]] == [a["number"] for a in office["acts"]]
    assert colony["escalations"] == [] and colony["verifications"] == [] and colony["open_tasks"] == []
    assert {h["kind"] for h in colony["history"]} == {"notice"}
    assert {h["subject"] for h in colony["history"]} == {"colony48@example.gov.ua"}
    assert "Внутрішня нотатка юриста." not in str(colony)

    regional = api["regional"].get(f"/api/v1/recommendations/{rec['id']}").json
    assert [e["kind"] for e in regional["escalations"]] == ["superior_authority"]
    assert [t["element_id"] for t in regional["open_tasks"]] == ["authority_reply"]
    assert regional["acts"] == []
    assert {h["subject"] for h in regional["history"]} == {"west@example.gov.ua"}
