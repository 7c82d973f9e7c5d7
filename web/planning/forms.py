"""Reading the planning pages' forms: posted text in, service arguments out."""

from __future__ import annotations

from typing import Any

from ..forms import dates, values

TARGET_FIELDS = ("visits", "per_oblast", "not_visited_years", "group_size")


def plan_values(form) -> dict[str, Any]:
    if not form:
        from workflows.planning.plans import DEFAULT_TARGETS

        return {
            "year": "",
            "title": "",
            "draft": True,
            **{k: str(DEFAULT_TARGETS[k]) for k in TARGET_FIELDS},
            "every_kind": True,
        }
    out = {name: (form.get(name) or "").strip() for name in ("year", "title", *TARGET_FIELDS)}
    out["every_kind"] = values.flag(form, "every_kind")
    out["draft"] = values.flag(form, "draft")
    return out


def plan_input(v: dict[str, Any]) -> dict[str, Any]:
    targets: dict[str, Any] = {name: values.integer(v[name]) if v[name] else None for name in TARGET_FIELDS}
    for name in TARGET_FIELDS:
        if v[name] and targets[name] is None:
            targets[name] = v[name]  # the service says "a whole number"
    targets["every_kind"] = v["every_kind"]
    return {"year": values.integer(v["year"]) or 0, "title": v["title"], "targets": targets}


def visit_values(form, visit=None) -> dict[str, Any]:
    if visit is not None and not form:
        return {
            "region": visit.facility.region_code,
            "facility_id": str(visit.facility_id),
            "month": str(visit.month),
            "starts_on": dates.shown(visit.starts_on) if visit.starts_on else "",
            "ends_on": dates.shown(visit.ends_on) if visit.ends_on else "",
            "kind": visit.kind,
            "unannounced": visit.unannounced,
            "recommendation_ids": [link.recommendation_id for link in visit.recommendation_links],
            "needs": list(visit.needs),
            "note": visit.note,
            "reason": "",
        }
    if not form:
        return {
            "region": "",
            "facility_id": "",
            "month": "",
            "starts_on": "",
            "ends_on": "",
            "kind": "regular",
            "unannounced": True,
            "recommendation_ids": [],
            "needs": [],
            "note": "",
            "reason": "",
        }
    out = {
        name: (form.get(name) or "").strip()
        for name in ("region", "facility_id", "month", "starts_on", "ends_on", "kind", "note", "reason")
    }
    out["unannounced"] = values.flag(form, "unannounced")
    out["recommendation_ids"] = values.ids(form, "recommendation_ids")
    out["needs"] = form.getlist("needs")
    return out


def visit_input(v: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(service arguments, errors of dates that cannot be read)."""
    errors: dict[str, list[str]] = {}
    parsed = {}
    for name in ("starts_on", "ends_on"):
        parsed[name] = dates.parse(v[name]) if v[name] else None
        if v[name] and parsed[name] is None:
            from ..forms.jsonschema_form import date_message

            errors[name] = [date_message()]
    return (
        {
            "facility_id": values.integer(v["facility_id"]) or 0,
            "month": values.integer(v["month"]),
            "starts_on": parsed["starts_on"],
            "ends_on": parsed["ends_on"],
            "kind": v["kind"],
            "unannounced": v["unannounced"],
            "recommendation_ids": v["recommendation_ids"],
            "note": v["note"],
        },
        errors,
    )


def group_values(form, visit) -> list[dict[str, Any]]:
    if not form:
        rows = [
            {"monitor_id": str(m.monitor_id), "role": m.role, "expertise": m.expertise or ""}
            for m in visit.members
        ]
    else:
        rows = []
        index = 0
        while f"members-{index}-monitor_id" in form:
            rows.append(
                {
                    "monitor_id": form.get(f"members-{index}-monitor_id", ""),
                    "role": form.get(f"members-{index}-role", ""),
                    "expertise": form.get(f"members-{index}-expertise", ""),
                }
            )
            index += 1
    filled = [r for r in rows if r["monitor_id"]]
    blank = {"monitor_id": "", "role": "monitor", "expertise": ""}
    return filled + [dict(blank) for _ in range(max(4 - len(filled), 1))]


def group_input(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"monitor_id": int(r["monitor_id"]), "role": r["role"], "expertise": r["expertise"] or None}
        for r in rows
        if r["monitor_id"].isdigit()
    ]


SAFETY_FIELDS = ("military_contact", "shelter_note", "communication_note", "evacuation_route")
SAFETY_FLAGS = ("military_coordination", "shelter", "communication")


def safety_values(form, check=None) -> dict[str, Any]:
    if check is not None and not form:
        return {
            **{n: getattr(check, n) for n in SAFETY_FIELDS},
            **{n: getattr(check, n) for n in SAFETY_FLAGS},
        }
    out: dict[str, Any] = {n: (form.get(n) or "").strip() for n in SAFETY_FIELDS}
    out.update({n: values.flag(form, n) for n in SAFETY_FLAGS})
    return out
