"""Reading the visit, finding and recommendation forms: posted text in, service arguments out.

`*_values` keep what the person typed (to show it again beside the messages); `*_input` turns it
into the arguments of `workflows.visits.services` and `workflows.recommendations.services`, which
check everything that matters and say what is wrong per field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from workflows.errors import Invalid

from .. import registry
from ..forms import dates
from ..forms.jsonschema_form import date_message

MEMBER_ROWS = 4


def _int(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() else 0


def visit_values(form) -> dict[str, Any]:
    members = []
    index = 0
    while f"members-{index}-name" in form or f"members-{index}-user_id" in form:
        members.append(
            {
                "name": form.get(f"members-{index}-name", "").strip(),
                "role": form.get(f"members-{index}-role", ""),
                "user_id": form.get(f"members-{index}-user_id", ""),
            }
        )
        index += 1
    filled = [m for m in members if m["name"] or m["user_id"]]
    blank = {"name": "", "role": "monitor", "user_id": ""}
    return {
        "region": form.get("region", ""),
        "facility_id": form.get("facility_id", ""),
        "kind": form.get("kind", "regular"),
        "starts_on": form.get("starts_on", ""),
        "ends_on": form.get("ends_on", ""),
        "access_problems": form.get("access_problems", "").strip(),
        "members": filled + [dict(blank) for _ in range(max(MEMBER_ROWS - len(filled), 1))],
    }


def _date(value: str, field: str, errors: dict[str, list[str]]) -> date | None:
    parsed = dates.parse(value)
    if parsed is None:
        errors[field] = [date_message() if value.strip() else _("This field is required.")]
    return parsed


def visit_input(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    starts_on = _date(values["starts_on"], "starts_on", errors)
    ends_on = _date(values["ends_on"], "ends_on", errors)
    if not _int(values["facility_id"]):
        errors["facility_id"] = [_("Choose the place of the visit.")]
    if errors:
        raise Invalid(_("The visit was not saved."), errors)
    members = []
    names = registry.user_names(_int(m["user_id"]) for m in values["members"])
    for m in values["members"]:
        if not (m["name"] or m["user_id"]):
            continue
        user_id = _int(m["user_id"]) or None
        members.append({"name": m["name"] or names.get(user_id, ""), "role": m["role"], "user_id": user_id})
    return {
        "facility_id": _int(values["facility_id"]),
        "kind": values["kind"],
        "starts_on": starts_on,
        "ends_on": ends_on,
        "access_problems": values["access_problems"],
        "members": members,
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def finding_values(form) -> dict[str, Any]:
    return {
        "text": form.get("text", "").strip(),
        "category": form.get("category", ""),
        "severity": form.get("severity", ""),
        "evidence": form.get("evidence", ""),
    }


def finding_input(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": values["text"],
        "category": values["category"],
        "severity": values["severity"],
        "evidence": _lines(values["evidence"]),
    }


def recommendation_values(form) -> dict[str, Any]:
    return {
        "authority_id": form.get("authority_id", ""),
        "text": form.get("text", "").strip(),
        "severity": form.get("severity", ""),
        "category": form.get("category", ""),
    }


def recommendation_input(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "authority_id": _int(values["authority_id"]),
        "text": values["text"],
        "severity": values["severity"],
        "category": values["category"],
    }
