"""Every path of the standard process through the REST API, with a moved clock.

Each test reads as the story of one recommendation: who does what, when, and what everyone sees.
The test clock starts on Monday 23 November 2026, 09:00 Kyiv; the act's e-mail is accepted by the
authority's mail server at once (its receipt starts the term) unless a test says otherwise.
"""

from __future__ import annotations

from .cycle_helpers import (
    ACT,
    REVIEW_DONE,
    complete,
    create,
    draw_protocol,
    one_task,
    recommendation,
    send_act,
    sweep,
    topics,
)

__all__ = ["ACT", "complete", "create", "one_task", "recommendation", "send_act", "sweep"]


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
    assert sent["status"] == "awaiting_receipt" and sent["due_at"] is None  # not received yet

    from .cycle_helpers import deliver_mail

    deliver_mail()  # the colony's mail server accepts the act: received on 23.11.2026
    received = recommendation(api, rec["id"])
    assert received["status"] == "awaiting_reply"
    # A submission: one month from the day of receipt, to the end of that day in Kyiv (Art. 15).
    assert received["due_at"] == "2026-12-23T21:59:59+00:00"
    assert received["received_at"] == "2026-11-23T07:00:00+00:00"
    assert received["legal_basis"].startswith("ст. 15 Закону України «Про Уповноваженого")
    assert received["urgency_due_at"] is None and received["overdue"] is False
    assert [(r["kind"], r["started_term"]) for r in received["receipts"]] == [("email", True)]
    assert (
        received["acts"][0]["kind"] == "submission" and received["acts"][0]["number"] == "01-12/0001-26"
    )  # the outgoing register
    assert received["acts"][0]["due_at"] == "2026-12-23T21:59:59+00:00"
    assert topics(rec["id"]) == [("act_sent", "colony48@example.gov.ua")]

    clock.advance(days=10)
    complete(
        api,
        "authority",
        "authority_reply",
        {
            "reply_text": "Встановлено припливно-витяжну вентиляцію.",
            "measures": "Акт введення в експлуатацію від 01.12.2026",
            "attachments": ["акт-вентиляція.pdf"],
        },
    )
    replied = recommendation(api, rec["id"])
    assert replied["status"] == "under_verification" and replied["due_at"] is None
    assert replied["replies"][0]["was_overdue"] is False and replied["replies"][0]["days_late"] is None

    complete(api, "lawyer", "review_reply", {**REVIEW_DONE, "assessment_note": "Підтверджено актом."})
    done = recommendation(api, rec["id"])
    assert done["status"] == "implemented" and done["outcome"] == "implemented" and done["open_tasks"] == []
    assert topics(rec["id"])[-2:] == [
        ("reply_receipt", "colony48@example.gov.ua"),
        ("closed", "colony48@example.gov.ua"),
    ]
    events = [h["event"] for h in done["history"] if h["kind"] == "audit"]
    assert events[:2] == ["recommendation_created", "instance_started"]
    assert "message_received" in events and events[-1] == "instance_completed"


def test_partly_implemented_then_new_deadline_then_follow_up_visit_shows_implemented(api, world, clock):
    rec = send_act(api, world)
    clock.advance(days=20)
    complete(api, "authority", "authority_reply", {"reply_text": "Частково виконано."})
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
            "new_due_date": "2027-01-29",
            "decision_reason": "Повторний запит з новим строком.",
        },
    )
    complete(api, "manager", "approve_letter", {"approved": True})  # the letter is a document
    again = recommendation(api, rec["id"])
    assert again["status"] == "awaiting_reply" and again["due_at"] == "2027-01-29T21:59:59+00:00"
    assert again["escalations"][0]["kind"] == "repeat_request"
    assert topics(rec["id"])[-1] == ("repeat_request", "colony48@example.gov.ua")

    complete(api, "authority", "authority_reply", {"reply_text": "Виконано повністю."})
    complete(
        api,
        "lawyer",
        "review_reply",
        {
            "outcome": "implemented",
            "verification_method": "follow_up_visit",
            "verify_later": True,
            "follow_up_date": "2027-02-13",  # a Saturday: the check comes on the working morning after
            "assessment_note": "Перевірити під час повторного візиту.",
        },
    )
    follow = recommendation(api, rec["id"])
    # The Office's own next step, never a deadline and never overdue.
    assert follow["status"] == "follow_up" and follow["due_at"] is None and follow["overdue"] is False
    assert follow["next_step_at"] == "2027-02-15T07:00:00+00:00"  # Monday 15.02, 09:00 Kyiv
    assert follow["open_tasks"] == []  # waiting for the follow-up date

    clock.advance(days=100)
    assert recommendation(api, rec["id"])["overdue"] is False
    sweep(api)
    assert [t["element_id"] for t in recommendation(api, rec["id"])["open_tasks"]] == ["verify"]
    complete(api, "lawyer", "verify", {**REVIEW_DONE, "verification_method": "follow_up_visit"})
    done = recommendation(api, rec["id"])
    assert done["status"] == "implemented"
    assert [v["outcome"] for v in done["verifications"]] == [
        "partially_implemented",
        "implemented",
        "implemented",
    ]


