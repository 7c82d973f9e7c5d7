"""The REST API with a moved clock, as an acceptance tester drives it: PUT /clock, sweep, read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import clock as clock_module

from .test_api_cycle import send_act


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OMBUDSFLOW_CLOCK_ADJUSTABLE": True}


def test_moving_the_shared_clock_through_the_api(api, world, clock):
    clock.reset()  # a running clock, as on a server (the suite freezes it by default)
    rec = send_act(api, world)
    due = datetime.fromisoformat(rec["due_at"])

    later = (due + timedelta(days=2)).isoformat()
    moved = api["admin"].put("/api/v1/clock", {"now": later})
    assert moved.status_code == 200 and moved.json["adjustable"] is True
    assert api["lawyer"].put("/api/v1/clock", {"now": later}).status_code == 403

    # Another worker that has not heard of the move yet: every request reads the shared offset first.
    clock_module.clock.set_offset(timedelta(0))
    now = datetime.fromisoformat(api["lawyer"].get("/api/v1/clock").json["now"])
    assert abs(now - (due + timedelta(days=2))) < timedelta(minutes=1)

    swept = api["admin"].post("/api/v1/timers/sweep").json
    assert "alarm_timer" in [f["element_id"] for f in swept["fired"]]
    overdue = api["lawyer"].get("/api/v1/recommendations?overdue=true").json
    assert [r["id"] for r in overdue["items"]] == [rec["id"]]
    assert overdue["items"][0]["status"] == "reply_overdue"

    back = api["admin"].put("/api/v1/clock", {"now": None}).json
    assert back["offset_seconds"] == 0
    assert abs(datetime.fromisoformat(back["now"]) - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_clock_is_fixed_unless_the_deployment_allows_moving_it(api, world, app):
    app.config["OMBUDSFLOW_CLOCK_ADJUSTABLE"] = False
    refused = api["admin"].put("/api/v1/clock", {"now": "2030-01-01T00:00:00Z"})
    assert refused.status_code == 409
    assert refused.json["error"]["message"] == "У цьому розгортанні годинник не можна переводити."
    assert api["admin"].put("/api/v1/clock", {"now": "tomorrow"}).status_code == 422
