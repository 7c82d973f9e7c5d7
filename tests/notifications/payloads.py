"""Payloads as the domain will enqueue them (see notifications/topics.py), in Ukrainian and English."""

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
    },
    "en": {
        "kind": "submission",
        "number": "S-2026-0012",
        "date": "2026-11-23",
        "signatory": "Dmytro LUBINETS",
        "text": "During the monitoring visit of 12.11.2026, cells 12–14 were found to have no daylight.",
    },
}

OWN = {
    "act_sent": lambda lang: {"act": ACT[lang], "reply_url": "http://ombudsflow.test/reply/abc"},
    "reminder": lambda lang: {"days_left": 5, "reply_url": "http://ombudsflow.test/reply/abc"},
    "overdue": lambda lang: {"days_overdue": 21, "reply_url": "http://ombudsflow.test/reply/abc"},
    "escalation": lambda lang: {
        "escalation": {"kind": "protocol", "reason": "Відповідь не надійшла" if lang == "uk" else "No reply"},
        "subordinate": {"name": COMMON[lang]["authority"]["name"]},
        "authority": {
            "name": "Державна кримінально-виконавча служба України"
            if lang == "uk"
            else "State Criminal Executive Service of Ukraine",
            "code": "DKVS",
        },
        "reply_url": "http://ombudsflow.test/reply/def",
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