def test_no_reply_reminders_overdue_superior_protocol_court_closed(api, world, db, clock):
    rec = send_act(api, world)  # received 23.11, due 23.12.2026

    clock.advance(days=23, hours=2)  # 16.12, 11:00 Kyiv: the reminder of 16.12, 09:00 is due
    sweep(api)
    clock.advance(days=6)  # 22.12
    sweep(api)
    assert topics(rec["id"]) == [
        ("act_sent", "colony48@example.gov.ua"),
        ("reminder", "colony48@example.gov.ua"),
        ("reminder", "colony48@example.gov.ua"),
    ]
    clock.advance(days=2)  # 24.12: the deadline passed
    swept = sweep(api)
    assert "alarm_timer" in [f["element_id"] for f in swept["fired"]]
    overdue = recommendation(api, rec["id"])
    assert overdue["status"] == "reply_overdue" and overdue["overdue"] is True
    listed = api["lawyer"].get("/api/v1/recommendations?overdue=true").json
    assert [r["id"] for r in listed["items"]] == [rec["id"]]
    assert topics(rec["id"])[-2:] == [
        ("overdue", "colony48@example.gov.ua"),
        ("overdue", "lawyer@ombudsman.example"),
    ]
    # The deadline took nothing away: the colony's reply task is still open.
    one_task(api, "authority", "authority_reply")

    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "escalate", "decision_reason": "Орган не відповів у строк."},
    )
    complete(api, "manager", "approve_letter", {"approved": True})  # the letter is a document
    escalated = recommendation(api, rec["id"])
    assert escalated["status"] == "escalated" and escalated["addressee"]["id"] == world.regional.id
    assert escalated["due_at"] is None  # the superior's term counts from its own receipt
    assert topics(rec["id"])[-1] == ("escalation", "west@example.gov.ua")
    from .cycle_helpers import deliver_mail

    deliver_mail()
    escalated = recommendation(api, rec["id"])
    assert escalated["due_at"] == "2027-01-25T21:59:59+00:00"  # 24.01 is a Sunday: Monday 25.01
    # Both can answer now: the superior, and the overdue colony.
    one_task(api, "regional", "authority_reply")
    one_task(api, "authority", "authority_reply")

    clock.advance(days=40)  # the superior does not answer either
    sweep(api)
    assert recommendation(api, rec["id"])["status"] == "reply_overdue"
    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "protocol", "decision_reason": "Невиконання законних вимог Уповноваженого."},
    )
    draw_protocol(
        api,
        world,
        "2027-01-26",
        official_name="Іваненко І. І.",
        official_position="начальник управління",
        court="Галицький районний суд м. Львова",
    )
    assert recommendation(api, rec["id"])["status"] == "in_court"
    # The official's copy goes to the authority as a document; the lawyer's limitation reminders wait.
    assert ("document_sent", "west@example.gov.ua") in topics(rec["id"])[-4:]
    assert topics(rec["id"])[-1] == ("limitation_reminder", "lawyer@ombudsman.example")
    complete(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "hearing",
            "case_number": "461/1234/27",
            "hearing_date": "2027-02-02",
            "next_hearing_date": "2027-03-10",
        },
    )
    hearing_task = one_task(api, "lawyer", "follow_court_case")
    assert hearing_task["due_at"] == "2027-03-10T07:00:00+00:00"
    in_court = recommendation(api, rec["id"])
    assert in_court["next_step_at"] == "2027-03-10T07:00:00+00:00" and in_court["due_at"] is None
    complete(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "decision",
            "case_number": "461/1234/27",
            "court_decision": "offender_liable",
            "penalty_amount": 3400,
            "decision_date": "2027-02-02",
            "court_note": "Накладено штраф.",
        },
    )
    # A court decision does not close the recommendation: the appeal window, then its follow-up.
    followed = recommendation(api, rec["id"])
    assert followed["status"] == "in_court" and followed["closed_at"] is None
    kinds = [e["kind"] for e in followed["escalations"]]
    assert kinds == ["superior_authority", "protocol", "court"]
    court = followed["escalations"][-1]
    assert court["case_number"] == "461/1234/27" and court["decision"] == "offender_liable"
    assert court["hearings"][0]["date"] == "2027-02-02"
    clock.advance(days=12)
    complete(api, "lawyer", "decide_appeal", {"appeal_action": "not_appealed"})
    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "close", "decision_reason": "Штраф сплачено; вимогу не виконано, контроль знято."},
    )
    closed = recommendation(api, rec["id"])
    assert closed["status"] == "closed" and closed["outcome"] == "not_implemented"
    # Closing ends every task, the reply tasks of both authorities too.
    assert api["authority"].get("/api/v1/tasks").json["items"] == []
    assert api["regional"].get("/api/v1/tasks").json["items"] == []


