"""The registries and the planning pages as their users work them: places with their risk and why,
signals, the authorities' tree (an admin sets a ministry's superior), the CSV import with a dry run,
a plan drafted, submitted and approved from the inbox, a group proposed and approved, a safety check,
a planned visit started and a follow-up recorded — and the API of the same."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from engine.models import HumanTask
from workflows.authorities.models import Authority
from workflows.facilities import services as facilities
from workflows.facilities.models import Facility
from workflows.monitors import services as monitors
from workflows.monitors.seed import TRAINING_MODULES
from workflows.planning.models import PlannedVisit, VisitPlan
from workflows.risk import services as risk
from workflows.users import services as users

from .conftest import Pages, text


def _places(db, world):
    """Two places of one district in Kharkiv oblast (one flagged) and a trained monitor pool."""
    made = {}
    for key, name, kind, hostile in (
        ("itt", "ІТТ ГУНП у Харківській області", "police_temporary_holding", True),
        ("sizo", "Харківський слідчий ізолятор", "pretrial_detention", False),
    ):
        made[key] = facilities.create(
            name_uk=name,
            kind=kind,
            region="kharkiv",
            district="Харківський район",
            authority_id=world.regional.id,
            in_hostilities_area=hostile,
            capacity=600 if kind == "pretrial_detention" else 40,
            actor="test",
        )
    leader = monitors.create(
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
    novice = monitors.create(
        name="Петро Новачок", kind="civil_society", region="kharkiv", expertise=["doctor"], actor="test"
    )
    for code, _uk, _en, required in TRAINING_MODULES:
        if required:
            monitors.record_training(doctor, module_code=code, completed_on=date(2026, 3, 1), actor="test")
    risk.refresh_all(actor="test")
    db.session.commit()
    return made, {"leader": leader, "doctor": doctor, "novice": novice}


def test_the_registry_of_places_filters_and_each_place_says_why_its_risk(app, db, world):
    places, _pool = _places(db, world)
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    page = text(lawyer.get("/registry/places?region=kharkiv"))
    assert "ІТТ ГУНП у Харківській області" in page and "Львівська виправна колонія № 48" not in page
    assert "2 місця" in page
    flagged = text(lawyer.get("/registry/places?hostilities=1"))
    assert "ІТТ ГУНП у Харківській області" in flagged and "Харківський слідчий ізолятор" not in flagged
    never = text(lawyer.get("/registry/places?never=1"))
    assert "Львівська виправна колонія № 48" not in never and "Харківський слідчий ізолятор" in never

    place = text(lawyer.get(f"/registry/places/{places['itt'].id}"))
    assert "Чому така оцінка ризику" in place
    assert "Місце ніколи не відвідували +30" in place
    assert "Поліцейське тримання +10" in place and "Район бойових дій +10" in place
    assert "Оцінка ризику 50" in place
    assert "Міністерство юстиції України" in place  # the authority chain up to the ministry

    refused = lawyer.post(
        f"/registry/places/{places['itt'].id}/signals",
        {"kind": "complaint", "received_on": "", "summary": "x"},
    )
    assert refused.status_code == 422
    assert "Опишіть сигнал щонайменше 5 символами." in text(refused)
    done = lawyer.post(
        f"/registry/places/{places['itt'].id}/signals",
        {"kind": "complaint", "received_on": "20.11.2026", "summary": "Скарга на побиття затриманого"},
        follow_redirects=True,
    )
    assert "Сигнал внесено; оцінку ризику місця оновлено." in text(done)
    assert "Сигнали за рік (скарги, ЗМІ) +8" in text(done)

    # Lawyers read the registry; only admins change it.
    assert lawyer.get(f"/registry/places/{places['itt'].id}/edit").status_code == 403
    assert lawyer.get("/registry/import").status_code == 403


def test_an_admin_sets_a_ministrys_missing_superior_and_renames_it(app, db, world):
    admin = Pages(app.test_client()).as_(world, "admin")
    created = admin.post(
        "/registry/authorities",
        {"code": "CMU", "name_uk": "Кабінет Міністрів України", "level": "central_body", "parent_id": ""},
        follow_redirects=True,
    )
    assert "Кабінет Міністрів України — додано." in text(created)
    cabinet = db.session.scalar(sa.select(Authority).where(Authority.code == "CMU"))
    page = text(admin.get(f"/registry/authorities/{world.ministry.id}"))
    assert "Немає вищестоящого органу: звернутися вище нікуди" in page
    moved = admin.post(
        f"/registry/authorities/{world.ministry.id}/move",
        {"parent_id": str(cabinet.id)},
        follow_redirects=True,
    )
    assert "Вищестоящий орган змінено." in text(moved)
    assert "Кабінет Міністрів України" in text(moved)
    circle = admin.post(f"/registry/authorities/{cabinet.id}/move", {"parent_id": str(world.regional.id)})
    assert circle.status_code == 422
    assert "Орган не може підпорядковуватися сам собі або своєму підлеглому органу." in text(circle)
    renamed = admin.post(
        f"/registry/authorities/{world.ministry.id}",
        {
            "name_uk": "Міністерство юстиції України",
            "name_en": "Ministry of Justice",
            "emails": "moj@example.gov.ua",
            "language": "uk",
        },
        follow_redirects=True,
    )
    assert "Орган збережено." in text(renamed)
    tree = text(admin.get("/registry/authorities?q=юстиції"))
    assert "Кабінет Міністрів України" in tree and "Міністерство юстиції України" in tree


def test_the_csv_import_page_checks_first_and_writes_all_or_nothing(app, db, world):
    admin = Pages(app.test_client()).as_(world, "admin")
    bad = (
        "code;name_uk;kind;region;authority_code\n"
        "A-1;Перше місце;penal_colony;lviv;COLONY-48\n"
        "A-2;;penal_colony;lviv;NOBODY\n"
    )
    report = admin.post(
        "/registry/import",
        {"kind": "places", "action": "import", "file": (io.BytesIO(bad.encode()), "places.csv")},
        content_type="multipart/form-data",
    )
    assert report.status_code == 422
    page = text(report)
    assert "2 помилки: нічого не записано" in page
    assert (
        "3 name_uk Обов'язкове поле." in page
        and "3 authority_code У реєстрі немає органу з таким кодом." in page
    )
    assert db.session.scalar(sa.select(Facility.id).where(Facility.code == "A-1")) is None
    good = bad.replace("A-2;;penal_colony;lviv;NOBODY", "A-2;Друге місце;penal_colony;lviv;COLONY-48")
    checked = admin.post(
        "/registry/import",
        {"kind": "places", "action": "check", "file": (io.BytesIO(good.encode()), "places.csv")},
        content_type="multipart/form-data",
    )
    assert "Перевірка: файл правильний" in text(checked) and "Буде додано 2" in text(checked)
    assert db.session.scalar(sa.select(Facility.id).where(Facility.code == "A-1")) is None
    imported = admin.post(
        "/registry/import",
        {"kind": "places", "action": "import", "file": (io.BytesIO(good.encode()), "places.csv")},
        content_type="multipart/form-data",
    )
    assert "Імпортовано" in text(imported)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Facility).where(Facility.code.in_(["A-1", "A-2"]))
        )
        == 2
    )
    template = admin.get("/registry/import/places.csv")
    assert template.mimetype == "text/csv" and template.get_data(as_text=True).startswith(
        "code;name_uk;name_en;kind;"
    )


def test_a_plan_is_drafted_submitted_and_approved_from_the_inbox(app, db, world):
    _places(db, world)
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    refused = lawyer.post(
        "/plans/new",
        {"year": "2040", "visits": "3", "per_oblast": "1", "not_visited_years": "3", "group_size": "3"},
    )
    assert refused.status_code == 422 and "Плануйте рік з 2025 по 2028." in text(refused)
    created = lawyer.post(
        "/plans/new",
        {
            "year": "2027",
            "title": "",
            "visits": "3",
            "per_oblast": "1",
            "not_visited_years": "3",
            "group_size": "3",
            "every_kind": "1",
            "draft": "1",
        },
        follow_redirects=True,
    )
    page = text(created)
    assert "Візити плану складено за оцінкою ризиків: 3 візити." in page
    assert "План моніторингових візитів на 2027 рік" in page and "Чернетка" in page
    assert "Охоплення області" in page
    plan = db.session.scalar(sa.select(VisitPlan))
    submitted = lawyer.post(f"/plans/{plan.id}/submit", {}, follow_redirects=True)
    assert "План подано керівництву на затвердження." in text(submitted)
    assert "Додати візит" not in text(submitted)

    manager = Pages(app.test_client()).as_(world, "manager")
    inbox = text(manager.get("/inbox"))
    assert "Плани візитів 1" in inbox and "Затвердити план візитів або зміни до нього" in inbox
    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.process_id == "visit_plan", HumanTask.status == "open")
    )
    form = text(manager.get(f"/tasks/{task.id}"))
    assert "План моніторингових візитів на 2027 рік" in form and "3 візити" in form
    done = manager.post(
        f"/tasks/{task.id}",
        {"action": "complete", "version": str(task.version), "approved": "true"},
        follow_redirects=True,
    )
    assert "«Затвердити план візитів або зміни до нього» виконано." in text(done)
    assert "Затверджено" in text(done) and "версія 1" in text(done)
    assert lawyer.get(f"/plans/{plan.id}/visits/new").status_code == 200  # now an amendment form
    assert "це зміни до плану" in text(lawyer.get(f"/plans/{plan.id}/visits/new"))


def test_a_group_is_proposed_approved_by_its_leader_and_the_visit_starts_after_the_safety_check(
    app, db, world, clock
):
    places, _pool = _places(db, world)
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    from workflows.planning import plans

    plan = plans.create(year=2026, user=world.users["lawyer"])
    visit = plans.add_visit(plan, facility_id=places["itt"].id, month=11, user=world.users["lawyer"])
    db.session.commit()
    page = text(lawyer.get(f"/planned-visits/{visit.id}?propose=1"))
    assert "Запропоновано з пулу моніторів" in page
    assert "Олена Юрист — Керівник групи, Юрист" in page and "Оксана Лікарка — Експерт, Лікар" in page
    assert "Петро Новачок — не пройдено базову підготовку" in page
    applied = lawyer.post(f"/planned-visits/{visit.id}/group", {"action": "propose"}, follow_redirects=True)
    assert "Запропонований склад групи визначено" in text(applied)
    approved = lawyer.post(f"/planned-visits/{visit.id}/group/approve", {}, follow_redirects=True)
    assert "Ви погодили склад групи." in text(approved)
    # Management approves the plan (the process), then the day comes.
    plans.submit(plan, user=world.users["lawyer"])
    db.session.commit()
    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.process_id == "visit_plan", HumanTask.status == "open")
    )
    manager = Pages(app.test_client()).as_(world, "manager")
    manager.post(
        f"/tasks/{task.id}", {"action": "complete", "version": str(task.version), "approved": "true"}
    )

    blocked = lawyer.post(f"/planned-visits/{visit.id}/start", {"starts_on": "", "ends_on": ""})
    assert blocked.status_code == 422
    assert "Місце в районі бойових дій: проведіть безпекову перевірку, перш ніж розпочати візит." in text(
        blocked
    )
    incomplete = lawyer.post(
        f"/planned-visits/{visit.id}/safety-check", {"military_coordination": "1", "military_contact": "ОВА"}
    )
    assert incomplete.status_code == 422 and "Підтвердьте, що на місці або поруч є укриття." in text(
        incomplete
    )
    checked = lawyer.post(
        f"/planned-visits/{visit.id}/safety-check",
        {
            "military_coordination": "1",
            "military_contact": "Харківська ОВА, черговий",
            "shelter": "1",
            "shelter_note": "Підвал будівлі",
            "communication": "1",
            "communication_note": "Телефони, щогодини",
            "evacuation_route": "Трасою М-03 на захід до Полтави",
        },
        follow_redirects=True,
    )
    assert "Безпекову перевірку завершено." in text(checked) and "Проведено, дійсна до 30.11.2026" in text(
        checked
    )
    started = lawyer.post(
        f"/planned-visits/{visit.id}/start",
        {"starts_on": "23.11.2026", "ends_on": "23.11.2026"},
        follow_redirects=True,
    )
    assert "Візит зареєстровано. Додайте тут виявлені порушення." in text(started)
    assert "Запланований візит" in text(started) and "Оксана Лікарка" in text(started)
    db.session.expire_all()
    assert db.session.get(PlannedVisit, visit.id).status == "done"


def test_risk_coverage_and_the_map_pages(app, db, world):
    _places(db, world)
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    ranking = text(lawyer.get("/planning/risk"))
    assert ranking.index("ІТТ ГУНП у Харківській області") < ranking.index("Львівська виправна колонія № 48")
    assert "Високий ризик 0" in ranking and "Середній ризик 2" in ranking
    coverage = text(lawyer.get("/planning/coverage"))
    assert "Харківська область 2 0 0" in coverage and "Львівська область 1 1 100" in coverage
    page = lawyer.get("/planning/map")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and body.count("<rect ") == 27
    assert 'href="/registry/places?region=kharkiv"' in body and "відвідано 0 з 2" in body
    risk_map = lawyer.get("/planning/map?by=risk").get_data(as_text=True)
    assert "Середня оцінка ризику місць регіону" in risk_map


def test_the_planning_api_drafts_a_plan_and_refuses_a_bad_csv_with_row_errors(app, db, world, client):
    _places(db, world)
    token = users.issue_token(world.users["admin"], label="test", actor="test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    made = client.post(
        "/api/v1/plans", json={"year": 2027, "targets": {"visits": 2}, "draft": True}, headers=headers
    )
    assert made.status_code == 201
    body = made.get_json()
    assert body["status"] == "draft" and len(body["visits"]) == 2
    assert {v["facility"]["name"] for v in body["visits"]} == {
        "ІТТ ГУНП у Харківській області",
        "Львівська виправна колонія № 48",
    }
    ranking = client.get("/api/v1/risk?per_page=1", headers=headers).get_json()
    assert ranking["total"] == 3 and ranking["items"][0]["rules"][0]["id"] == "risk_never"
    bad = client.post(
        "/api/v1/imports/places",
        json={
            "csv": "code;name_uk;kind;region;authority_code\nX-1;;prison;lviv;COLONY-48\n",
            "dry_run": False,
        },
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"]["file"] == [
        "Рядок 2, name_uk: Обов'язкове поле.",
        "Рядок 2, kind: Невідомий вид місця несвободи.",
    ]
    assert db.session.scalar(sa.select(Facility.id).where(Facility.code == "X-1")) is None


def test_the_pool_of_people_training_absences_and_conflicts(app, db, world):
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    refused = lawyer.post("/registry/people/new", {"name": "Марія Лікар", "kind": "staff", "region": "lviv"})
    assert refused.status_code == 422
    assert "Пов'яжіть працівника з його обліковим записом: керівник групи погоджує її склад." in text(refused)
    created = lawyer.post(
        "/registry/people/new",
        {
            "name": "Марія Лікар",
            "kind": "civil_society",
            "region": "lviv",
            "expertise": ["doctor", "psychiatrist"],
        },
        follow_redirects=True,
    )
    assert "Марія Лікар — додано до пулу моніторів." in text(created)
    assert "Не пройдено: до груп не пропонується" in text(created)
    person = db.session.scalar(sa.text("SELECT id FROM monitor WHERE name = 'Марія Лікар'"))
    for code, _uk, _en, required in TRAINING_MODULES:
        if required:
            lawyer.post(
                f"/registry/people/{person}/training", {"module_code": code, "completed_on": "01.03.2026"}
            )
    page = text(lawyer.get(f"/registry/people/{person}"))
    assert "Базова підготовка моніторів НПМ Пройдено" in page and "01.03.2026" in page
    future = lawyer.post(
        f"/registry/people/{person}/training", {"module_code": "reporting", "completed_on": "01.03.2027"}
    )
    assert future.status_code == 422 and "Дата не може бути в майбутньому." in text(future)
    away = lawyer.post(
        f"/registry/people/{person}/absence", {"starts_on": "10.12.2026", "ends_on": "01.12.2026"}
    )
    assert away.status_code == 422 and "Період не може закінчитися раніше, ніж почався." in text(away)
    conflict = lawyer.post(
        f"/registry/people/{person}/conflict",
        {"facility_id": str(world.facility_id), "note": "Працювала в колонії"},
        follow_redirects=True,
    )
    assert "Конфлікт інтересів внесено." in text(conflict) and "Львівська виправна колонія № 48" in text(
        conflict
    )
    place = text(lawyer.get(f"/registry/places/{world.facility_id}"))
    assert "Заявлені конфлікти інтересів Марія Лікар — Працювала в колонії" in place
    listing = text(lawyer.get("/registry/people?expertise=psychiatrist"))
    assert "Марія Лікар" in listing and "Пройдено" in listing
    monitor = Pages(app.test_client()).as_(world, "monitor")
    assert monitor.get("/registry/people").status_code == 403


def test_a_follow_up_visit_page_records_what_was_found_about_each_recommendation(
    app, db, world, scenario, clock
):
    from workflows.planning import execution, groups, plans

    rec = scenario.send_act(scenario.recommendation())
    lawyer_user, manager_user = world.users["lawyer"], world.users["manager"]
    leader = monitors.create(
        name="Олена Юрист", kind="staff", region="lviv", user_id=lawyer_user.id, actor="test"
    )
    plan = plans.create(year=2026, user=lawyer_user)
    visit = plans.add_visit(
        plan,
        facility_id=world.facility_id,
        month=11,
        kind="follow_up",
        recommendation_ids=[rec.id],
        user=lawyer_user,
    )
    groups.set_group(visit, [{"monitor_id": leader.id, "role": "head"}], user=lawyer_user)
    groups.approve_group(visit, user=lawyer_user)
    plans.submit(plan, user=lawyer_user)
    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.process_id == "visit_plan", HumanTask.status == "open")
    )
    from workflows import tasks as work

    work.complete(manager_user, task.id, {"approved": True}, task.version)
    record = execution.start(visit, user=lawyer_user)
    db.session.commit()

    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    page = text(lawyer.get(f"/visits/{record.id}"))
    assert "Рекомендації, перевірені під час цього візиту" in page
    assert f"{rec.number} Очікує відповіді Рекомендовано: Забезпечити дієву вентиляцію" in page
    short = lawyer.post(
        f"/visits/{record.id}/checks/{rec.id}",
        {"outcome": "not_implemented", "found": "ні"},
        follow_redirects=True,
    )
    assert "Опишіть, що встановлено (щонайменше 5 символів)." in text(short)
    saved = lawyer.post(
        f"/visits/{record.id}/checks/{rec.id}",
        {"outcome": "partially_implemented", "found": "Вентиляцію відремонтовано в одній камері з чотирьох."},
        follow_redirects=True,
    )
    assert "Результат перевірки внесено в історію рекомендації." in text(saved)
    assert "Встановлено під час повторного візиту: Частково виконано — Вентиляцію відремонтовано" in text(
        saved
    )
    history = text(lawyer.get(f"/recommendations/{rec.id}"))
    assert "Перевірено під час повторного візиту" in history
    assert "Вентиляцію відремонтовано в одній камері з чотирьох." in history


def test_the_planning_pages_speak_english_too(app, db, world):
    _places(db, world)
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    lawyer.post("/language", {"language": "en", "next": "/planning/risk"})
    page = text(lawyer.get("/planning/risk"))
    assert "Risk ranking of places" in page and "Never visited (+30)" in page
    place = text(lawyer.get("/registry/places?region=kharkiv"))
    assert "Places of deprivation of liberty" in place and "2 places" in place and "Medium risk" in place
    assert "Kharkiv Oblast" in text(lawyer.get("/planning/map"))


def test_a_monitor_sees_the_planned_visits_of_their_groups_and_nothing_else(app, db, world):
    from workflows.planning import groups, plans

    places, _pool = _places(db, world)
    lawyer_user = world.users["lawyer"]
    leader = db.session.scalar(sa.text("SELECT id FROM monitor WHERE name = 'Олена Юрист'"))
    marta = monitors.create(
        name="Громадський монітор",
        kind="civil_society",
        region="kharkiv",
        user_id=world.users["monitor"].id,
        actor="test",
    )
    for code, _uk, _en, required in TRAINING_MODULES:
        if required:
            monitors.record_training(marta, module_code=code, completed_on=date(2026, 3, 1), actor="test")
    plan = plans.create(year=2026, user=lawyer_user)
    mine = plans.add_visit(plan, facility_id=places["itt"].id, month=12, user=lawyer_user)
    other = plans.add_visit(plan, facility_id=places["sizo"].id, month=12, user=lawyer_user)
    groups.set_group(
        mine,
        [{"monitor_id": leader, "role": "head"}, {"monitor_id": marta.id, "role": "monitor"}],
        user=lawyer_user,
    )
    db.session.commit()
    monitor = Pages(app.test_client()).as_(world, "monitor")
    page = text(monitor.get("/visits"))
    assert "Заплановані візити, у групі яких ви є ІТТ ГУНП у Харківській області" in page
    assert "Харківський слідчий ізолятор" not in page
    assert monitor.get(f"/planned-visits/{mine.id}").status_code == 200
    assert monitor.get(f"/planned-visits/{other.id}").status_code == 404  # as if it did not exist
    assert monitor.get("/plans").status_code == 403


def test_a_plan_is_approved_over_the_api_through_the_ordinary_task_routes(app, db, world, client):
    _places(db, world)
    tokens = {
        role: users.issue_token(world.users[role], label="test", actor="test")
        for role in ("lawyer", "manager")
    }
    db.session.commit()
    as_lawyer = {"Authorization": f"Bearer {tokens['lawyer']}"}
    as_manager = {"Authorization": f"Bearer {tokens['manager']}"}
    plan = client.post(
        "/api/v1/plans", json={"year": 2027, "targets": {"visits": 2}, "draft": True}, headers=as_lawyer
    )
    plan_id = plan.get_json()["id"]
    assert (
        client.post(f"/api/v1/plans/{plan_id}/submit", json={}, headers=as_lawyer).get_json()["status"]
        == "in_approval"
    )
    assert client.get("/api/v1/plan-tasks", headers=as_lawyer).get_json() == []
    [task] = client.get("/api/v1/plan-tasks", headers=as_manager).get_json()
    assert (task["element_id"], task["plan_id"], task["amendment_id"]) == ("approve_plan", plan_id, None)
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"approved": True, "approval_comment": "Так"}, "version": task["version"]},
        headers=as_manager,
    )
    assert done.status_code == 200, done.get_json()
    approved = client.get(f"/api/v1/plans/{plan_id}", headers=as_lawyer).get_json()
    assert (approved["status"], approved["version"]) == ("approved", 1)
    amended = client.post(
        f"/api/v1/plans/{plan_id}/visits",
        json={
            "facility_id": approved["visits"][0]["facility"]["id"],
            "month": 3,
            "kind": "ad_hoc",
            "reason": "",
        },
        headers=as_lawyer,
    )
    assert amended.status_code == 422
    assert amended.get_json()["error"]["fields"] == {
        "reason": ["Зазначте, чому змінюється план (щонайменше 5 символів)."]
    }
