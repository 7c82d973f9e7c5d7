"""Open data (відкриті дані), schema version 1: the published recommendations and the figures, as
JSON and CSV. Field names and meanings are a contract (docs/REPORTS.md, /public/data/v1/schema.json):
a version adds fields, never renames or drops one; a breaking change gets /public/data/v2/."""

from __future__ import annotations

from typing import Any

from ..recommendations.models import OUTCOMES, STATUSES
from ..visits.models import FINDING_CATEGORIES, SEVERITIES
from .snapshot import SCHEMA_VERSION

LICENCE = "CC BY 4.0"
CODES = {
    # The domain's own lists, named once (workflows/recommendations, workflows/visits).
    "status": " | ".join(STATUSES),
    "severity": " | ".join(SEVERITIES),
    "category": " | ".join(FINDING_CATEGORIES),
    "outcome": " | ".join((*OUTCOMES, "null")),
    "reply": "in_term | late | no_reply | pending (the first reply to the first act of response)",
    "escalation_kind": "repeat_request | superior_authority | protocol | court",
    "court_decision": (
        "offender_liable | closed_limitation | closed_no_offence | returned_for_revision | other | null"
    ),
}

CSV_COLUMNS = (
    "id",
    "url",
    "number",
    "published_on",
    "created_on",
    "region_code",
    "region_name_uk",
    "region_name_en",
    "facility_kind_code",
    "facility_kind_name_uk",
    "facility_kind_name_en",
    "facility_name_uk",
    "facility_name_en",
    "place_withheld",
    "authority_code",
    "authority_name_uk",
    "authority_name_en",
    "category",
    "severity",
    "text",
    "status",
    "outcome",
    "closed_on",
    "act_sent_on",
    "deadline",
    "first_reply_on",
    "reply",
    "measures",
    "observations",
    "escalations",
)


def item_url(base: str, item: dict[str, Any]) -> str:
    """The recommendation's permanent address on the transparency page."""
    return f"{base.rstrip('/')}/recommendations/{item['id']}"


def recommendations_document(content: dict[str, Any], base: str) -> dict[str, Any]:
    return {
        "schema": "ombudsflow-open-data/recommendations",
        "schema_version": SCHEMA_VERSION,
        "schema_url": f"{base.rstrip('/')}/data/v1/schema.json",
        "licence": LICENCE,
        "generated_at": content["generated_at"],
        "count": len(content["items"]),
        "items": [{**item, "url": item_url(base, item)} for item in content["items"]],
    }


def figures_document(content: dict[str, Any]) -> dict[str, Any]:
    return {"schema": "ombudsflow-open-data/figures", "licence": LICENCE, **content}


def csv_row(item: dict[str, Any], base: str) -> list:
    facility = item["facility"] or {}
    return [
        item["id"],
        item_url(base, item),
        item["number"],
        item["published_on"],
        item["created_on"],
        item["region"]["code"],
        item["region"]["name_uk"],
        item["region"]["name_en"],
        item["facility_kind"]["code"],
        item["facility_kind"]["name_uk"],
        item["facility_kind"]["name_en"],
        facility.get("name_uk", ""),
        facility.get("name_en", ""),
        "true" if item["place_withheld"] else "false",
        item["authority"]["code"],
        item["authority"]["name_uk"],
        item["authority"]["name_en"],
        item["category"],
        item["severity"],
        item["text"],
        item["status"],
        item["outcome"] or "",
        item["closed_on"] or "",
        item["act_sent_on"] or "",
        item["deadline"] or "",
        item["first_reply_on"] or "",
        item["reply"] or "",
        " | ".join(f"{m['reported_on']}: {m['text']}" for m in item["measures"]),
        " | ".join(f"{o['observed_on']}: {o['text']}" for o in item["observations"]),
        " | ".join(
            f"{e['on']}: {e['kind']}" + (f" ({e['court_decision']})" if e["court_decision"] else "")
            for e in item["escalations"]
        ),
    ]


def _string(description: str, nullable: bool = False) -> dict:
    return {"type": ["string", "null"] if nullable else "string", "description": description}


_NAMED = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "name_uk": {"type": "string"}, "name_en": {"type": "string"}},
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "NPM recommendations made public (Ombudsflow open data), version 1",
    "description": "Dates are Kyiv calendar days (YYYY-MM-DD). No personal data: no names of detainees, "
    "monitors, staff or officials. Places in areas of hostilities may be given at the oblast only "
    "(facility null, place_withheld true) or left out.",
    "type": "object",
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "licence": {"type": "string"},
        "generated_at": _string("when these data were prepared (ISO 8601, UTC)"),
        "count": {"type": "integer"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "url", "number", "text", "status", "region", "authority"],
                "properties": {
                    "id": {"type": "integer", "description": "stable identifier"},
                    "url": _string("permanent address of the recommendation on the transparency page"),
                    "number": _string("the recommendation's number, e.g. Р-2026-0007"),
                    "published_on": _string("the day management made it public"),
                    "created_on": _string("the day the recommendation was made"),
                    "text": _string("the recommendation"),
                    "category": _string(CODES["category"]),
                    "severity": _string(CODES["severity"]),
                    "status": _string(CODES["status"]),
                    "outcome": _string(CODES["outcome"], nullable=True),
                    "closed_on": _string("the day the follow-up ended", nullable=True),
                    "region": {**_NAMED, "description": "oblast (область), Crimea, Kyiv or Sevastopol"},
                    "facility_kind": {**_NAMED, "description": "kind of place of deprivation of liberty"},
                    "facility": {
                        "type": ["object", "null"],
                        "properties": {"name_uk": {"type": "string"}, "name_en": {"type": "string"}},
                        "description": "the place; null when withheld (area of hostilities)",
                    },
                    "place_withheld": {"type": "boolean"},
                    "authority": {
                        **_NAMED,
                        "description": "the authority the recommendation was addressed to",
                    },
                    "act_sent_on": _string("the day the first act of response was sent", nullable=True),
                    "deadline": _string("the statutory deadline of the first act", nullable=True),
                    "first_reply_on": _string("the day the first reply came", nullable=True),
                    "reply": _string(CODES["reply"], nullable=True),
                    "measures": {
                        "type": "array",
                        "description": "the measures the authority reported, as it reported them",
                        "items": {
                            "type": "object",
                            "properties": {"reported_on": {"type": "string"}, "text": {"type": "string"}},
                        },
                    },
                    "observations": {
                        "type": "array",
                        "description": "civil-society monitors' observations management published",
                        "items": {
                            "type": "object",
                            "properties": {"observed_on": {"type": "string"}, "text": {"type": "string"}},
                        },
                    },
                    "escalations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "kind": _string(CODES["escalation_kind"]),
                                "on": {"type": "string"},
                                "court_decision": _string(CODES["court_decision"], nullable=True),
                                "decided_on": _string("", nullable=True),
                            },
                        },
                    },
                },
            },
        },
    },
}
