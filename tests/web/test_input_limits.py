"""Limits before work (issue 21): every hostile input answers 4xx with the standard error body.

The six 5xx the attack found, each with its test: nested JSON before sign-in, NaN/Infinity/lone
surrogates in draft data, a lone surrogate in a finding's text, a 5,000-digit integer in draft
data, CR/LF in `next=` after sign-in (and in /language), a form JSON nested 100,000 deep in a
deployment (tests/engine/test_deployment_limits.py). Plus the size limit, read from the
Content-Length header before the body is.
"""

from __future__ import annotations

import json

import pytest

from .conftest import PASSWORD, Pages

FINDINGS = "/api/v1/visits/{visit}/findings"


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    return body["error"]


def _raw(api, path: str, body: str | bytes):
    return api.client.post(path, data=body, headers={**api.headers, "Content-Type": "application/json"})


def test_deeply_nested_json_before_sign_in_is_refused_unread(client, app):
    body = "[" * 100_000 + "]" * 100_000
    error = _error(client.post("/api/v1/visits", data=body, content_type="application/json"), 401)
    assert error["code"] == "unauthorized"


def test_deeply_nested_json_after_sign_in_is_a_400(api, world):
    body = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    error = _error(_raw(api["monitor"], FINDINGS.format(visit=world.visit_id), body), 400)
    assert "nested 100,001 deep" in error["message"]


def test_an_anonymous_big_body_is_refused_by_its_length(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        "/api/v1/visits", data=b"[" + b"1," * 10_000 + b"1]", content_type="application/json"
    )
    error = _error(response, 413)
    assert error["code"] == "too_large"


def test_the_size_limit_holds_for_signed_in_callers_too(api, world, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    body = json.dumps({"text": "x" * 5000, "category": "health_care", "severity": "high"})
    _error(_raw(api["monitor"], FINDINGS.format(visit=world.visit_id), body), 413)


def test_upload_routes_take_the_larger_limit(client, app):
    views = app.view_functions
    marked = sorted(name for name, view in views.items() if getattr(view, "ombudsflow_upload", False))
    assert marked == ["designer.import_diagram", "registries.import_page"]
    assert app.config["OMBUDSFLOW_MAX_UPLOAD_BYTES"] > app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    big = {"file": (__import__("io").BytesIO(b"<x/>" * 2000), "big.bpmn")}
    assert client.post("/designer/import", data=big, content_type="multipart/form-data").status_code != 413
    app.config["OMBUDSFLOW_MAX_UPLOAD_BYTES"] = 2048
    big = {"file": (__import__("io").BytesIO(b"<x/>" * 2000), "big.bpmn")}
    assert client.post("/designer/import", data=big, content_type="multipart/form-data").status_code == 413


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ('"\\ud800 in text"', "text", "lone surrogate"),
        ('"ok", "evidence": ["\\udfff"]', "evidence.0", "lone surrogate"),
        ("NaN", "_body", "NaN"),
        ("Infinity", "_body", "Infinity"),
        ("-Infinity", "_body", "Infinity"),
        ("1" * 5000, "_body", "5,000 characters"),
        ("1e999", "text", "NaN and Infinity"),
    ],
)
def test_hostile_values_in_a_finding_are_400_with_the_field(api, world, text, field, reason):
    body = '{"category": "health_care", "severity": "high", "text": ' + text + "}"
    error = _error(_raw(api["monitor"], FINDINGS.format(visit=world.visit_id), body), 400)
    assert reason in error["message"]
    assert field in error["fields"], error


@pytest.mark.parametrize(
    "value", ['"\\ud800"', "NaN", "Infinity", "9" * 5000, "[" * 5000 + "]" * 5000, '"a\\u0000b"']
)
def test_hostile_draft_data_is_a_400(api, world, value):
    # The body is refused before the view looks the task up: any task id shows it.
    task_id = "00000000-0000-0000-0000-000000000000"
    body = '{"data": {"note": ' + value + "}}"
    error = _error(_raw(api["lawyer"], f"/api/v1/tasks/{task_id}/draft", body), 400)
    assert error["code"] == "bad_request"


def test_invalid_json_is_a_400(api, world):
    error = _error(_raw(api["monitor"], FINDINGS.format(visit=world.visit_id), b"{\xff"), 400)
    assert error["code"] == "bad_request"


@pytest.mark.parametrize(
    "target",
    [
        "/inbox%0D%0ASet-Cookie:%20x=1",
        "/%0Aevil",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
    ],
)
def test_next_after_sign_in_never_leaves_the_site_or_splits_headers(client, world, target):
    pages = Pages(client)
    pages.get("/login")
    response = pages.post(
        f"/login?next={target}", {"email": world.users["lawyer"].email, "password": PASSWORD}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location and "evil" not in location
    assert location.startswith("/")


@pytest.mark.parametrize("target", ["/inbox\r\nSet-Cookie: x=1", "/\nx", "/\\evil.example"])
def test_language_switch_redirects_safely(client, world, target):
    pages = Pages(client)
    response = pages.post("/language", {"language": "en", "next": target})
    assert response.status_code == 302
    assert "\n" not in response.headers["Location"] and "evil" not in response.headers["Location"]


def test_a_form_post_with_nul_is_a_400(client, world):
    pages = Pages(client)
    pages.get("/login")
    response = pages.post("/login", {"email": "a\x00b@example.org", "password": "x"})
    assert response.status_code == 400


def test_the_openapi_document_says_ref_code_may_be_null(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["schemas"]["Ref"]["properties"]["code"].get("nullable") is True
