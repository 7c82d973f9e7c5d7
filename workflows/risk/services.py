"""Computing and keeping the risk score of places: `bpmn/risk.dmn` (points per row that fires, summed)
and `bpmn/risk_level.dmn` (the level of a sum), both evaluated with `engine.decisions`.

Scores are refreshed for one place when the planning services change its inputs, for every place
on demand (a button, `ombudsflow risk refresh`, `POST /api/v1/risk/refresh`), and by the scheduler
when the last refresh is older than `OMBUDSFLOW_RISK_MAX_AGE` or a new table has been deployed —
time alone changes scores (deadlines pass, last visits grow older), so a stored score always says
when it was computed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from engine import audit, decisions
from engine.clock import clock
from engine.db import db, is_postgresql
from engine.errors import NotFound as EngineNotFound

from ..errors import Invalid
from ..facilities.models import Facility
from .inputs import PlaceInputs, gather
from .models import LEVELS, RiskRefresh, RiskScore

SCORE_DECISION = "risk_score"
LEVEL_DECISION = "risk_level"
_REFRESH_ROW = 1


@dataclass
class Assessment:
    score: int
    level: str
    rules: list[dict[str, Any]]
    deployment_id: int


@dataclass
class RefreshResult:
    places: int
    seconds: float
    deployment_id: int


def assess(data: dict[str, Any], deployment_id: int | None = None) -> Assessment:
    """The score of one place's inputs, with the rows that fired (the "why")."""
    found_in = deployment_id if deployment_id is not None else decisions.find(SCORE_DECISION)[0]
    result = decisions.evaluate(SCORE_DECISION, data, deployment_id=found_in)
    points = result.outputs.get("points", [])
    reasons = result.outputs.get("reason_en", [])
    rules = [
        {
            "id": rule.id,
            "row": rule.row_number,
            "description": rule.description,
            "points": int(points[i]) if i < len(points) and points[i] is not None else 0,
            "reason_en": reasons[i] if i < len(reasons) else "",
        }
        for i, rule in enumerate(result.rules)
    ]
    score = sum(rule["points"] for rule in rules)
    return Assessment(score=score, level=level_of(score, found_in), rules=rules, deployment_id=found_in)


def level_of(score: int, deployment_id: int) -> str:
    """high, medium or low for a score (bpmn/risk_level.dmn), asked once per score and deployment in
    an app context: a refresh meets the same sums thousands of times."""
    cache = g.setdefault("risk_levels", {})
    key = (score, deployment_id)
    if key not in cache:
        level = decisions.evaluate(LEVEL_DECISION, {"score": score}, deployment_id=deployment_id).outputs.get(
            "level"
        )
        cache[key] = level if level in LEVELS else "low"
    return cache[key]


def _key(data: dict[str, Any]) -> tuple:
    return tuple(sorted(data.items()))


def _assess_all(places: list[PlaceInputs], deployment_id: int) -> list[dict[str, Any]]:
    # Places with the same inputs get the same score: thousands of places share a few hundred inputs.
    memo: dict[tuple, Assessment] = {}
    now = clock.now()
    rows = []
    for place in places:
        key = _key(place.data)
        if key not in memo:
            memo[key] = assess(place.data, deployment_id)
        found = memo[key]
        rows.append(
            {
                "facility_id": place.facility_id,
                "score": found.score,
                "level": found.level,
                "inputs": {
                    **place.data,
                    "last_visit": place.last_visit.isoformat() if place.last_visit else None,
                },
                "rules": found.rules,
                "deployment_id": deployment_id,
                "computed_at": now,
            }
        )
    return rows


