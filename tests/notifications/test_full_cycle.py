"""A whole recommendation, from the act to the court, with a moved clock: exactly the expected
e-mails reach a real SMTP server and the expected webhook events a real HTTP receiver, in order —
and each letter, read as the official who receives it, states true dates."""

from __future__ import annotations

from engine.db import db
from notifications import delivery, webhooks
from tests.workflows.conftest import api, world  # noqa: F401 - fixtures
from tests.workflows.cycle_helpers import ACT, complete, create, draw_protocol, recommendation, sweep


def deliver():
    result = delivery.deliver_due()
    db.session.commit()
    assert result.count("failed") == 0 and result.count("retry") == 0, result.summary()
    return result


def body(message) -> str:
    return " ".join(message.get_body(("plain",)).get_content().split())


def test_full_cycle_sends_exactly_the_expected_messages(api, world, clock, smtp, receiver):  # noqa: F811
    webhooks.add_subscription(
        receiver.url,
        ["act_sent", "reply_received", "overdue", "escalated", "closed"],
        secret="s3cret",
        actor="test",
    )
    db.session.commit()

    rec = create(api, world, severity="critical")
    complete(api, "lawyer", "draft_act", ACT)
    complete(api, "manager", "approve_act", {"approved": True})
    deliver()  # accepted by the colony's server on Monday 23.11: the month runs to 23.12
    assert recommendation(api, rec["id"])["due_at"] == "2026-12-23T21:59:59+00:00"
    clock.advance(days=9, hours=1)  # Wednesday 02.12, 10:00: the day before the urgency date
    sweep(api)
    clock.advance(days=14)  # 16.12: seven days before the deadline
    sweep(api)
    clock.advance(days=6)  # 22.12: one day before
    sweep(api)
    clock.advance(days=2)  # Thursday 24.12, 10:00: overdue; its notices wait for the working morning
    sweep(api)
    clock.advance(days=1)  # Friday 25.12: Christmas, a working day under martial law
    deliver()
    complete(
        api, "lawyer", "decide_next_steps", {"next_action": "escalate", "decision_reason": "Відповіді немає."}
    )
    complete(api, "manager", "approve_letter", {"approved": True})  # the letter is a document
    deliver()  # the superior's server accepts the letter: its month runs to 25.01.2027
    clock.advance(days=3)
    complete(api, "regional", "authority_reply", {"reply_text": "Доручено колонії усунути порушення."})
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
    draw_protocol(api, world, "2026-12-24")
    complete(
        api,
        "lawyer",
        "follow_court_case",
        {
            "court_action": "decision",
            "case_number": "465/1/26",
            "court_decision": "offender_liable",
            "penalty_amount": 3400,
            "decision_date": "2026-12-28",
            "court_note": "Штраф.",
        },
    )
    deliver()
    assert deliver().outcomes == []  # nothing is sent twice

    colony, west, lawyer = "colony48@example.gov.ua", "west@example.gov.ua", "lawyer@ombudsman.example"
    received = [(m.rcpt_tos[0], m.message["X-Ombudsflow-Topic"]) for m in smtp.messages]
    assert received == [
        (colony, "act_sent"),
        (colony, "urgency_reminder"),
        (colony, "reminder"),
        (colony, "reminder"),
        (colony, "overdue"),
        (lawyer, "overdue"),
        (west, "escalation"),
        (west, "reply_receipt"),
        (west, "document_sent"),
    ]
    letters = {(m.rcpt_tos[0], m.message["X-Ombudsflow-Topic"]): m.message for m in smtp.messages}

    act = letters[(colony, "act_sent")]
    assert act["Content-Language"] == "uk" and "Подання" in act["Subject"]
    text = body(act)
    assert "/respond/" in text and rec["number"] in text
    # One consistent set of dates: the term as the law gives it, counted from receipt, and the
    # urgency date as a request — the same in the e-mail and in the PDF.
    assert "Строк розгляду — 1 місяць з дня отримання подання (ст. 15 Закону України" in text
    assert "поінформувати Уповноваженого до 03.12.2026. Це прохання не скорочує строку" in text
    [pdf] = [p for p in act.iter_attachments() if (p.get_filename() or "").endswith(".pdf")]
    from tests.workflows.documents_world import pdf_text

    printed = pdf_text(pdf.get_content())
    assert "Установлений законом строк: 1 місяць з дня отримання (ст. 15 Закону України" in printed
    assert "до 03.12.2026. Це прохання не скорочує строку" in printed
    assert "10 днів" not in text and "10 днів" not in printed

    urgency = body(letters[(colony, "urgency_reminder")])
    assert (
        "до 03.12.2026 (через 1 день)" in urgency
        and "Строк, встановлений законом, спливає 23.12.2026" in urgency
    )
    reminders = [body(m.message) for m in smtp.messages if m.message["X-Ombudsflow-Topic"] == "reminder"]
    assert "спливає через 7 днів — 23.12.2026" in reminders[0]
    assert "спливає через 1 день — 23.12.2026" in reminders[1]
    overdue = body(letters[(colony, "overdue")])
    # Written when it leaves on 25.12 (held from midnight for the working morning): two days.
    assert "що сплив 23.12.2026 (ст. 15 Закону" in overdue and "прострочено на 2 дні" in overdue
    assert "188-40" in overdue
    escalation = body(letters[(west, "escalation")])
    assert "у строк 1 місяць з дня отримання цього звернення" in escalation and "188-40" not in escalation
    # The protocol goes out as a document (the official's copy, PDF); a court decision closes nothing.
    protocol = letters[(west, "document_sent")]
    [copy] = [p for p in protocol.iter_attachments() if (p.get_filename() or "").endswith(".pdf")]
    printed = pdf_text(copy.get_content())
    assert "Іваненко Петро Сергійович" in printed and "24.12.2026" in printed

    events = [call.headers["X-Ombudsflow-Event"] for call in receiver.calls]
    assert events == ["act_sent", "overdue", "escalated", "reply_received", "escalated"]
    assert len({call.headers["X-Ombudsflow-Delivery"] for call in receiver.calls}) == len(events)
