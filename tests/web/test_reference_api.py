"""Reference data in the API: the codes a client needs, in Ukrainian and English; ISO 3166-2:UA
region codes accepted beside ours; the OpenAPI document says where each code list applies."""

from __future__ import annotations


def test_regions_come_with_both_names_and_their_iso_code(api):
    response = api["lawyer"].get("/api/v1/regions")
    assert response.status_code == 200
    regions = {r["code"]: r for r in response.json}
    assert len(regions) == 27
    assert regions["lviv"] == {
        "code": "lviv",
        "name_uk": "Львівська область",
        "name_en": "Lviv Oblast",
        "iso_3166_2": "UA-46",
    }
    assert regions["kyiv_city"]["iso_3166_2"] == "UA-30"
    assert regions["crimea"]["iso_3166_2"] == "UA-43"
    assert len({r["iso_3166_2"] for r in regions.values()}) == 27


def test_code_lists_in_ukrainian_and_english(api):
    severities = api["monitor"].get("/api/v1/severities").json
    assert severities == [
        {"code": "critical", "name_uk": "Критична", "name_en": "Critical"},
        {"code": "high", "name_uk": "Висока", "name_en": "High"},
        {"code": "medium", "name_uk": "Середня", "name_en": "Medium"},
        {"code": "low", "name_uk": "Низька", "name_en": "Low"},
    ]
    kinds = {k["code"]: k for k in api["monitor"].get("/api/v1/facility-kinds").json}
    assert kinds["pretrial_detention"]["name_en"] == "Pre-trial detention centre"
    assert kinds["pretrial_detention"]["name_uk"] == "Слідчий ізолятор (СІЗО)"
    statuses = [s["code"] for s in api["lawyer"].get("/api/v1/statuses").json]
    assert statuses[:4] == ["draft", "awaiting_receipt", "awaiting_reply", "reply_overdue"]
    assert statuses[-2:] == ["implemented", "closed"]
    roles = {r["code"]: r["name_uk"] for r in api["lawyer"].get("/api/v1/roles").json}
    assert roles["lawyer"] == "Юрист"
    categories = {c["code"] for c in api["lawyer"].get("/api/v1/categories").json}
    assert {"material_conditions", "health_care", "legal_safeguards"} <= categories


def test_a_facility_can_be_created_and_found_by_its_iso_region_code(api, world):
    response = api["admin"].post(
        "/api/v1/facilities",
        json={
            "name_uk": "Слідчий ізолятор у Львові",
            "kind": "pretrial_detention",
            "region": "UA-46",
            "authority_id": world.colony_admin.id,
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["region"] == "lviv"
    assert response.json["region_iso"] == "UA-46"
    found = api["admin"].get("/api/v1/facilities?region=UA-46&kind=pretrial_detention").json
    assert [f["name_uk"] for f in found] == ["Слідчий ізолятор у Львові"]
    unknown = api["admin"].post(
        "/api/v1/facilities",
        json={"name_uk": "Невідоме", "kind": "pretrial_detention", "region": "UA-99", "authority_id": 1},
    )
    assert unknown.status_code == 422
    assert "region" in unknown.json["error"]["fields"]


def test_the_openapi_document_names_the_code_lists(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    for route in ("regions", "facility-kinds", "categories", "severities", "statuses", "roles"):
        assert f"/api/v1/{route}" in paths
    facility_in = spec["components"]["schemas"]["FacilityIn"]["properties"]
    assert "GET /api/v1/regions" in facility_in["region"]["description"]
    assert "UA-32" in facility_in["region"]["description"]
    assert "GET /api/v1/facility-kinds" in facility_in["kind"]["description"]
    recommendation_in = spec["components"]["schemas"]["RecommendationIn"]["properties"]
    assert recommendation_in["severity"]["enum"] == ["critical", "high", "medium", "low"]
    task_query = next(p for p in paths["/api/v1/tasks"]["get"]["parameters"] if p["name"] == "region")
    assert "ISO 3166-2:UA" in task_query["description"]
