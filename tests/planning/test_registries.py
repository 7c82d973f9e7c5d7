"""The registries: authorities as a tree (add, rename, move; a ministry's missing superior), places
edited with their audit trail, and the CSV import — dry run, row-level errors, nothing half-written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.models import AuditEvent
from workflows.authorities import services as authorities
from workflows.authorities.models import Authority
from workflows.errors import Invalid
from workflows.facilities import services as facilities
from workflows.facilities.models import Facility
from workflows.imports import services as imports


def _events(db, name):
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)
    ).all()


def test_a_ministry_gets_its_missing_superior_and_nobody_is_put_under_a_subordinate(app, db, world):
    cabinet = authorities.create(
        code="CMU",
        name_uk="Кабінет Міністрів України",
        name_en="Cabinet of Ministers",
        level="central_body",
        actor="admin",
    )
    authorities.move(world.ministry, parent_id=cabinet.id, actor="user:1")
    db.session.commit()
    assert world.ministry.parent_id == cabinet.id
    assert _events(db, "authority_moved")[-1].details == {"from": None, "to": cabinet.id}

    with pytest.raises(Invalid) as refused:
        authorities.move(cabinet, parent_id=world.colony_admin.id, actor="user:1")
    assert refused.value.fields == {
        "parent_id": ["Орган не може підпорядковуватися сам собі або своєму підлеглому органу."]
    }
    roots = authorities.tree()
    cmu = next(node for node in roots if node.authority.code == "CMU")
    assert [n.authority.code for n in cmu.children] == ["MOJ"]
    assert [n.authority.code for n in cmu.children[0].children] == ["DKVS-WEST"]
    assert [(n.authority.code, n.places) for n in cmu.children[0].children[0].children] == [("COLONY-48", 1)]


def test_renaming_an_authority_keeps_the_old_name_in_the_audit_log(app, db, world):
    authorities.update(
        world.ministry,
        name_uk="Міністерство юстиції України",
        name_en="Ministry of Justice of Ukraine",
        emails=["moj@example.gov.ua"],
        actor="user:1",
    )
    db.session.commit()
    details = _events(db, "authority_updated")[-1].details
    assert (
        details["before"]["name_uk"] == "Міністерство юстиції України (Державна кримінально-виконавча служба)"
    )
    assert details["after"]["name_uk"] == "Міністерство юстиції України"
    found = authorities.tree(q="юстиції")
    assert [n.authority.code for n in found] == ["MOJ"]


def test_a_place_edit_is_audited_field_by_field(app, db, world):
    facility = db.session.get(Facility, world.facility_id)
    facilities.update(
        facility, capacity=820, district="Львівський район", in_hostilities_area=False, actor="user:1"
    )
    db.session.commit()
    assert _events(db, "facility_updated")[-1].details == {
        "changed": {"district": {"from": "", "to": "Львівський район"}, "capacity": {"from": None, "to": 820}}
    }


PLACES_OK = "\n".join(
    [
        "code;name_uk;name_en;kind;region;district;address;authority_code;capacity;"
        "in_hostilities_area;access_suspended;access_note",
        "LV-ITT-1;ІТТ ГУНП у Львівській області;Lviv ITT;police_temporary_holding;lviv;Львівський район;;"
        "COLONY-48;40;ні;ні;",
        # kind and region by their Ukrainian names, as a spreadsheet exported from the Office has them
        "KH-SIZO;Харківський слідчий ізолятор;Kharkiv SIZO;Слідчий ізолятор (СІЗО);Харківська область;"
        "Харківський район;;DKVS-WEST;1200;так;ні;Візити за погодженням з ОВА",
        "",
    ]
)


def test_a_csv_of_places_imports_in_one_go_and_a_second_run_updates(app, db, world):
    dry = imports.run("places", PLACES_OK, dry_run=True, actor="user:1")
    db.session.commit()
    assert (dry.rows, dry.created, dry.updated, dry.errors) == (2, 2, 0, [])
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Facility)) == 1
    )  # the dry run wrote nothing

    report = imports.run("places", PLACES_OK, dry_run=False, actor="user:1")
    db.session.commit()
    assert (report.created, report.updated) == (2, 0)
    sizo = db.session.scalar(sa.select(Facility).where(Facility.code == "KH-SIZO"))
    assert (sizo.kind_code, sizo.region_code, sizo.capacity, sizo.in_hostilities_area) == (
        "pretrial_detention",
        "kharkiv",
        1200,
        True,
    )

    again = imports.run("places", PLACES_OK.replace(";1200;", ";1300;"), dry_run=False, actor="user:1")
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    db.session.refresh(sizo)
    assert sizo.capacity == 1300


def test_a_csv_with_bad_rows_reports_each_and_writes_nothing(app, db, world):
    text = (
        "code,name_uk,kind,region,authority_code,capacity,in_hostilities_area\n"
        "OK-1,Добре місце,penal_colony,lviv,COLONY-48,100,ні\n"
        "BAD-1,,prison,lviv,COLONY-48,сто,може\n"
        "BAD-2,Місце без органу,penal_colony,mars,NOBODY,,ні\n"
        "OK-1,Повтор коду,penal_colony,lviv,COLONY-48,,ні\n"
    )
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.run("places", text, dry_run=False, actor="user:1")
    db.session.rollback()
    assert [(e.row, e.field, e.message) for e in rejected.value.report.errors] == [
        (3, "name_uk", "Обов'язкове поле."),
        (3, "kind", "Невідомий вид місця несвободи."),
        (3, "capacity", "Введіть ціле число."),
        (3, "in_hostilities_area", "Напишіть «так» або «ні»."),
        (4, "region", "Невідомий регіон."),
        (4, "authority_code", "У реєстрі немає органу з таким кодом."),
        (5, "code", "Код повторює рядок 2."),
    ]
    # Row 2 was fine and was created inside the savepoint — and rolled back with the rest.
    assert db.session.scalar(sa.select(Facility.id).where(Facility.code == "OK-1")) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Facility)) == 1
    assert [e.subject for e in _events(db, "facility_created")] == [f"facility:{world.facility_id}"]


def test_authorities_import_puts_superiors_first_and_refuses_a_circle(app, db, world):
    text = (
        "code;name_uk;level;parent_code;emails\n"
        "SIZO-KH;Адміністрація Харківського СІЗО;facility_administration;DKVS-EAST;sizo@example.gov.ua\n"
        "DKVS-EAST;Міжрегіональне управління (Схід);regional_body;MOJ;"
        "east@example.gov.ua, east2@example.gov.ua\n"
    )
    report = imports.run("authorities", text, dry_run=False, actor="user:1")
    db.session.commit()
    assert (report.created, report.errors) == (2, [])
    sizo = db.session.scalar(sa.select(Authority).where(Authority.code == "SIZO-KH"))
    assert sizo.parent.code == "DKVS-EAST" and sizo.parent.parent.code == "MOJ"
    assert sizo.parent.emails == ["east@example.gov.ua", "east2@example.gov.ua"]

    circle = "code;name_uk;level;parent_code\nA-1;Перший;regional_body;A-2\nA-2;Другий;regional_body;A-1\n"
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.run("authorities", circle, dry_run=False, actor="user:1")
    db.session.rollback()
    assert [(e.row, e.field) for e in rejected.value.report.errors] == [(2, "parent_code")]
    assert db.session.scalar(sa.select(Authority.id).where(Authority.code == "A-1")) is None


def test_a_file_with_a_wrong_header_says_which_columns(app, db, world):
    with pytest.raises(Invalid) as refused:
        imports.run("places", "code;name;kind\nX;Y;Z\n", dry_run=True, actor="user:1")
    assert refused.value.fields["file"][:2] == [
        "Бракує стовпців: name_uk, region, authority_code.",
        "Невідомі стовпці: name.",
    ]
