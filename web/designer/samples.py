"""Start data for test runs: what a real recommendation starts its process with, so that a designer
can step through the standard process without typing every field (see
`workflows.recommendations.services.start_data`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from engine.db import db
from engine.models import DesignDraft, TestRun

STANDARD = {
    "recommendation": {
        "recommendation_id": 0,
        "authority_id": 0,
        "addressee_id": 0,
        "facility_id": 0,
        "severity": "high",
        "category": "material_conditions",
        "lawyer_id": None,
        "outcome": None,
        "follow_up_date": None,
        "next_hearing_date": None,
        "new_due_date": None,
        "extension_until": None,
        "court_note": "",
        "assessment_note": "",
        "decision_reason": "",
    }
}


def start_data(draft: DesignDraft, process_ids: list[str]) -> dict[str, Any]:
    """The data of this draft's last test run, else the standard sample of its first process."""
    last = db.session.scalar(
        sa.select(TestRun).where(TestRun.draft_id == draft.id).order_by(TestRun.id.desc()).limit(1)
    )
    if last is not None:
        for entry in last.log or []:
            if entry.get("kind") == "started":
                return entry.get("detail", {}).get("data") or {}
    for process_id in process_ids:
        if process_id in STANDARD:
            return dict(STANDARD[process_id])
    return {}
