"""Planning in a real browser (Debian's Chromium through Playwright): a planner drafts a plan from the
risk ranking, adds a visit, submits it; management approves it from the inbox; the registry pages;
the group, the safety check and the start of a visit; and the map, photographed for people to see
(test-artifacts/planning-map.png)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from workflows.facilities import services as facilities
from workflows.monitors import services as monitors
from workflows.monitors.seed import TRAINING_MODULES
from workflows.risk import services as risk

from .test_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def planning_world(scenario, world, db):
    """Places across three oblasts (one in an area of hostilities, two of one district) and a pool."""
    made = {}
    for key, name, kind, region, district, hostile in (
        (
            "itt",
            "ІТТ ГУНП у Харківській області",
            "police_temporary_holding",
            "kharkiv",
            "Харківський район",
            True,
        ),
        ("sizo", "Харківський слідчий ізолятор", "pretrial_detention", "kharkiv", "Харківський район", False),
        (
            "psych",
            "Одеська обласна психіатрична лікарня",
            "psychiatric_hospital",
            "odesa",
            "Одеський район",
            False,
        ),
        ("pow", "Табір для військовополонених «Захід-1»", "pow_camp", "lviv", "Львівський район", False),
    ):
        made[key] = facilities.create(
            name_uk=name,
            kind=kind,
            region=region,
            district=district,
            authority_id=world.regional.id,
            in_hostilities_area=hostile,
            actor="test",
        )
    monitors.create(
        name="Олена Юрист",
        kind="staff",
        region="kharkiv",
        user_id=world.users["lawyer"].id,
        expertise=["lawyer"],
        actor="test",
    )
    doctor = monitors.create(
        name="Оксана Лікарка", kind="civil_society", region="kharkiv", expertise=["doctor"], actor="test"
    )
    monitors.create(
        name="Петро Новачок", kind="civil_society", region="kharkiv", expertise=["doctor"], actor="test"
    )
    for code, _uk, _en, required in TRAINING_MODULES:
        if required:
            monitors.record_training(doctor, module_code=code, completed_on=date(2026, 3, 1), actor="test")
    risk.refresh_all(actor="test")
    ids = {k: v.id for k, v in made.items()}
    ids.update(
        lawyer=world.users["lawyer"].email,
        lawyer_id=world.users["lawyer"].id,
        manager=world.users["manager"].email,
    )
    scenario.done()  # the browser writes next; this session holds no transaction
    return ids


def test_a_planner_drafts_a_plan_adds_a_visit_and_management_approves_it(
    page, live_server, world, planning_world, screenshot, browser
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, planning_world["lawyer"], "/plans")
    expect(page.get_by_role("heading", name="Плани моніторингових візитів")).to_be_visible()
    page.get_by_role("link", name="Новий план").click()
    page.locator("#f-year").fill("2027")
    page.locator("#f-visits").fill("3")
    page.locator("#f-per_oblast").fill("1")
    page.get_by_role("button", name="Створити план").click()
    expect(page.get_by_text("Візити плану складено за оцінкою ризиків: 3 візити.")).to_be_visible()
    expect(page.get_by_role("heading", name="План моніторингових візитів на 2027 рік")).to_be_visible()
    rows = page.locator("tr.planned-row")
    expect(rows).to_have_count(3)
    expect(page.locator("tr.planned-row", has_text="ІТТ ГУНП у Харківській області")).to_contain_text(
        "Охоплення області"
    )

    # One more visit, by hand: choosing the oblast narrows the places (htmx), the month, the kind.
    page.get_by_role("link", name="Додати візит").click()
    page.get_by_label("Регіон").select_option("kharkiv")
    expect(page.locator("#f-facility_id option")).to_have_count(3)  # "choose" + the two Kharkiv places
    page.locator("#f-facility_id").select_option(label="Харківський слідчий ізолятор")
    page.get_by_label("Місяць").select_option("5")
    page.get_by_label("Позаплановий візит").check()
    page.get_by_role("button", name="Зберегти").click()
    expect(page.get_by_text("Візит додано до плану.")).to_be_visible()
    page.get_by_role("link", name=re.compile("План моніторингових візитів на 2027 рік")).click()
    expect(rows).to_have_count(4)
    expect(page.get_by_role("heading", name="2 квартал")).to_be_visible()
    page.get_by_role("button", name="Подати на затвердження").click()
    expect(page.get_by_text("План подано керівництву на затвердження.")).to_be_visible()
    expect(page.get_by_text("План очікує на затвердження керівництвом.")).to_be_visible()
    screenshot(page, "planning-plan")

    # Management: the task is in the inbox, above the recommendations' tasks.
    manager_context = browser.new_context(
        locale="uk-UA", timezone_id="America/New_York", viewport={"width": 1366, "height": 800}
    )
    manager = manager_context.new_page()
    manager.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(manager, live_server, planning_world["manager"])
    plans = manager.locator("#plan-tasks")
    expect(plans).to_contain_text("План моніторингових візитів на 2027 рік")
    plans.get_by_role("link", name="Затвердити план візитів або зміни до нього").click()
    expect(manager.get_by_role("heading", name="Затвердити план візитів або зміни до нього")).to_be_visible()
    expect(manager.locator(".task-context")).to_contain_text("4 візити")
    manager.get_by_role("button", name="Взяти в роботу").click()
    expect(manager.get_by_text("Завдання взято в роботу.")).to_be_visible()  # the page has come back
    manager.get_by_label("Не затверджувати: план — повернути на доопрацювання, зміни — відхилити").check()
    manager.get_by_role("button", name="Завершити").click()
    expect(manager.locator("#field-approval_comment-error")).to_have_text("Обов'язкове поле.")
    manager.get_by_label("Затвердити", exact=True).check()
    manager.get_by_label("Коментар").fill("Затверджую.")
    manager.get_by_role("button", name="Завершити").click()
    expect(manager.get_by_text("«Затвердити план візитів або зміни до нього» виконано.")).to_be_visible()
    expect(manager.locator("#plan-tasks")).to_have_count(0)  # back in the inbox, nothing left to approve
    manager_context.close()

    page.reload()
    expect(page.get_by_text(re.compile(r"версія 1, затверджено \d\d\.\d\d\.2026 \d\d:\d\d"))).to_be_visible()
    expect(page.get_by_role("link", name="Зміни до плану: додати візит")).to_be_visible()
    assert errors == []


def test_the_registry_pages_filter_places_show_why_and_the_authorities_tree(
    page, live_server, world, planning_world, screenshot
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, planning_world["lawyer"], "/registry/places")
    rows = page.locator("tr.place-row")
    expect(rows).to_have_count(5)
    page.locator('select[name="region"]').select_option("kharkiv")
    page.get_by_role("button", name="Застосувати").click()
    expect(page).to_have_url(re.compile(r"region=kharkiv"))
    expect(rows).to_have_count(2)
    page.locator('select[name="hostilities"]').select_option("1")
    page.get_by_role("button", name="Застосувати").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Район бойових дій")
    screenshot(page, "planning-places")
    rows.first.get_by_role("link", name="ІТТ ГУНП у Харківській області").click()
    why = page.locator(".why")
    expect(why).to_contain_text("Місце ніколи не відвідували")
    expect(why).to_contain_text("+30")
    page.locator("summary", has_text="Внести сигнал").click()
    page.get_by_label("Дата отримання").fill("20.11.2026")
    page.get_by_label("Суть").fill("Скарга родичів на побиття під час затримання")
    page.get_by_role("button", name="Зберегти сигнал").click()
    expect(page.get_by_text("Сигнал внесено; оцінку ризику місця оновлено.")).to_be_visible()
    expect(why).to_contain_text("Сигнали за рік (скарги, ЗМІ)")
    screenshot(page, "planning-place")

    page.get_by_role("link", name="Реєстри").click()
    page.get_by_role("link", name="Органи влади").click()
    tree = page.locator("ul.tree")
    expect(
        tree.get_by_role("link", name="Міжрегіональне управління ДКВС у західному регіоні")
    ).to_be_visible()
    expect(tree).to_contain_text("Адміністрація Львівської виправної колонії № 48")
    screenshot(page, "planning-authorities")
    assert errors == []


def test_a_group_is_proposed_and_the_flagged_visit_waits_for_its_safety_check(
    page, live_server, world, planning_world, db, screenshot
):
    from workflows.planning import plans
    from workflows.users.models import User

    lawyer = db.session.get(User, planning_world["lawyer_id"])
    plan = plans.create(year=2026, user=lawyer)
    visit = plans.add_visit(plan, facility_id=planning_world["itt"], month=11, user=lawyer)
    db.session.commit()
    visit_id = visit.id
    db.session.close()

    sign_in(page, live_server, planning_world["lawyer"], f"/planned-visits/{visit_id}")
    page.get_by_role("link", name="Запропонувати склад групи з пулу").click()
    proposal = page.locator("#proposal")
    expect(proposal).to_contain_text("Олена Юрист — Керівник групи")
    expect(proposal).to_contain_text("Оксана Лікарка — Експерт, Лікар")
    expect(page.locator(".skipped")).to_contain_text("Петро Новачок — не пройдено базову підготовку")
    page.get_by_role("button", name="Затвердити цей склад").click()
    expect(page.get_by_text("Запропонований склад групи визначено")).to_be_visible()
    page.get_by_role("button", name="Погодити склад групи (я — керівник групи)").click()
    expect(page.get_by_text("Ви погодили склад групи.")).to_be_visible()
    expect(page.locator("#start .blockers")).to_contain_text("План ще не затверджено.")
    expect(page.locator("#start .blockers")).to_contain_text("Безпекову перевірку не проведено.")
    expect(page.locator("#safety")).to_contain_text("Не проведено: візит не можна розпочати")
    page.get_by_label("Візит погоджено з обласною військовою адміністрацією").check()
    page.get_by_label("З ким (ім'я, посада, телефон)").fill("Харківська ОВА, черговий")
    page.get_by_role("button", name="Завершити безпекову перевірку").click()
    expect(page.locator("#f-shelter-error")).to_have_text("Підтвердьте, що на місці або поруч є укриття.")
    expect(page.get_by_label("З ким (ім'я, посада, телефон)")).to_have_value("Харківська ОВА, черговий")
    page.get_by_label("На місці або поруч є укриття").check()
    page.get_by_label("Де укриття").fill("Підвал будівлі")
    page.get_by_label("Група має робочі засоби зв'язку").check()
    page.get_by_label("Як (телефони, рація, час виходу на зв'язок)").fill("Телефони, щогодини")
    page.get_by_label("Маршрут евакуації").fill("Трасою М-03 на захід до Полтави")
    page.get_by_role("button", name="Завершити безпекову перевірку").click()
    expect(page.get_by_text("Безпекову перевірку завершено.")).to_be_visible()
    expect(page.locator("#safety")).to_contain_text("Проведено, дійсна до 30.11.2026")
    expect(page.locator("#start .blockers")).not_to_contain_text("Безпекову перевірку не проведено.")
    screenshot(page, "planning-visit")


def test_the_map_colours_the_oblasts_and_links_each_to_its_places(
    page, live_server, world, planning_world, screenshot
):
    sign_in(page, live_server, planning_world["lawyer"], "/planning/map")
    tiles = page.locator("#cartogram a")
    expect(tiles).to_have_count(27)
    lviv = page.locator('#cartogram a[data-region="lviv"]')
    expect(lviv).to_have_attribute("aria-label", "Львівська область: 50 %, відвідано 1 з 2")
    expect(page.locator('#cartogram a[data-region="kharkiv"]')).to_have_attribute(
        "aria-label", "Харківська область: 0 %, відвідано 0 з 2"
    )
    screenshot(page, "planning-map")
    page.get_by_role("link", name="Ризик", exact=True).click()
    expect(page).to_have_url(re.compile(r"by=risk"))
    expect(page.locator('#cartogram a[data-region="kharkiv"]')).to_have_attribute(
        "aria-label", re.compile(r"^Харківська область: \d+, з високим ризиком: \d+$")
    )
    screenshot(page, "planning-map-risk")
    lviv.click()
    expect(page).to_have_url(re.compile(r"/registry/places\?region=lviv$"))
    expect(page.locator("tr.place-row")).to_have_count(2)
