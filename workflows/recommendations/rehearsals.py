"""What the standard process's service tasks would return, for a designer's test run.

A test run (engine/testruns.py) never calls a handler: no act is numbered, no receipt, reply or
notice is written. But the diagram reads what the handlers return (`sent["receipt_check_at"]`,
`alarm["breach"]`, `reply["awaited"]`, …), so each operator here answers as its handler in
`handlers.py` would, from the task's data and the run's clock alone, with no row read or written
beyond the calendar. Keep each beside its handler's contract: the keys the diagram reads.
"""

from __future__ import annotations

from typing import Any

from engine import services
from engine.clock import clock, parse_instant

from .. import deadlines
from .handlers import _receipt_check_at
from .receipts import paper_received_at


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@services.rehearsal("send_act")
def send_act(data: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    period = data.get("urgency_period") or None
    return {
        "act_id": None,
        "act_number": None,
        "urgency_due_at": _iso(deadlines.term_deadline(now, period)) if period else None,
        "emailed": True,
        "sent_at": now.isoformat(),
        "receipt_check_at": _receipt_check_at(True, data.get("receipt_wait_days")),
    }


@services.rehearsal("record_paper_receipt")
def record_paper_receipt(data: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    received_at = paper_received_at(data["received_on"]) if data.get("received_on") else clock.now()
    return {"received_at": received_at.isoformat(), "kind": "paper", "receipt_id": None}


@services.rehearsal("deadline_alarm")
def deadline_alarm(data: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    kind = params.get("kind") or "deadline"
    if kind != "deadline":
        return {"breach": False, "sent": 0}
    due = data.get("reply_due_at")
    return {"breach": bool(due) and clock.now() >= parse_instant(str(due))}


@services.rehearsal("record_reply")
def record_reply(data: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return {"reply_id": None, "awaited": True, "days_late": None}


@services.rehearsal("record_verification")
def record_verification(data: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    later = bool(data.get("verify_later"))
    return {
        "verification_id": None,
        "outcome": data.get("outcome"),
        "verification_method": data.get("verification_method"),
        "verify_later": later,
        "follow_up_date": data.get("follow_up_date") if later else None,
        "assessment_note": data.get("assessment_note") or "",
    }


@services.rehearsal("record_extension")
def record_extension(data: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    granted = bool(data.get("extension_granted"))
    if granted:
        due = _iso(deadlines.end_of_day(deadlines.as_day(data["extension_until"])))
    else:
        due = data.get("reply_due_at")
    return {"reply_due_at": due, "granted": granted, "grace": False}


@services.rehearsal("escalate")
def escalate(data: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "escalation_id": None,
        "sent_at": clock.now().isoformat(),
        "reply_task_needed": True,
    }
    if params.get("kind") == "superior_authority":
        result["receipt_check_at"] = _receipt_check_at(True, data.get("receipt_wait_days"))
    return result
