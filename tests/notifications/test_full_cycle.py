"""A whole recommendation, from the act to the court, with a moved clock: exactly the expected
e-mails reach a real SMTP server and the expected webhook events a real HTTP receiver, in order."""

from __future__ import annotations

from engine.db import db
from notifications import delivery, webhooks
from tests.workflows.conftest import api, world  # noqa: F401 - fixtures
from tests.workflows.test_api_cycle import complete, send_act, sweep


def deliver():
    result = delivery.deliver_due()
    db.session.commit()
    assert result.count("failed") == 0 and result.count("retry") == 0, result.summary()
    return result


def test_full_cycle_sends_exactly_the_expected_messages(api, world, clock, smtp, receiver):  # noqa: F811
    webhooks.add_subscription(
        receiver.url,
        ["act_sent", "reply_received", "overdue", "escalated", "closed"],
        secret="s3cret",
        actor="test",
    )
    db.session.commit()

    rec = send_act(api, world)  # due 23.12.2026
    deliver()
    clock.advance(days=23, hours=2)  # 16.12: the first reminder
    sweep(api)
    clock.advance(days=6)  # 22.12: the second reminder
    sweep(api)
    clock.advance(days=2)  # 24.12: overdue
    sweep(api)
    complete(
        api, "lawyer", "decide_next_steps", {"next_action": "escalate", "decision_reason": "Відповіді немає."}
    )
    clock.advance(days=3)
    complete(
        api,
        "regional",
        "authority_reply",
        {"reply_action": "reply", "reply_text": "Доручено колонії усунути порушення."},
    )
    complete(
        api,
        "lawyer",
        "review_reply",
        {
            "outcome": "not_implemented",
            "verification_method": "interview",
            "verify_later": False,
            "assessment_note": "Заходів не вжито.",
        },
    )
    complete(
        api,
        "lawyer",
        "decide_next_steps",
        {"next_action": "protocol", "decision_reason": "Невиконання законних вимог."},
    )
    complete(
        api,
        "lawyer",
        "draw_protocol",
        {
            "protocol_number": "П-1/2027",
            "protocol_date": "2026-12-28",
            "offender": "Начальник колонії",
            "court": "Франківський суд",
        },
    )
    complete(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "decision",
            "case_number": "465/1/27",
            "court_decision": "offender_liable",
            "decision_date": "2027-01-20",
            "court_note": "Штраф.",
        },
    )
    deliver()
    assert deliver().outcomes == []  # nothing is sent twice

    colony, west, lawyer = "colony48@example.gov.ua", "west@example.gov.ua", "lawyer@ombudsman.example"
    received = [(m.rcpt_tos[0], m.message["X-Ombudsflow-Topic"]) for m in smtp.messages]
    assert received == [
        (colony, "act_sent"),
        (colony, "reminder"),
        (colony, "reminder"),
        (colony, "overdue"),
        (lawyer, "overdue"),
        (west, "escalation"),
        (west, "reply_receipt"),
        (west, "escalation"),
        (west, "closed"),
    ]
    first = smtp.messages[0].message
    assert first["Content-Language"] == "uk" and "Подання" in first["Subject"]
    assert any(
        part.get_filename() and part.get_filename().endswith(".pdf") for part in first.iter_attachments()
    )
    body = first.get_body(("plain",)).get_content()
    assert "/respond/" in body and rec["number"] in body
    events = [call.headers["X-Ombudsflow-Event"] for call in receiver.calls]
    assert events == ["act_sent", "overdue", "escalated", "reply_received", "escalated", "closed"]
    assert len({call.headers["X-Ombudsflow-Delivery"] for call in receiver.calls}) == len(events)
