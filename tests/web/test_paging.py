"""Long lists: counts stop at the cap and say so; keyset cursors walk a list without skipping or
repeating a row, in every order, and a broken cursor is a field error."""

from __future__ import annotations

import pytest

from tests.web.conftest import text
from workflows import paging

TEXTS = [
    "Забезпечити вентиляцію камер карантину.",
    "Облаштувати навіси у прогулянкових двориках.",
    "Забезпечити доступ до питної води цілодобово.",
    "Привести освітлення камер до санітарних норм.",
    "Забезпечити конфіденційність медичних оглядів.",
]


@pytest.fixture
def recommendations(world, db, clock):
    from workflows.recommendations import services

    made = []
    for i, body in enumerate(TEXTS):
        clock.advance(hours=1)
        made.append(
            services.create(
                finding_id=world.finding_id,
                authority_id=world.colony_admin.id,
                text=body,
                severity=("critical", "high", "medium", "low", "high")[i],
                category="material_conditions",
                user=world.users["lawyer"],
            )
        )
    db.session.commit()
    return made


def walk(api, url: str) -> tuple[list, list[dict]]:
    """Every item of a list, following `next_cursor`; and each page's body."""
    items, pages = [], []
    response = api.get(url)
    while True:
        assert response.status_code == 200, response.json
        pages.append(response.json)
        items.extend(response.json["items"])
        cursor = response.json["next_cursor"]
        if cursor is None:
            return items, pages
        response = api.get(f"{url}&cursor={cursor}")


@pytest.mark.parametrize("sort", ["due", "-due", "created", "-created", "severity"])
def test_the_inbox_cursor_walks_every_task_once_in_order(api, recommendations, sort):
    lawyer = api["lawyer"]
    everything = lawyer.get(f"/api/v1/tasks?sort={sort}&per_page=200").json
    assert everything["total"] == 5 and everything["next_cursor"] is None
    items, pages = walk(lawyer, f"/api/v1/tasks?sort={sort}&per_page=2")
    assert [t["id"] for t in items] == [t["id"] for t in everything["items"]]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert all(p["total"] == 5 and p["total_capped"] is False for p in pages)


def test_the_recommendation_cursor_walks_newest_first(api, recommendations):
    items, pages = walk(api["lawyer"], "/api/v1/recommendations?per_page=2")
    assert [r["number"] for r in items] == [r.number for r in reversed(recommendations)]
    assert len(pages) == 3
    high, _ = walk(api["lawyer"], "/api/v1/recommendations?per_page=1&severity=high")
    assert [r["number"] for r in high] == [recommendations[4].number, recommendations[1].number]


def test_counts_stop_at_the_cap_and_say_so(api, recommendations, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    tasks = api["lawyer"].get("/api/v1/tasks?per_page=2").json
    assert tasks["total"] == 3 and tasks["total_capped"] is True
    assert tasks["counts"]["all"] == 3 and "all" in tasks["counts_capped"]
    assert tasks["counts"]["mine"] == 0 and "mine" not in tasks["counts_capped"]
    assert tasks["pages"] == 2
    recs = api["lawyer"].get("/api/v1/recommendations?per_page=2").json
    assert (recs["total"], recs["total_capped"], recs["pages"]) == (3, True, 2)
    exact = api["lawyer"].get("/api/v1/recommendations?severity=high").json
    assert (exact["total"], exact["total_capped"]) == (2, False)


def test_a_capped_count_reads_as_more_than_on_the_pages(lawyer, recommendations, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    page = text(lawyer.get("/recommendations"))
    assert "Понад 3 рекомендації" in page
    inbox = text(lawyer.get("/inbox"))
    assert "Понад 3 завдання" in inbox


def test_a_broken_cursor_is_a_field_error(api, recommendations):
    for url in ("/api/v1/tasks?cursor=not-a-cursor", "/api/v1/recommendations?cursor=WyJ4Il0"):
        response = api["lawyer"].get(url)
        assert response.status_code == 422
        assert list(response.json["error"]["fields"]) == ["cursor"]


def test_a_text_search_counts_to_its_own_smaller_cap(api, recommendations, monkeypatch):
    monkeypatch.setattr(paging, "SEARCH_COUNT_CAP", 1)
    found = api["lawyer"].get("/api/v1/recommendations?q=забезпечити").json
    assert (found["total"], found["total_capped"]) == (1, True)
    assert len(found["items"]) == 3  # the page itself is not capped
    tasks = api["lawyer"].get("/api/v1/tasks?q=забезпечити").json
    assert (tasks["total"], tasks["total_capped"], tasks["counts"]["all"]) == (1, True, 1)
    plain = api["lawyer"].get("/api/v1/recommendations").json
    assert (plain["total"], plain["total_capped"]) == (5, False)
