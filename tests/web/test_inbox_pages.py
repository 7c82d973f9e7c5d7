"""The lawyers' inbox: filters as bookmarkable GET parameters, counts beside them, sorting, paging,
search, due badges, and claiming, returning and handing over tasks."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engine.models import AuditEvent, HumanTask

from .conftest import Pages, text


@pytest.fixture
def inbox(scenario, world):
    """Three places in three regions; on Thursday 26.11 one draft is overdue (critical: due Wednesday
    25.11, 09:00), one due on Monday 30.11 (high: five days land on Saturday, the working morning is
    Monday) and one on Thursday 03.12."""
    _kharkiv, kharkiv_admin, kharkiv_finding = scenario.place(
        region="kharkiv",
        kind="pretrial_detention",
        name_uk="Харківський слідчий ізолятор",
        name_en="Kharkiv SIZO",
    )
    _odesa, odesa_admin, odesa_finding = scenario.place(
        region="odesa",
        kind="psychiatric_hospital",
        name_uk="Одеська обласна психіатрична лікарня",
        name_en="Odesa Psychiatric Hospital",
        parent=world.ministry,
    )
    recs = {"colony": scenario.recommendation("Забезпечити ВЕНТИЛЯЦІЮ камер карантину.", severity="critical")}
    scenario.clock.advance(minutes=1)
    recs["sizo"] = scenario.recommendation(
        "Забезпечити конфіденційність медичних оглядів.",
        severity="high",
        finding_id=kharkiv_finding.id,
        authority=kharkiv_admin,
    )
    scenario.clock.advance(minutes=1)
    recs["hospital"] = scenario.recommendation(
        "Облаштувати прогулянкові дворики навісами.",
        severity="medium",
        finding_id=odesa_finding.id,
        authority=odesa_admin,
    )
    scenario.clock.advance(days=3)  # Thursday 26.11.2026, 09:00 Kyiv
    return {**recs, "clock": scenario.clock}


def numbers(response) -> list[str]:
    return re.findall(r'class="rec-number"[^>]*>([^<]+)<', response.get_data(as_text=True))


def test_the_inbox_lists_my_groups_tasks_with_names_places_and_due_badges(lawyer, inbox):
    response = lawyer.get("/inbox")
    assert response.status_code == 200
    page = text(response)
    assert numbers(response) == [inbox["colony"].number, inbox["sizo"].number, inbox["hospital"].number]
    assert "Підготувати акт реагування" in page
    assert "Львівська виправна колонія № 48" in page and "Харківський слідчий ізолятор" in page
    assert "Адміністрація Львівської виправної колонії № 48" in page
    assert "Прострочено на 1 день" in page and "Залишилось 4 дні" in page and "Залишилось 7 днів" in page
    assert "25.11.2026" in page  # dates as the Office writes them, in Kyiv time
    assert "Усі 3" in page and "Мої завдання 0" in page and "Завдання групи 3" in page
    assert "Прострочені 1" in page and "Строк цього тижня 0" in page


def test_filters_are_get_parameters_and_the_counts_follow_the_other_filters(lawyer, inbox, world):
    assert numbers(lawyer.get("/inbox?overdue=1")) == [inbox["colony"].number]
    assert numbers(lawyer.get("/inbox?week=1")) == []
    assert numbers(lawyer.get("/inbox?region=odesa")) == [inbox["hospital"].number]
    assert numbers(lawyer.get("/inbox?kind=pretrial_detention")) == [inbox["sizo"].number]
    assert numbers(lawyer.get("/inbox?severity=critical")) == [inbox["colony"].number]
    assert numbers(lawyer.get(f"/inbox?authority={world.colony_admin.id}")) == [inbox["colony"].number]
    assert len(numbers(lawyer.get("/inbox?task=draft_act"))) == 3
    assert numbers(lawyer.get("/inbox?task=approve_act")) == []
    # Search is case-insensitive in Cyrillic too, and finds numbers.
    assert numbers(lawyer.get("/inbox?q=вентиляцію")) == [inbox["colony"].number]
    assert numbers(lawyer.get(f"/inbox?q={inbox['sizo'].number[-4:]}")) == [inbox["sizo"].number]
    filtered = text(lawyer.get("/inbox?region=kharkiv"))
    assert "Усі 1" in filtered and "Прострочені 0" in filtered and "Строк цього тижня 0" in filtered
    # On Monday 30.11, before 09:00, the week holds the Kharkiv draft and the Odesa one (03.12).
    inbox["clock"].advance(days=4, hours=-1)
    assert numbers(lawyer.get("/inbox?week=1")) == [inbox["sizo"].number, inbox["hospital"].number]
    # Nonsense is ignored rather than an error.
    assert (
        lawyer.get("/inbox?scope=everything&page=x&sort=drop&severity=huge&authority=abc").status_code == 200
    )


def test_the_filter_links_keep_the_other_filters(lawyer, inbox):
    page = lawyer.get("/inbox?region=lviv&sort=-due").get_data(as_text=True)
    assert 'href="/inbox?scope=mine&amp;region=lviv&amp;sort=-due"' in page
    assert 'href="/inbox?overdue=1&amp;region=lviv&amp;sort=-due"' in page


def test_sorting_by_due_date_both_ways_and_by_severity(lawyer, inbox):
    order = [inbox["colony"].number, inbox["sizo"].number, inbox["hospital"].number]
    assert numbers(lawyer.get("/inbox?sort=due")) == order
    assert numbers(lawyer.get("/inbox?sort=-due")) == order[::-1]
    assert numbers(lawyer.get("/inbox?sort=severity")) == order
    assert numbers(lawyer.get("/inbox?sort=-created")) == order[::-1]


def test_paging(lawyer, scenario):
    for i in range(27):
        scenario.recommendation(f"Рекомендація номер {i:02d} щодо умов тримання.", severity="low")
    first = lawyer.get("/inbox")
    assert len(numbers(first)) == 25 and "Сторінка 1 з 2" in text(first)
    second = lawyer.get("/inbox?page=2")
    assert len(numbers(second)) == 2 and "Сторінка 2 з 2" in text(second)
    assert not set(numbers(first)) & set(numbers(second))
    assert len(numbers(lawyer.get("/inbox?per_page=50"))) == 27


def test_claim_then_unclaim_from_the_inbox(lawyer, inbox, db, world):
    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.instance_id == inbox["colony"].process_instance_id)
    )
    response = lawyer.post(f"/tasks/{task.id}/claim", {"next": "/inbox?overdue=1"})
    assert response.headers["Location"] == "/inbox?overdue=1"
    page = text(lawyer.get("/inbox?overdue=1"))
    assert "Завдання взято в роботу." in page and "Ваше" in page and "Мої завдання 1" in page
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).assignee == world.users["lawyer"].actor
    assert numbers(lawyer.get("/inbox?scope=mine")) == [inbox["colony"].number]

    lawyer.post(f"/tasks/{task.id}/unclaim", {"next": "/inbox"})
    assert "Завдання повернуто в чергу групи." in text(lawyer.get("/inbox"))
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).assignee is None


def test_a_task_a_colleague_holds_cannot_be_claimed(app, lawyer, inbox, db, world):
    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.instance_id == inbox["sizo"].process_instance_id)
    )
    colleague = Pages(app.test_client()).as_(world, "lawyer2")
    colleague.post(f"/tasks/{task.id}/claim")
    page = text(lawyer.get("/inbox"))
    assert "У роботі: Петро Юрист" in page
    lawyer.post(f"/tasks/{task.id}/claim", {"next": "/inbox"})
    assert "Це завдання вже взяв у роботу хтось інший. Оновіть сторінку." in text(lawyer.get("/inbox"))


def test_hand_over_to_a_colleague_needs_a_reason(lawyer, inbox, db, world):
    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.instance_id == inbox["colony"].process_instance_id)
    )
    form = lawyer.get(f"/tasks/{task.id}/reassign?next=/inbox")
    page = text(form)
    assert "Передати завдання колезі" in page and "Петро Юрист" in page and "Ірина Керівник" in page
    assert "Громадський монітор" not in page  # only people who may work on the task are offered
    lawyer2 = world.users["lawyer2"]
    refused = lawyer.post(
        f"/tasks/{task.id}/reassign",
        {"to_user_id": str(lawyer2.id), "reason": "", "version": str(task.version)},
    )
    assert refused.status_code == 422
    assert "Зазначте, чому ви передаєте завдання." in text(refused)
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    done = lawyer.post(
        f"/tasks/{task.id}/reassign",
        {
            "to_user_id": str(lawyer2.id),
            "reason": "Відпустка",
            "version": str(task.version),
            "next": "/inbox",
        },
    )
    assert done.status_code == 302 and done.headers["Location"] == "/inbox"
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).assignee == lawyer2.actor
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "task_reassigned"))
    assert event.details["reason"] == "Відпустка" and event.actor == world.users["lawyer"].actor
    assert "Завдання передано." in text(lawyer.get("/inbox"))


def test_an_authority_official_is_sent_to_the_authoritys_own_site_not_the_inbox(app, scenario, world, inbox):
    """Officials answer on /portal (issue 16): the lawyers' inbox refuses them."""
    scenario.send_act(inbox["colony"])
    official = Pages(app.test_client()).as_(world, "authority")
    assert official.get("/").headers["Location"] == "/portal"
    refused = official.get("/inbox")
    assert refused.status_code == 403 and "Це сторінки Офісу" in text(refused)
    assert f"Рекомендація {inbox['colony'].number}" in text(official.get("/portal"))
    other = Pages(app.test_client()).as_(world, "other_authority")
    assert f"Рекомендація {inbox['colony'].number}" not in text(other.get("/portal"))


def test_english_inbox(lawyer, inbox):
    lawyer.post("/language", {"language": "en"})
    page = text(lawyer.get("/inbox"))
    assert "Draft the act of response" in page
    assert "1 day overdue" in page and "4 days left" in page and "7 days left" in page
    assert "Lviv Penal Colony No. 48" in page