def _write(rows: list[dict[str, Any]]) -> None:
    """Store computed scores: rows whose score, inputs or table changed are upserted; the others only
    get the new computation time, in one statement (a refresh mostly finds nothing changed, and on
    PostgreSQL thousands of rewritten JSON rows cost more than the scoring)."""
    if not rows:
        return
    ids = [row["facility_id"] for row in rows]
    stored = {
        r.facility_id: (r.score, r.level, r.deployment_id, r.inputs)
        for r in db.session.execute(
            sa.select(
                RiskScore.facility_id,
                RiskScore.score,
                RiskScore.level,
                RiskScore.deployment_id,
                RiskScore.inputs,
            ).where(RiskScore.facility_id.in_(ids))
        )
    }
    changed = [
        row
        for row in rows
        if stored.get(row["facility_id"]) != (row["score"], row["level"], row["deployment_id"], row["inputs"])
    ]
    same = [
        row["facility_id"]
        for row in rows
        if stored.get(row["facility_id"]) == (row["score"], row["level"], row["deployment_id"], row["inputs"])
    ]
    if same:
        db.session.execute(
            sa.update(RiskScore)
            .where(RiskScore.facility_id.in_(same))
            .values(computed_at=rows[0]["computed_at"]),
            execution_options={"synchronize_session": False},
        )
    if changed:
        table = RiskScore.__table__
        insert = (postgresql if is_postgresql() else sqlite).insert(table)
        statement = insert.on_conflict_do_update(
            index_elements=[table.c.facility_id],
            set_={
                name: insert.excluded[name]
                for name in ("score", "level", "inputs", "rules", "deployment_id", "computed_at")
            },
        )
        db.session.execute(statement, changed)


def _newest_deployment() -> int | None:
    try:
        return decisions.find(SCORE_DECISION)[0]
    except EngineNotFound:
        return None


def refresh_places(facility_ids: Iterable[int]) -> int:
    """Recompute the scores of these places (their inputs changed) in the caller's transaction."""
    ids = sorted(set(facility_ids))
    deployment_id = _newest_deployment()
    if not ids or deployment_id is None:
        return 0
    rows = _assess_all(gather(clock.now(), ids), deployment_id)
    _write(rows)
    return len(rows)


def refresh_all(*, actor: str) -> RefreshResult:
    """Recompute every active place's score; places no longer active lose theirs."""
    started = time.perf_counter()
    deployment_id = _newest_deployment()
    if deployment_id is None:
        raise Invalid(_("The risk table (risk.dmn) is not deployed."), {})
    rows = _assess_all(gather(clock.now()), deployment_id)
    _write(rows)
    inactive = sa.select(Facility.id).where(Facility.active.is_(False))
    db.session.execute(sa.delete(RiskScore).where(RiskScore.facility_id.in_(inactive)))
    seconds = round(time.perf_counter() - started, 3)
    _ensure_refresh_row()
    db.session.execute(
        sa.update(RiskRefresh)
        .where(RiskRefresh.id == _REFRESH_ROW)
        .values(refreshed_at=clock.now(), deployment_id=deployment_id, places=len(rows), seconds=seconds)
    )
    audit.record(
        "risk_refreshed",
        actor=actor,
        subject="risk",
        details={"places": len(rows), "deployment_id": deployment_id, "seconds": seconds},
    )
    return RefreshResult(places=len(rows), seconds=seconds, deployment_id=deployment_id)


def _ensure_refresh_row() -> None:
    table = RiskRefresh.__table__
    insert = (postgresql if is_postgresql() else sqlite).insert(table)
    db.session.execute(
        insert.on_conflict_do_nothing(index_elements=[table.c.id]),
        {"id": _REFRESH_ROW, "refreshed_at": None, "deployment_id": None, "places": 0, "seconds": 0.0},
    )


def last_refresh() -> RiskRefresh | None:
    return db.session.get(RiskRefresh, _REFRESH_ROW)


def scheduled_refresh() -> RefreshResult | None:
    """The scheduler's job: refresh every score when they are older than `OMBUDSFLOW_RISK_MAX_AGE`
    seconds or a newer risk table is deployed. Workers claim the refresh with one conditional UPDATE
    of the `risk_refresh` row, so a single one of them recomputes (the others find it fresh)."""
    deployment_id = _newest_deployment()
    if deployment_id is None:
        return None
    _ensure_refresh_row()
    db.session.commit()
    now = clock.now()
    max_age = timedelta(seconds=int(current_app.config.get("OMBUDSFLOW_RISK_MAX_AGE", 3600)))
    claimed = db.session.execute(
        sa.update(RiskRefresh)
        .where(
            RiskRefresh.id == _REFRESH_ROW,
            sa.or_(
                RiskRefresh.refreshed_at.is_(None),
                RiskRefresh.refreshed_at < now - max_age,
                RiskRefresh.deployment_id.is_(None),
                RiskRefresh.deployment_id != deployment_id,
            ),
        )
        .values(refreshed_at=now, deployment_id=deployment_id)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return None
    result = refresh_all(actor="scheduler")
    db.session.commit()
    return result
