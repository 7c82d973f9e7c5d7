"""How each term is counted, through the API with a moved clock: from the receipt, over the
working-day calendar, with the martial-law switch — and every date refused where it is entered.

The test clock starts on Monday 23 November 2026, 09:00 Kyiv. In 2026, 25 December (Christmas) is
a Friday and 26 December a Saturday.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.db import db
from engine.models import AuditEvent, OutboxMessage
from workflows.recommendations.models import ExtensionRequest
from workflows.users import grants

from .cycle_helpers import (
    REVIEW_DONE,
    complete,
    deliver_mail,
    one_task,
    recommendation,
    send_act,
    sweep,
    topics,
)


def received_on(api, world, clock, days_after_t0: int):
    """An act sent on Monday 23.11 whose e-mail is accepted `days_after_t0` days later (the
    authority's mail server was down until then)."""
    rec = send_act(api, world, deliver=False)
    assert recommendation(api, rec["id"])["due_at"] is None
    clock.advance(days=days_after_t0)
    deliver_mail()
    return recommendation(api, rec["id"])


def test_the_term_counts_from_the_receipt_not_from_sending(api, world, clock):
    rec = received_on(api, world, clock, 2)  # received Wednesday 25.11
    assert rec["received_at"] == "2026-11-25T07:00:00+00:00"
    # 25.12 is Christmas, a working day while martial law makes public holidays working days.
    assert rec["due_at"] == "2026-12-25T21:59:59+00:00"


def test_a_term_ending_on_a_saturday_ends_on_monday(api, world, clock):
    rec = received_on(api, world, clock, 3)  # received Thursday 26.11: one month is Saturday 26.12
    assert rec["due_at"] == "2026-12-28T21:59:59+00:00"


@pytest.mark.parametrize(("martial_law", "due"), [(True, "2026-12-25"), (False, "2026-12-28")])
def test_a_term_ending_on_a_holiday_ends_on_the_next_working_day_unless_martial_law(
    api, world, clock, db, martial_law, due
):
    switched = api["admin"].put("/api/v1/calendar/settings", {"martial_law": martial_law})
    assert switched.status_code == 200 and switched.json["martial_law"] is martial_law
    christmas = [d for d in switched.json["days"] if d["day"] == "2026-12-25"]
    assert christmas[0]["kind"] == "holiday" and christmas[0]["non_working"] is (not martial_law)
    rec = received_on(api, world, clock, 2)  # received 25.11: one month is Friday 25.12
    assert rec["due_at"] == f"{due}T21:59:59+00:00"
    assert db.session.scalar(
        sa.select(AuditEvent.details).where(AuditEvent.event == "calendar_martial_law_set")
    ) == {"on": martial_law, "was": True}


def test_a_day_off_added_by_an_admin_moves_the_deadline(api, world, clock):
    added = api["admin"].put(
        "/api/v1/calendar/days/2026-12-23",
        {"kind": "day_off", "name_uk": "Неробочий день (постанова КМУ)", "name_en": "Day off"},
    )
    assert added.status_code == 200 and added.json["non_working"] is True
    assert (
        api["lawyer"].put("/api/v1/calendar/days/2026-12-24", {"kind": "day_off", "name_uk": "x"}).status_code
        == 403
    )
    bad = api["admin"].put("/api/v1/calendar/days/2026-12-32", {"kind": "holiday", "name_uk": ""})
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"day", "name_uk"}
    rec = received_on(api, world, clock, 0)  # received 23.11: one month is 23.12, now a day off
    assert rec["due_at"] == "2026-12-24T21:59:59+00:00"


def test_reminders_go_out_on_working_mornings(api, world, clock, db):
    rec = received_on(api, world, clock, 3)  # due Monday 28.12
    # Seven days before: Monday 21.12, 09:00. One day before is Sunday 27.12: Monday 28.12, 09:00.
    clock.advance(days=25, minutes=1)  # Monday 21.12, 09:01 Kyiv
    sweep(api)
    assert [t for t, _ in topics(rec["id"])] == ["act_sent", "reminder"]
    clock.advance(days=6)  # Sunday 27.12, 09:01: nothing goes out on a Sunday
    sweep(api)
    assert [t for t, _ in topics(rec["id"])] == ["act_sent", "reminder"]
    clock.advance(days=1)  # Monday 28.12, 09:01
    sweep(api)
    assert [t for t, _ in topics(rec["id"])] == ["act_sent", "reminder", "reminder"]
    clock.advance(days=1)  # Tuesday 29.12, 09:01: the deadline has passed
    sweep(api)
    overdue = recommendation(api, rec["id"])
    assert overdue["overdue"] is True and overdue["overdue_since"].startswith("2026-12-29")
    # The notices about a breach wait for the working morning rather than leave at midnight.
    held = db.session.scalars(
        sa.select(OutboxMessage.next_attempt_at).where(OutboxMessage.topic == "overdue")
    ).all()
    assert held and all(t.isoformat() == "2026-12-30T07:00:00+00:00" for t in held)


