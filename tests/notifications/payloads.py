"""Payloads as the domain will enqueue them (see workflows/notices/topics.py), in Ukrainian and English."""

from __future__ import annotations

import copy

COMMON = {
    "uk": {
        "recommendation": {
            "id": 7,
            "number": "Р-2026-0007",
            "text": "Забезпечити природне освітлення та вентиляцію в камерах № 12–14.",
            "severity": "high",
            "category": "умови тримання",
            "url": "http://ombudsflow.test/recommendations/7",
        },
        "facility": {"name": "Київський слідчий ізолятор", "kind": "слідчий ізолятор", "oblast": "м. Київ"},
        "authority": {"name": "Державна установа «Київський слідчий ізолятор»", "code": "DKVS-KYIV-SIZO"},
        "due_at": "2026-12-23T07:00:00Z",
        "lawyer": {"name": "Олена Коваль", "email": "o.koval@ombudsman.test"},
    },
    "en": {
        "recommendation": {
            "id": 7,
            "number": "R-2026-0007",
            "text": "Provide daylight and ventilation in cells 12–14.",
            "severity": "high",
            "category": "conditions of detention",
            "url": "http://ombudsflow.test/recommendations/7",
        },
        "facility": {
            "name": "Kyiv pre-trial detention centre",
            "kind": "pre-trial detention centre",
            "oblast": "Kyiv city",
        },
        "authority": {
            "name": "State institution “Kyiv pre-trial detention centre”",
            "code": "DKVS-KYIV-SIZO",
        },
        "due_at": "2026-12-23T07:00:00Z",
        "lawyer": {"name": "Olena Koval", "email": "o.koval@ombudsman.test"},
    },
}

ACT = {
    "uk": {
        "kind": "submission",
        "number": "П-2026-0012",
        "date": "2026-11-23",
        "signatory": "Дмитро ЛУБІНЕЦЬ",
        "text": "Під час моніторингового візиту 12.11.2026 встановлено, що камери № 12–14 не мають "
        "природного освітлення.\nПропонуємо усунути виявлені порушення.",
        "statutory_period": "P1M",
        "legal_basis": "ст. 15 Закону України «Про Уповноваженого Верховної Ради України з прав людини»",
        "urgency_due_at": None,
    },
    "en": {
        "kind": "submission",
        "number": "S-2026-0012",
        "date": "2026-11-23",
        "signatory": "Dmytro LUBINETS",
        "text": "During the monitoring visit of 12.11.2026, cells 12–14 were found to have no daylight.",
        "statutory_period": "P1M",
        "legal_basis": (
            "Art. 15 of the Law of Ukraine “On the Ukrainian Parliament Commissioner for Human Rights”"
        ),
        "urgency_due_at": None,
    },
}

OWN = {
    "act_sent": lambda lang: {"act": ACT[lang], "reply_url": "http://ombudsflow.test/reply/abc"},
    "reminder": lambda lang: {"days_left": 5, "reply_url": "http://ombudsflow.test/reply/abc"},
    "overdue": lambda lang: {"days_overdue": 21, "reply_url": "http://ombudsflow.test/reply/abc"},
    "escalation": lambda lang: {
        "escalation": {
            "kind": "superior_authority",
            "reason": "Відповідь не надійшла" if lang == "uk" else "No reply",
            "statutory_period": "P1M",
            "legal_basis": "ст. 15 Закону" if lang == "uk" else "Art. 15 of the Law",
        },
        "subordinate": {"name": COMMON[lang]["authority"]["name"]},
        "authority": {
            "name": "Державна кримінально-виконавча служба України"
            if lang == "uk"
            else "State Criminal Executive Service of Ukraine",
            "code": "DKVS",
        },
        "reply_url": "http://ombudsflow.test/reply/def",
    },
    "repeat_request": lambda lang: {
        "escalation": {
            "kind": "repeat_request",
            "reason": "Відповідь неповна" if lang == "uk" else "Partial",
        },
        "subordinate": {"name": COMMON[lang]["authority"]["name"]},
        "reply_url": "http://ombudsflow.test/reply/abc",
    },
    "protocol_notice": lambda lang: {
        "escalation": {
            "kind": "protocol",
            "reason": "",
            "protocol_number": "П-17/2027",
            "protocol_date": "2027-02-01",
            "court": "Галицький районний суд м. Львова"
            if lang == "uk"
            else "Halytskyi District Court of Lviv",
        },
        "subordinate": {"name": COMMON[lang]["authority"]["name"]},
        "reply_url": "http://ombudsflow.test/reply/abc",
    },
    "urgency_reminder": lambda lang: {
        "days_left": 1,
        "urgency_due_at": "2026-11-30T21:59:59Z",
        "reply_url": "http://ombudsflow.test/reply/abc",
    },
    "extension_receipt": lambda lang: {
        "extension": {
            "requested_until": "2027-01-20",
            "requested_at": "2026-12-18T10:00:00Z",
            "current_due_at": "2026-12-23T21:59:59Z",
        },
        "reply_url": "http://ombudsflow.test/reply/abc",
    },
    "extension_decision": lambda lang: {
        "extension": {
            "decision": "refused",
            "requested_until": "2027-01-20",
            "previous_due_at": "2026-12-23T21:59:59Z",
            "new_due_at": "2026-12-29T21:59:59Z",
            "grace": True,
            "note": "Підстав немає." if lang == "uk" else "No grounds.",
        },
        "reply_url": "http://ombudsflow.test/reply/abc",
    },
    "reply_receipt": lambda lang: {"reply": {"received_at": "2026-11-30T13:45:00Z"}},
    "closed": lambda lang: {
        "outcome": "implemented",
        "reason": "Вікна встановлено." if lang == "uk" else "Windows fitted.",
    },
}


def payload(topic: str, language: str = "uk", **changes) -> dict:
    if topic == "alert":
        result = {
            "manager": {"name": "Ірина Керівник" if language == "uk" else "Iryna Manager"},
            "alert": {
                "id": 3,
                "description": "Понад 2 критичні рекомендації відкрито: Львівська область"
                if language == "uk"
                else "More than 2 critical recommendations open in Lviv Oblast",
                "count": 5,
                "threshold": 2,
                "url": "http://ombudsflow.test/recommendations?open=1&region=lviv&severity=critical",
            },
        }
    elif topic == "digest":
        item = {
            "task": "Перевірити відповідь" if language == "uk" else "Review the reply",
            "recommendation_number": COMMON[language]["recommendation"]["number"],
            "facility": COMMON[language]["facility"]["name"],
            "due_at": "2026-11-25T07:00:00Z",
            "url": "http://ombudsflow.test/tasks/1",
        }
        result = {
            "lawyer": COMMON[language]["lawyer"],
            "due_soon": [item],
            "overdue": [item, item],
            "inbox_url": "http://ombudsflow.test/inbox",
        }
    else:
        result = {**copy.deepcopy(COMMON[language]), **OWN[topic](language)}
    result.update(changes)
    return result
