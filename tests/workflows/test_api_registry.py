"""The registry and visits through the REST API: who may add what, and clear errors for bad input."""

from __future__ import annotations


def test_authorities_and_facilities(api, world):
    listed = api["lawyer"].get("/api/v1/authorities?level=central_body").json
    assert {a["code"] for a in listed} >= {"MOJ", "NPU", "MOH", "MSP", "MOD", "DPSU", "DMS", "MON", "POW_HQ"}

    body = {
        "code": "DKVS-EAST",
        "name_uk": "Східне міжрегіональне управління",
        "level": "regional_body",
        "parent_id": world.ministry.id,
        "emails": ["east@example.gov.ua"],
    }
    assert api["lawyer"].post("/api/v1/authorities", body).status_code == 403
    created = api["admin"].post("/api/v1/authorities", body)
    assert created.status_code == 201 and created.json["parent_id"] == world.ministry.id
    again = api["admin"].post("/api/v1/authorities", body)
    assert again.status_code == 422 and again.json["error"]["fields"]["code"] == [
        "Орган із таким кодом уже існує."
    ]
    bad = api["admin"].post(
        "/api/v1/authorities", {**body, "code": "X", "level": "galaxy", "emails": ["nope"], "extra": 1}
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"code", "level", "emails.0", "extra"}

    facility = {
        "name_uk": "Харківський СІЗО",
        "kind": "pretrial_detention",
        "region": "kharkiv",
        "authority_id": created.json["id"],
        "in_hostilities_area": True,
        "access_note": "Лише за погодженням з ОВА.",
    }
    made = api["admin"].post("/api/v1/facilities", facility)
    assert made.status_code == 201 and made.json["in_hostilities_area"] is True
    assert made.json["region_name"] == "Харківська область"
    wrong = api["admin"].post("/api/v1/facilities", {**facility, "kind": "spaceship", "region": "atlantis"})
    assert wrong.status_code == 422 and set(wrong.json["error"]["fields"]) == {"kind", "region"}
    by_region = api["lawyer"].get("/api/v1/facilities?region=kharkiv").json
    assert [f["name_uk"] for f in by_region] == ["Харківський СІЗО"]


def test_visits_findings_and_monitor_scope(api, world):
    visit = api["monitor"].post(
        "/api/v1/visits",
        {
            "facility_id": world.facility_id,
            "kind": "ad_hoc",
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-20",
            "access_problems": "Не допустили до медичної частини.",
            "members": [
                {"name": "Громадський монітор", "role": "monitor", "user_id": world.users["monitor"].id}
            ],
        },
    )
    assert visit.status_code == 201, visit.json
    finding = api["monitor"].post(
        f"/api/v1/visits/{visit.json['id']}/findings",
        {
            "text": "Медична частина не має ліцензії.",
            "category": "health_care",
            "severity": "high",
            "evidence": ["фото 12", "пояснення лікаря"],
        },
    )
    assert finding.status_code == 201 and finding.json["evidence"] == ["фото 12", "пояснення лікаря"]
    assert [v["id"] for v in api["monitor"].get("/api/v1/visits").json] == [visit.json["id"], world.visit_id]
    assert len(api["lawyer"].get("/api/v1/visits").json) == 2
    assert api["authority"].get("/api/v1/visits").json == []
    assert (
        api["authority"].get(f"/api/v1/visits/{visit.json['id']}").status_code == 404
    )  # hidden answers like missing

    reversed_dates = api["lawyer"].post(
        "/api/v1/visits",
        {
            "facility_id": world.facility_id,
            "kind": "regular",
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-19",
        },
    )
    assert reversed_dates.status_code == 422 and "ends_on" in reversed_dates.json["error"]["fields"]
    malformed = api["lawyer"].post(
        "/api/v1/visits",
        {
            "facility_id": "one",
            "kind": "regular",
            "starts_on": "20.11.2026",
            "ends_on": "2026-11-20",
            "members": [{"name": "", "role": "boss"}],
        },
    )
    assert malformed.status_code == 422
    fields = malformed.json["error"]["fields"]
    assert fields["facility_id"] == ["Введіть ціле число."]
    assert fields["starts_on"] == ["Введіть правильну дату (РРРР-ММ-ДД)."]
    assert set(fields) >= {"members.0.name", "members.0.role"}
    assert (
        api["authority"]
        .post(
            "/api/v1/recommendations",
            {
                "finding_id": finding.json["id"],
                "authority_id": world.colony_admin.id,
                "text": "Отримати ліцензію.",
                "severity": "high",
                "category": "health_care",
            },
        )
        .status_code
        == 403
    )


def test_users_and_me(api, world):
    lawyers = api["lawyer"].get("/api/v1/users?role=lawyer").json
    assert {u["name"] for u in lawyers} == {"Олена Юрист", "Петро Юрист"}
    assert api["authority"].get("/api/v1/users").status_code == 403
    me = api["authority"].get("/api/v1/me").json
    assert me["role"] == "authority" and me["authority_id"] == world.colony_admin.id
    assert api["lawyer"].get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_hostile_input_is_a_clear_error_never_a_crash(api, world):
    lawyer = api["lawyer"]
    broken = lawyer.post("/api/v1/recommendations", data="{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"]["code"] == "bad_request"
    listed = lawyer.post("/api/v1/recommendations", data="[1, 2]", content_type="application/json")
    assert listed.status_code == 422 and listed.json["error"]["fields"] == {
        "_form": ["Тіло запиту має бути об'єктом JSON."]
    }
    huge = lawyer.post(
        "/api/v1/recommendations",
        {
            "finding_id": 10**30,
            "authority_id": -(10**20),
            "text": "Достатньо довгий текст.",
            "severity": "high",
            "category": "other",
        },
    )
    assert huge.status_code == 422
    assert huge.json["error"]["fields"]["finding_id"] == ["Значення має бути від -2147483648 до 2147483647."]
    assert lawyer.get("/api/v1/recommendations/99999999999999999999").status_code == 404
    assert lawyer.get("/api/v1/tasks/%27;drop%20table").status_code == 404
    nul_path = lawyer.get("/api/v1/tasks/%00%27;drop")
    assert nul_path.status_code == 400 and nul_path.json["error"]["fields"] == {
        "_path": ["Видаліть символ NUL (U+0000)."]
    }
    nul_text = lawyer.post(
        "/api/v1/visits",
        {
            "facility_id": world.facility_id,
            "kind": "regular",
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-20",
            "members": [{"name": "Ім\u0000я", "role": "staff"}],
        },
    )
    assert nul_text.status_code == 400 and list(nul_text.json["error"]["fields"]) == ["members.0.name"]
    nul_query = lawyer.get("/api/v1/recommendations?q=%00")
    assert nul_query.status_code == 400 and list(nul_query.json["error"]["fields"]) == ["q"]
    paging = lawyer.get("/api/v1/recommendations?per_page=100000&page=0")
    assert paging.status_code == 422 and paging.json["error"]["fields"] == {
        "page": ["Значення має бути не менше 1."],
        "per_page": ["Значення має бути від 1 до 200."],
    }