def test_an_urgency_request_is_reminded_and_never_a_breach(api, world, clock, db):
    rec = send_act(api, world, severity="critical")
    assert rec["urgency_due_at"] == "2026-12-03T21:59:59+00:00"  # ten days from sending
    assert rec["due_at"] == "2026-12-23T21:59:59+00:00"  # the law's month stands beside it
    act = rec["acts"][0]
    assert act["urgency_due_at"] == rec["urgency_due_at"] and act["statutory_period"] == "P1M"
    clock.advance(days=9, hours=1)  # Wednesday 02.12, 10:00: the day before the urgency date
    sweep(api)
    assert topics(rec["id"])[-1] == ("urgency_reminder", "colony48@example.gov.ua")
    clock.advance(days=3)  # past the urgency date
    sweep(api)
    after = recommendation(api, rec["id"])
    assert after["status"] == "awaiting_reply" and after["overdue"] is False
    assert "overdue" not in [t for t, _ in topics(rec["id"])]


def test_a_letter_has_no_statutory_term(api, world, clock):
    rec = send_act(
        api,
        world,
        act={**__import__("tests.workflows.cycle_helpers", fromlist=["ACT"]).ACT, "act_kind": "letter"},
    )
    assert rec["status"] == "awaiting_reply" and rec["due_at"] is None
    assert rec["legal_basis"].startswith("Лист не є актом реагування")
    clock.advance(days=120)
    sweep(api)
    assert recommendation(api, rec["id"])["overdue"] is False
    assert [t for t, _ in topics(rec["id"])] == ["act_sent"]


# --- every date checked where it is entered -------------------------------------------------------


def refused(api, role, element_id, data, field, message_part):
    """The completion is refused with the field's message, and nothing is written."""
    task = one_task(api, role, element_id)
    from engine.db import db

    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = api[role].post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": data, "version": task["version"]}
    )
    assert response.status_code == 422, response.json
    assert list(response.json["error"]["fields"]) == [field]
    assert message_part in response.json["error"]["fields"][field][0], response.json
    after = api[role].get(f"/api/v1/tasks/{task['id']}").json
    assert after["status"] == "open" and after["version"] == task["version"]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audit_before


def ask_extension(api, rec_id, until, reason="Потрібне фінансування з обласного бюджету."):
    return api["authority"].post(
        f"/api/v1/recommendations/{rec_id}/extension-requests", {"requested_until": until, "reason": reason}
    )


def test_an_authority_asks_for_a_later_day_than_its_deadline(api, world, clock, db):
    rec = send_act(api, world)  # due 23.12
    early = ask_extension(api, rec["id"], "2026-12-20")
    assert early.status_code == 422
    assert early.json["error"]["fields"] == {
        "requested_until": ["Просіть день, пізніший за чинний строк (23.12.2026)."]
    }
    beyond = ask_extension(api, rec["id"], "2027-03-01")
    assert beyond.json["error"]["fields"]["requested_until"] == [
        "Строк можна продовжити щонайпізніше до 23.01.2027."
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExtensionRequest)) == 0
    assert ask_extension(api, rec["id"], "2027-01-20").status_code == 201
    twice = ask_extension(api, rec["id"], "2027-01-21")
    assert twice.status_code == 409 and "ще очікує рішення" in twice.json["error"]["message"]


def test_the_lawyer_only_moves_a_deadline_later(api, world, clock):
    rec = send_act(api, world)  # due 23.12
    assert ask_extension(api, rec["id"], "2027-01-20").status_code == 201
    decision = {"extension_granted": True, "extension_decision_note": "Розглянуто."}
    refused(
        api,
        "lawyer",
        "decide_extension",
        {**decision, "extension_until": "2026-12-20"},
        "extension_until",
        "Продовження переносить строк на пізніше",
    )
    refused(
        api,
        "lawyer",
        "decide_extension",
        {**decision, "extension_until": "2027-02-15"},
        "extension_until",
        "щонайпізніше до 23.01.2027",
    )
    refused(
        api,
        "lawyer",
        "decide_extension",
        {**decision, "extension_until": "2027-01-16"},
        "extension_until",
        "16.01.2027 — неробочий день",
    )
    complete(api, "lawyer", "decide_extension", {**decision, "extension_until": "2027-01-15"})
    assert recommendation(api, rec["id"])["due_at"] == "2027-01-15T21:59:59+00:00"


