"""Steps of the standard process through the REST API, shared by the stories of the legal cycle."""

from __future__ import annotations

import sqlalchemy as sa

from engine.db import db
from engine.models import OutboxMessage
from notifications import delivery

ACT = {
    "act_kind": "submission",
    "act_text": "Вимагаємо забезпечити вентиляцію камер дільниці карантину.",
    "signatory": "Представник Уповноваженого з питань НПМ",
}
REVIEW_DONE = {
    "outcome": "implemented",
    "verification_method": "documents",
    "verify_later": False,
    "assessment_note": "Підтверджено документами.",
}


def one_task(api, role, element_id):
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


def create(api, world, severity="high", authority=None):
    response = api["lawyer"].post(
        "/api/v1/recommendations",
        {
            "finding_id": world.finding_id,
            "authority_id": (authority or world.colony_admin).id,
            "text": "Забезпечити дієву вентиляцію в камерах дільниці карантину.",
            "severity": severity,
            "category": "material_conditions",
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def send_act(api, world, act=ACT, severity="high", deliver=True):
    """Draft, approve and send the act; with `deliver`, the e-mail reaches the authority's mail
    server now (its receipt starts the term)."""
    rec = create(api, world, severity=severity)
    complete(api, "lawyer", "draft_act", act)
    complete(api, "manager", "approve_act", {"approved": True})
    if deliver:
        deliver_mail()
    return recommendation(api, rec["id"])


def deliver_mail():
    result = delivery.deliver_due()
    db.session.commit()
    assert result.count("failed") == 0 and result.count("retry") == 0, result.summary()
    return result


def topics(rec_id):
    return [
        (m.topic, m.recipient)
        for m in db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.business_key == str(rec_id), OutboxMessage.channel == "email")
            .order_by(OutboxMessage.id)
        )
    ]


PROTOCOL = {
    "protocol_action": "submit",
    "official_name": "Іваненко Петро Сергійович",
    "official_position": "начальник колонії",
    "offence": "невиконання подання",
    "court": "Франківський районний суд м. Львова",
}


def draw_protocol(api, world, offence_date, approve=True, **fields):
    """The lawyer (authorised to draw protocols and sign) draws the protocol; the manager approves
    it (numbered in the protocols' register, the official's copy sent)."""
    from workflows.users import grants

    for permission in ("draw_protocols", "sign_documents"):
        grants.grant(world.users["lawyer"], permission, actor="test")
    db.session.commit()
    complete(api, "lawyer", "draw_protocol", {**PROTOCOL, "offence_date": offence_date, **fields})
    if approve:
        complete(api, "manager", "approve_protocol", {"protocol_approval": "approve"})