def test_form_errors_stale_versions_and_other_authorities(api, world, clock):
    rec = create(api, world)
    task = one_task(api, "lawyer", "draft_act")
    assert task["form"]["title"] == "Підготувати акт реагування" and task["version"] == 1
    # Before sending: the term each kind of act would give if received today, with its basis.
    preview = {p["act_kind"]: p for p in task["deadline_preview"]}
    assert preview["submission"]["if_received_today"] == "2026-12-23T21:59:59+00:00"
    assert preview["information_request"]["if_received_today"] == "2026-12-08T21:59:59+00:00"
    assert preview["letter"]["if_received_today"] is None
    assert preview["information_request"]["legal_basis"].startswith("ст. 22 Закону")

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
    assert reply_task["due_at"] is None and reply_task["assignee"] is None
    foreign = api["other_authority"].get(f"/api/v1/tasks/{reply_task['id']}")
    assert foreign.status_code == 404  # another's task answers as a missing one
    foreign_complete = api["other_authority"].post(
        f"/api/v1/tasks/{reply_task['id']}/complete",
        {"data": {"reply_text": "x" * 20}, "version": reply_task["version"]},
    )
    assert foreign_complete.status_code == 404
    # Another authority learns nothing: a hidden recommendation answers like a missing one.
    hidden = api["other_authority"].get(f"/api/v1/recommendations/{rec['id']}")
    missing = api["other_authority"].get("/api/v1/recommendations/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json["error"]["code"] == missing.json["error"]["code"] == "not_found"
    assert api["other_authority"].get("/api/v1/recommendations").json["total"] == 0
    smuggled = api["authority"].post(
        f"/api/v1/tasks/{reply_task['id']}/complete",
        {"data": {"reply_text": "Виконано.", "addressee_id": 1}, "version": reply_task["version"]},
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
    # An authority sees a recommendation only once an act was sent to it: never a draft.
    authority_view = api["authority"].get("/api/v1/recommendations").json
    assert {r["id"] for r in authority_view["items"]} == {first["id"]}
    assert api["authority"].get(f"/api/v1/recommendations/{second['id']}").status_code == 404
    tasks = api["lawyer"].get("/api/v1/tasks?role=lawyer").json
    assert tasks["counts"]["all"] == 1 and tasks["items"][0]["recommendation"]["id"] == second["id"]
    # Critical: two days to draft, due on the working morning after (Wednesday 25.11, 09:00 Kyiv).
    assert tasks["items"][0]["due_at"] == "2026-11-25T07:00:00+00:00"
    clock.advance(days=5)
    assert api["lawyer"].get("/api/v1/tasks?overdue=true").json["total"] == 1
