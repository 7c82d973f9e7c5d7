"""Visits: the list (monitors see their own), recording a visit with its monitoring group, adding
findings and recommendations (which start their process), and the follow-up of each."""

from __future__ import annotations

import sqlalchemy as sa

from engine.models import HumanTask
from workflows.recommendations.models import Recommendation
from workflows.users import services as users
from workflows.visits.models import Visit

from .conftest import Pages, text


def test_monitors_see_only_their_own_visits(app, scenario, world, db):
    scenario.place(region="odesa", kind="psychiatric_hospital", name_uk="Одеська психіатрична лікарня")
    staff = Pages(app.test_client()).as_(world, "lawyer")
    page = text(staff.get("/visits"))
    assert "Львівська виправна колонія № 48" in page and "Одеська психіатрична лікарня" in page
    assert "2 візити" in page
    monitor = Pages(app.test_client()).as_(world, "monitor")  # in the group of the colony's visit only
    page = text(monitor.get("/visits"))
    assert "Львівська виправна колонія № 48" in page and "Одеська психіатрична лікарня" not in page
    assert "Ви бачите візити, які зареєстрували або в яких брали участь." in page
    other_visit = db.session.scalar(sa.select(Visit.id).where(Visit.id != world.visit_id))
    assert monitor.get(f"/visits/{other_visit}").status_code == 404  # hidden answers as missing
    stranger = users.create_user("other@ngo.example", name="Інший монітор", role="monitor", password="x" * 12)
    db.session.commit()
    outsider = Pages(app.test_client())
    outsider.login(stranger.email, "x" * 12)
    assert "Візитів ще немає." in text(outsider.get("/visits"))
    assert outsider.get(f"/visits/{world.visit_id}").status_code == 404


def test_record_a_visit_with_its_group_then_findings_then_a_recommendation(app, world, db):
    monitor = Pages(app.test_client()).as_(world, "monitor")
    form = monitor.get("/visits/new")
    assert form.status_code == 200 and "Моніторингова група" in text(form)
    refused = monitor.post(
        "/visits/new",
        {
            "facility_id": str(world.facility_id),
            "kind": "ad_hoc",
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-19",
            "members-0-name": "",
            "members-0-role": "monitor",
            "members-0-user_id": str(world.users["monitor"].id),
        },
    )
    assert refused.status_code == 422
    assert "Візит не може закінчитися раніше, ніж почався." in text(refused)
    typo = monitor.post(
        "/visits/new", {"facility_id": str(world.facility_id), "kind": "ad_hoc", "starts_on": "20.13.2026"}
    )
    assert "Введіть дату як день.місяць.рік, напр. 23.11.2026." in text(typo)
    assert "Обов'язкове поле." in text(typo)  # the last day
    assert 'value="2026-11-20"' in refused.get_data(as_text=True)
    created = monitor.post(
        "/visits/new",
        {
            "facility_id": str(world.facility_id),
            "kind": "ad_hoc",
            "starts_on": "20.11.2026",
            "ends_on": "20.11.2026",
            "access_problems": "Не допустили до карцеру.",
            "members-0-name": "",
            "members-0-role": "monitor",
            "members-0-user_id": str(world.users["monitor"].id),
            "members-1-name": "Експерт з медицини",
            "members-1-role": "expert",
            "members-1-user_id": "",
            "members-2-name": "",
            "members-2-role": "monitor",
            "members-2-user_id": "",
        },
    )
    assert created.status_code == 302
    visit = db.session.scalar(sa.select(Visit).order_by(Visit.id.desc()))
    assert [(m.name, m.role) for m in visit.members] == [
        ("Громадський монітор", "monitor"),
        ("Експерт з медицини", "expert"),
    ]
    page = text(monitor.get(created.headers["Location"]))
    assert "Візит зареєстровано. Тепер додайте виявлені порушення." in page
    assert "Позаплановий візит · 20.11.2026" in page and "Не допустили до карцеру." in page

    short = monitor.post(
        f"/visits/{visit.id}/findings", {"text": "Холодно", "category": "treatment", "severity": "high"}
    )
    assert short.status_code == 422 and "Опишіть порушення щонайменше 10 символами." in text(short)
    added = monitor.post(
        f"/visits/{visit.id}/findings",
        {
            "text": "У карцері температура 12 °C.",
            "category": "material_conditions",
            "severity": "critical",
            "evidence": "фото 1\r\nфото 2",
        },
    )
    assert added.status_code == 302
    db.session.expire_all()
    finding = visit.findings[0]
    assert finding.evidence == ["фото 1", "фото 2"]

    bad = monitor.post(
        f"/visits/{visit.id}/findings/{finding.id}/recommendations",
        {
            "authority_id": str(world.colony_admin.id),
            "text": "Коротко",
            "severity": "critical",
            "category": "treatment",
        },
    )
    assert bad.status_code == 422
    assert "Напишіть рекомендацію щонайменше 10 символами." in text(bad)
    made = monitor.post(
        f"/visits/{visit.id}/findings/{finding.id}/recommendations",
        {
            "authority_id": str(world.colony_admin.id),
            "text": "Забезпечити опалення карцеру до +18 °C.",
            "severity": "critical",
            "category": "material_conditions",
        },
    )
    assert made.status_code == 302
    rec = db.session.scalar(sa.select(Recommendation).where(Recommendation.finding_id == finding.id))
    task = db.session.scalar(sa.select(HumanTask).where(HumanTask.instance_id == rec.process_instance_id))
    assert task.element_id == "draft_act"  # creating it started its process
    page = text(monitor.get(f"/visits/{visit.id}"))
    assert f"Рекомендацію {rec.number} створено; її супровід розпочато." in page
    assert rec.number in page and "Чернетка" in page


def test_the_visit_page_shows_the_follow_up_of_each_recommendation(app, scenario, world, clock):
    rec = scenario.send_act(scenario.recommendation())
    clock.advance(days=31)
    monitor = Pages(app.test_client()).as_(world, "monitor")
    page = text(monitor.get(f"/visits/{world.visit_id}"))
    assert rec.number in page and "Очікує відповіді" in page and "Прострочено на 1 день" in page
    assert "Олена Юрист · Керівник групи" in page


def test_authorities_do_not_record_visits(app, world):
    official = Pages(app.test_client()).as_(world, "authority")
    assert official.get("/visits/new").status_code == 403
    assert official.post(f"/visits/{world.visit_id}/findings", {"text": "x" * 20}).status_code == 403


def test_the_facility_list_follows_the_region(lawyer, scenario, world):
    scenario.place(region="odesa", kind="psychiatric_hospital", name_uk="Одеська психіатрична лікарня")
    options = lawyer.get("/visits/facility-options?region=odesa").get_data(as_text=True)
    assert "Одеська психіатрична лікарня" in options and "Львівська" not in options
    assert "У цьому регіоні немає місць" in lawyer.get("/visits/facility-options?region=crimea").get_data(
        as_text=True
    )
    # Without JavaScript the region is chosen by reloading the form, with what was typed kept.
    page = lawyer.get("/visits/new?region=lviv&starts_on=2026-11-20").get_data(as_text=True)
    assert "Львівська виправна колонія № 48" in page and "Одеська психіатрична" not in page
    assert 'value="2026-11-20"' in page