def test_dates_of_the_lawyers_path(api, world, clock):
    rec = send_act(api, world)
    clock.advance(days=31)  # 24.12: overdue
    sweep(api)
    assert recommendation(api, rec["id"])["status"] == "reply_overdue"
    refused(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "new_deadline", "new_due_date": "2020-01-10", "decision_reason": "Повторний запит."},
        "new_due_date",
        "щонайменше через 10 днів: 04.01.2027 або пізніше",
    )
    refused(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "new_deadline", "new_due_date": "2027-01-09", "decision_reason": "Повторний запит."},
        "new_due_date",
        "09.01.2027 — неробочий день",
    )
    complete(
        api, "lawyer", "decide_next_steps", {"next_action": "protocol", "decision_reason": "Невиконання."}
    )
    for permission in ("draw_protocols", "sign_documents"):
        grants.grant(world.users["lawyer"], permission, actor="test")
    db.session.commit()
    protocol = {
        "protocol_action": "submit",
        "official_name": "Іваненко Петро",
        "official_position": "Начальник колонії",
        "court": "Франківський суд",
    }
    refused(
        api,
        "lawyer",
        "draw_protocol",
        {**protocol, "offence_date": "2026-12-31"},
        "offence_date",
        "Дата вчинення правопорушення не може бути в майбутньому (сьогодні 24.12.2026)",
    )
    complete(api, "lawyer", "draw_protocol", {**protocol, "offence_date": "2026-12-24"})
    complete(api, "manager", "approve_protocol", {"protocol_approval": "approve"})
    refused(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "decision",
            "case_number": "1/27",
            "court_decision": "closed_no_offence",
            "decision_date": "2027-01-05",
        },
        "decision_date",
        "Дата рішення не може бути в майбутньому",
    )
    refused(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "hearing",
            "case_number": "1/27",
            "hearing_date": "2026-12-24",
            "next_hearing_date": "2026-12-01",
        },
        "next_hearing_date",
        "Наступне засідання не може бути в минулому",
    )


def test_a_follow_up_date_is_not_in_the_past(api, world, clock):
    rec = send_act(api, world)
    complete(api, "authority", "authority_reply", {"reply_text": "Частково виконано."})
    refused(
        api,
        "lawyer",
        "review_reply",
        {
            **REVIEW_DONE,
            "outcome": "partially_implemented",
            "verify_later": True,
            "follow_up_date": "2020-01-01",
        },
        "follow_up_date",
        "Дата перевірки не може бути в минулому",
    )
    assert recommendation(api, rec["id"])["status"] == "under_verification"


def test_a_paper_receipt_is_not_in_the_future_nor_before_sending(api, world, clock):
    world.colony_admin.emails = []  # nothing can be e-mailed: a lawyer registers the paper post
    from engine.db import db

    db.session.commit()
    rec = send_act(api, world, deliver=False)
    clock.advance(minutes=1)
    sweep(api)
    task = one_task(api, "lawyer", "register_receipt")  # asked at the next sweep: nothing was e-mailed
    assert task["status"] == "open"
    future = api["lawyer"].post(
        f"/api/v1/recommendations/{rec['id']}/receipts", {"received_on": "2026-11-30"}
    )
    assert future.status_code == 422
    assert future.json["error"]["fields"]["received_on"] == ["День отримання не може бути в майбутньому."]
    before = api["lawyer"].post(
        f"/api/v1/recommendations/{rec['id']}/receipts", {"received_on": "2026-11-20"}
    )
    assert before.json["error"]["fields"]["received_on"] == [
        "Акт не може бути отримано раніше, ніж його надіслано (23.11.2026)."
    ]
    assert (
        api["authority"]
        .post(f"/api/v1/recommendations/{rec['id']}/receipts", {"received_on": "2026-11-23"})
        .status_code
        == 403
    )
    clock.advance(days=4)  # Friday 27.11: the postal notice says it arrived on Thursday 26.11
    complete(api, "lawyer", "register_receipt", {"received_on": "2026-11-26", "incoming_number": "01-14/882"})
    after = recommendation(api, rec["id"])
    assert after["due_at"] == "2026-12-28T21:59:59+00:00"  # 26.12 is a Saturday
    assert [(r["kind"], r["incoming_number"], r["started_term"]) for r in after["receipts"]] == [
        ("paper", "01-14/882", True)
    ]
