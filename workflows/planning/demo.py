"""Demo data of visit planning, built like the rest of the demo: through the real services and the
real approval process, with the engine clock moved to the day each step happened.

What it makes: more places across the oblasts (a POW camp, a military detention site, a place in
occupied Crimea, places in areas of hostilities), regional offices, the monitoring pool (staff and
civil-society monitors, trained and untrained, one declared conflict of interest), signals, this
year's plan approved in January and half done — visits recorded with findings, a safety check
before the visit to a flagged place, a follow-up visit that checked a recommendation, expenses, and
amendments (one applied at once, one approved, one waiting for management) — and next year's plan
drafted from the risk ranking.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count

import sqlalchemy as sa

from engine.clock import clock
from engine.db import db
from engine.models import HumanTask

from .. import tasks as work
from ..authorities import services as authorities
from ..authorities.models import Authority
from ..deadlines import KYIV, kyiv_date
from ..facilities import services as facilities
from ..facilities.models import Facility
from ..monitors import services as monitors
from ..monitors.models import Monitor
from ..monitors.seed import TRAINING_MODULES
from ..recommendations.models import Recommendation
from ..risk import services as risk
from ..users.models import User
from ..visits import services as visit_records
from . import amendments, drafting, execution, groups, logistics, plans, safety
from .models import PlannedVisit, VisitPlan

# code, name uk, name en, kind, region, district, parent authority, capacity, hostilities, suspended, note
PLACES = [
    (
        "LV-SIZO",
        "Львівський слідчий ізолятор",
        "Lviv Pre-trial Detention Centre",
        "pretrial_detention",
        "lviv",
        "Львівський район",
        "DKVS-WEST",
        1400,
        False,
        False,
        "",
    ),
    (
        "LV-POW-1",
        "Табір для тримання військовополонених «Захід-1»",
        "POW camp “West-1”",
        "pow_camp",
        "lviv",
        "Львівський район",
        "POW_HQ",
        600,
        False,
        False,
        "Доступ за погодженням з Координаційним штабом.",
    ),
    (
        "LV-PSYCH",
        "Львівська обласна клінічна психіатрична лікарня",
        "Lviv Regional Psychiatric Hospital",
        "psychiatric_hospital",
        "lviv",
        "Львівський район",
        "MOH",
        900,
        False,
        False,
        "",
    ),
    (
        "VL-ITT",
        "ІТТ ГУНП у Волинській області",
        "Volyn Police Temporary Holding Facility",
        "police_temporary_holding",
        "volyn",
        "Луцький район",
        "NPU",
        40,
        False,
        False,
        "",
    ),
    (
        "RV-COLONY",
        "Рівненська виправна колонія № 76",
        "Rivne Penal Colony No. 76",
        "penal_colony",
        "rivne",
        "Рівненський район",
        "DKVS-WEST",
        700,
        False,
        False,
        "",
    ),
    (
        "ZH-CHILD",
        "Житомирський обласний дитячий будинок",
        "Zhytomyr Regional Children's Home",
        "children_institution",
        "zhytomyr",
        "Житомирський район",
        "MON",
        120,
        False,
        False,
        "",
    ),
    (
        "KO-INTERNAT",
        "Київський обласний будинок-інтернат для осіб похилого віку",
        "Kyiv Oblast Care Home",
        "social_care_home",
        "kyiv_oblast",
        "Бучанський район",
        "MSP",
        250,
        False,
        False,
        "",
    ),
    (
        "KV-SIZO",
        "Київський слідчий ізолятор",
        "Kyiv Pre-trial Detention Centre",
        "pretrial_detention",
        "kyiv_city",
        "Лук'янівка",
        "MOJ",
        2800,
        False,
        False,
        "",
    ),
    (
        "KV-PTPI",
        "Пункт тимчасового перебування іноземців (Київ)",
        "Kyiv Foreigners' Holding Centre",
        "foreigners_holding",
        "kyiv_city",
        "",
        "DMS",
        150,
        False,
        False,
        "",
    ),
    (
        "CN-ITT",
        "ІТТ ГУНП у Чернігівській області",
        "Chernihiv Police Temporary Holding Facility",
        "police_temporary_holding",
        "chernihiv",
        "Чернігівський район",
        "NPU",
        35,
        True,
        False,
        "Прикордонна зона: обстріли; візит лише після безпекової перевірки.",
    ),
    (
        "SM-BORDER",
        "Приміщення для затриманих Сумського прикордонного загону",
        "Sumy Border-guard Detention Premises",
        "border_guard_premises",
        "sumy",
        "Сумський район",
        "DPSU",
        20,
        True,
        False,
        "Район бойових дій.",
    ),
    (
        "KH-SIZO",
        "Харківський слідчий ізолятор",
        "Kharkiv Pre-trial Detention Centre",
        "pretrial_detention",
        "kharkiv",
        "Харківський район",
        "MOJ",
        1600,
        True,
        False,
        "Укриття в підвалі корпусу № 2.",
    ),
    (
        "KH-MIL",
        "Гауптвахта Військової служби правопорядку (Харків)",
        "Kharkiv Military Detention Site",
        "military_detention",
        "kharkiv",
        "Харківський район",
        "MOD",
        30,
        True,
        False,
        "",
    ),
    (
        "PL-PSYCH",
        "Полтавська обласна психіатрична лікарня",
        "Poltava Regional Psychiatric Hospital",
        "psychiatric_hospital",
        "poltava",
        "Полтавський район",
        "MOH",
        1000,
        False,
        False,
        "",
    ),
    (
        "PL-JUV",
        "Кременчуцька виховна колонія",
        "Kremenchuk Juvenile Colony",
        "juvenile_colony",
        "poltava",
        "Кременчуцький район",
        "MOJ",
        160,
        False,
        False,
        "",
    ),
    (
        "DN-COLONY",
        "Дніпровська виправна колонія № 89",
        "Dnipro Penal Colony No. 89",
        "penal_colony",
        "dnipropetrovsk",
        "Дніпровський район",
        "MOJ",
        1100,
        False,
        False,
        "",
    ),
    (
        "DN-ITT",
        "ІТТ ГУНП у Дніпропетровській області",
        "Dnipro Police Temporary Holding Facility",
        "police_temporary_holding",
        "dnipropetrovsk",
        "Дніпровський район",
        "NPU",
        60,
        False,
        False,
        "",
    ),
    (
        "ZP-ITT",
        "ІТТ ГУНП у Запорізькій області",
        "Zaporizhzhia Police Temporary Holding Facility",
        "police_temporary_holding",
        "zaporizhzhia",
        "Запорізький район",
        "NPU",
        50,
        True,
        False,
        "Обстріли міста; погодження з ОВА обов'язкове.",
    ),
    (
        "OD-COLONY",
        "Одеська виправна колонія № 14",
        "Odesa Penal Colony No. 14",
        "penal_colony",
        "odesa",
        "Одеський район",
        "DKVS-SOUTH",
        900,
        False,
        False,
        "",
    ),
    (
        "OD-CHILD",
        "Одеський центр соціально-психологічної реабілітації дітей",
        "Odesa Children's Rehabilitation Centre",
        "children_institution",
        "odesa",
        "Одеський район",
        "MON",
        80,
        False,
        False,
        "",
    ),
    (
        "MK-SIZO",
        "Миколаївський слідчий ізолятор",
        "Mykolaiv Pre-trial Detention Centre",
        "pretrial_detention",
        "mykolaiv",
        "Миколаївський район",
        "DKVS-SOUTH",
        700,
        True,
        False,
        "",
    ),
    (
        "KS-ITT",
        "ІТТ ГУНП у Херсонській області",
        "Kherson Police Temporary Holding Facility",
        "police_temporary_holding",
        "kherson",
        "Херсонський район",
        "NPU",
        30,
        True,
        False,
        "Місто під обстрілами.",
    ),
    (
        "VN-PSYCH",
        "Вінницька обласна психоневрологічна лікарня",
        "Vinnytsia Regional Psychoneurological Hospital",
        "psychiatric_hospital",
        "vinnytsia",
        "Вінницький район",
        "MOH",
        650,
        False,
        False,
        "",
    ),
    (
        "VN-COLONY",
        "Вінницька виправна колонія № 86",
        "Vinnytsia Penal Colony No. 86",
        "penal_colony",
        "vinnytsia",
        "Вінницький район",
        "MOJ",
        1000,
        False,
        False,
        "",
    ),
    (
        "CK-INTERNAT",
        "Черкаський психоневрологічний інтернат",
        "Cherkasy Psychoneurological Care Home",
        "social_care_home",
        "cherkasy",
        "Черкаський район",
        "MSP",
        320,
        False,
        False,
        "",
    ),
    (
        "KR-ITT",
        "ІТТ ГУНП у Кіровоградській області",
        "Kirovohrad Police Temporary Holding Facility",
        "police_temporary_holding",
        "kirovohrad",
        "Кропивницький район",
        "NPU",
        40,
        False,
        False,
        "",
    ),
    (
        "IF-COLONY",
        "Івано-Франківська виправна колонія № 12",
        "Ivano-Frankivsk Penal Colony No. 12",
        "penal_colony",
        "ivano_frankivsk",
        "Івано-Франківський район",
        "DKVS-WEST",
        600,
        False,
        False,
        "",
    ),
    (
        "TE-SIZO",
        "Тернопільський слідчий ізолятор",
        "Ternopil Pre-trial Detention Centre",
        "pretrial_detention",
        "ternopil",
        "Тернопільський район",
        "DKVS-WEST",
        500,
        False,
        False,
        "",
    ),
    (
        "ZK-PTPI",
        "Чопський пункт тимчасового перебування іноземців",
        "Chop Foreigners' Holding Centre",
        "foreigners_holding",
        "zakarpattia",
        "Ужгородський район",
        "DMS",
        170,
        False,
        False,
        "",
    ),
    (
        "CV-PSYCH",
        "Чернівецька обласна психіатрична лікарня",
        "Chernivtsi Regional Psychiatric Hospital",
        "psychiatric_hospital",
        "chernivtsi",
        "Чернівецький район",
        "MOH",
        450,
        False,
        False,
        "",
    ),
    (
        "KM-INTERNAT",
        "Хмельницький будинок-інтернат для осіб з інвалідністю",
        "Khmelnytskyi Care Home",
        "social_care_home",
        "khmelnytskyi",
        "Хмельницький район",
        "MSP",
        200,
        False,
        False,
        "",
    ),
    (
        "DO-ITT",
        "ІТТ ГУНП у Донецькій області (Краматорськ)",
        "Donetsk Police Temporary Holding Facility (Kramatorsk)",
        "police_temporary_holding",
        "donetsk",
        "Краматорський район",
        "NPU",
        30,
        True,
        False,
        "Прифронтова зона: лише за погодженням з ОВА.",
    ),
    (
        "LU-SIZO",
        "Луганський слідчий ізолятор (Старобільськ)",
        "Luhansk Pre-trial Detention Centre (Starobilsk)",
        "pretrial_detention",
        "luhansk",
        "Старобільський район",
        "MOJ",
        400,
        True,
        True,
        "Окупована територія: доступу немає.",
    ),
    (
        "CR-SIZO",
        "Сімферопольський слідчий ізолятор",
        "Simferopol Pre-trial Detention Centre",
        "pretrial_detention",
        "crimea",
        "",
        "MOJ",
        900,
        False,
        True,
        "Окупована територія: доступу немає.",
    ),
]

OFFICES = [
    (
        "KYIV",
        "Департамент з питань реалізації НПМ (Київ)",
        "NPM Department (Kyiv)",
        ["kyiv_city", "kyiv_oblast"],
    ),
    (
        "WEST",
        "Західне регіональне представництво Уповноваженого (Львів)",
        "Western Regional Office (Lviv)",
        [
            "lviv",
            "volyn",
            "rivne",
            "ternopil",
            "zakarpattia",
            "ivano_frankivsk",
            "chernivtsi",
            "khmelnytskyi",
        ],
    ),
    (
        "SOUTH",
        "Південне регіональне представництво Уповноваженого (Одеса)",
        "Southern Regional Office (Odesa)",
        ["odesa", "mykolaiv", "kherson"],
    ),
    (
        "EAST",
        "Східне регіональне представництво Уповноваженого (Харків)",
        "Eastern Regional Office (Kharkiv)",
        ["kharkiv", "sumy", "poltava", "donetsk", "luhansk"],
    ),
    (
        "CENTRE",
        "Центральне регіональне представництво Уповноваженого (Дніпро)",
        "Central Regional Office (Dnipro)",
        ["dnipropetrovsk", "zaporizhzhia", "kirovohrad", "cherkasy"],
    ),
]

# name, kind, region, expertise, trained (all required modules | a few | none), account e-mail
MONITORS = [
    ("Олена Коваль", "staff", "kyiv_city", ["lawyer"], "all", "lawyer@ombudsflow.local"),
    ("Андрій Мельник", "staff", "kyiv_city", ["lawyer", "military"], "all", "lawyer2@ombudsflow.local"),
    (
        "Марта Бойко",
        "civil_society",
        "lviv",
        ["psychologist", "child_rights"],
        "all",
        "monitor@ombudsflow.local",
    ),
    ("Ігор Савчук", "civil_society", "lviv", ["doctor"], "all", None),
    ("Наталія Гнатюк", "civil_society", "odesa", ["psychiatrist"], "all", None),
    ("Віктор Ткаченко", "civil_society", "kharkiv", ["military", "lawyer"], "all", None),
    ("Оксана Лисенко", "civil_society", "kharkiv", ["doctor"], "all", None),
    ("Світлана Мороз", "civil_society", "dnipropetrovsk", ["gender", "psychologist"], "all", None),
    ("Юрій Кравець", "civil_society", "kyiv_city", ["doctor", "psychiatrist"], "all", None),
    ("Тетяна Руденко", "civil_society", "poltava", ["child_rights"], "some", None),
    ("Богдан Паламарчук", "civil_society", "odesa", ["doctor"], "none", None),
]

SIGNALS = [
    ("KH-SIZO", "complaint", -40, "Скарга родичів на побиття під час обшуку.", "Звернення № 1842"),
    (
        "KH-SIZO",
        "media_report",
        -25,
        "Публікація про переповненість камер і відсутність укриття.",
        "Суспільне Харків",
    ),
    ("LV-POW-1", "lawyer_report", -60, "Повідомлення МКЧХ про обмеження листування військовополонених.", ""),
    ("PL-PSYCH", "complaint", -15, "Скарга пацієнта на фіксацію без рішення лікаря.", "Звернення № 2210"),
    ("DN-ITT", "complaint", -90, "Затриманого не допустили до адвоката протягом доби.", "Звернення № 977"),
]

FINDING = {
    "pretrial_detention": ("Камери переповнені: 14 осіб у камері на 8 місць.", "material_conditions", "high"),
    "police_temporary_holding": (
        "Затриманих не оглядає лікар під час прийому; журнал не ведеться.",
        "health_care",
        "high",
    ),
    "psychiatric_hospital": ("Пацієнтів фіксують без рішення лікаря і без записів.", "treatment", "critical"),
    "social_care_home": (
        "Підопічні не мають доступу до телефону і листування.",
        "contact_with_outside_world",
        "medium",
    ),
    "penal_colony": ("Засуджені скаржаться на побиття під час обшуків.", "treatment", "critical"),
    "pow_camp": (
        "Військовополонені не отримують листи від родин понад два місяці.",
        "contact_with_outside_world",
        "high",
    ),
}


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=KYIV)


def load(
    *,
    places: dict[str, Facility],
    people: dict[str, User],
    authorities_by_code: dict[str, Authority],
    real_now: datetime,
) -> str:
    session = db.session
    today = kyiv_date(real_now)
    admin, lawyer, manager = (
        people["admin@ombudsflow.local"],
        people["lawyer@ombudsflow.local"],
        people["manager@ombudsflow.local"],
    )
    year = today.year if today.month >= 3 else today.year - 1
    clock.freeze(_at(date(year, 1, 5)))

    # Regional offices and the oblasts each visits.
    for code, uk, en, regions in OFFICES:
        office = logistics.create_office(code=code, name_uk=uk, name_en=en, user=admin)
        for region in regions:
            logistics.assign_region(region, office.id, user=admin)

    # More places: every oblast, every kind, the occupied ones kept in the registry.
    by_code = {p.code: p for p in places.values() if p.code}
    serial = count(1)
    for code, uk, en, kind, region, district, parent, capacity, hostile, suspended, note in PLACES:
        administration = authorities.create(
            code=f"ADM-{code}",
            name_uk=f"Адміністрація: {uk}",
            name_en=f"Administration of {en}",
            level="facility_administration",
            parent_id=authorities_by_code[parent].id,
            emails=[f"adm{next(serial)}@example.gov.ua"],
            actor="demo",
        )
        by_code[code] = facilities.create(
            name_uk=uk,
            name_en=en,
            kind=kind,
            region=region,
            district=district,
            authority_id=administration.id,
            capacity=capacity,
            in_hostilities_area=hostile,
            access_suspended=suspended,
            access_note=note,
            code=code,
            actor="demo",
        )
    for key, code, district, capacity in (
        ("colony48", "LV-COLONY-48", "Львівський район", 820),
        ("sizo_odesa", "OD-SIZO", "Одеський район", 1500),
        ("itt_kharkiv", "KH-ITT", "Харківський район", 45),
        ("psych_odesa", "OD-PSYCH", "Одеський район", 700),
        ("internat_dnipro", "DN-INTERNAT", "Дніпровський район", 380),
        ("colony_zp", "ZP-COLONY-20", "Запорізький район", 950),
        ("custody_kyiv", "KV-CUSTODY", "Шевченківський район", 10),
    ):
        facilities.update(places[key], code=code, district=district, capacity=capacity, actor="demo")
        by_code[code] = places[key]
    session.commit()

    # The monitoring pool.
    pool: dict[str, Monitor] = {}
    for name, kind, region, expertise, trained, email in MONITORS:
        user = people.get(email) if email else None
        pool[name] = monitors.create(
            name=name,
            kind=kind,
            region=region,
            user_id=user.id if user else None,
            expertise=expertise,
            actor="demo",
        )
        modules = [c for c, *_rest, required in TRAINING_MODULES if required]
        done = modules if trained == "all" else modules[:2] if trained == "some" else []
        for i, module in enumerate(done):
            monitors.record_training(
                pool[name], module_code=module, completed_on=date(year - 1, 3 + i, 10), actor="demo"
            )
    monitors.add_absence(
        pool["Ігор Савчук"],
        starts_on=date(year, 8, 1),
        ends_on=date(year, 8, 31),
        note="Відпустка",
        actor="demo",
    )
    monitors.declare_conflict(
        pool["Наталія Гнатюк"],
        facility_id=places["psych_odesa"].id,
        note="Працювала лікарем-психіатром у лікарні до 2024 року",
        actor="demo",
    )
    clock.freeze(real_now)  # signals are recent, dated from today
    for code, kind, days, summary, source in SIGNALS:
        facilities.record_signal(
            by_code[code],
            kind=kind,
            received_on=today + timedelta(days=days),
            summary=summary,
            source=source,
            user=lawyer,
        )
    session.commit()
    risk.refresh_all(actor="demo")
    session.commit()

    # This year's plan: drafted in January, approved by management, then carried out month by month.
    clock.freeze(_at(date(year, 1, 5)))
    plan = plans.create(
        year=year,
        title=f"План моніторингових візитів на {year} рік",
        targets={"visits": 16, "per_oblast": 0, "every_kind": True},
        user=lawyer,
    )
    chosen = [
        ("LV-COLONY-48", 2, "regular"),
        ("KH-SIZO", 2, "regular"),
        ("PL-PSYCH", 3, "regular"),
        ("DN-ITT", 3, "regular"),
        ("LV-POW-1", 4, "regular"),
        ("LV-SIZO", 4, "regular"),
        ("ZP-ITT", 5, "regular"),
        ("OD-CHILD", 5, "regular"),
        ("KV-SIZO", 6, "regular"),
        ("CK-INTERNAT", 7, "regular"),
        ("MK-SIZO", 9, "regular"),
        ("VN-COLONY", 9, "regular"),
        ("VN-PSYCH", 9, "regular"),
        ("KH-MIL", 10, "regular"),
        ("ZH-CHILD", 11, "regular"),
        ("OD-PSYCH", 12, "regular"),
        ("CN-ITT", 12, "regular"),
    ]
    for code, month, kind in chosen:
        plans.add_visit(
            plan, facility_id=by_code[code].id, month=month, kind=kind, reasons=["risk"], user=lawyer
        )
    for visit in plan.visits:
        groups.apply_proposal(visit, user=lawyer)
    for visit in plan.visits:
        groups.approve_group(visit, user=_leader_user(visit, people))
    for quarter, amount in ((1, "90000"), (2, "110000"), (3, "70000"), (4, "90000")):
        logistics.set_budget(plan, quarter=quarter, office_id=None, amount=Decimal(amount), user=manager)
    plans.submit(plan, user=lawyer)
    session.commit()
    clock.freeze(_at(date(year, 1, 12)))
    _complete(
        plan.process_instance_id,
        "approve_plan",
        manager,
        {"approved": True, "approval_comment": "Затверджено. Пріоритет — місця з високим ризиком."},
    )

    # Visits whose month has passed took place — half the plan; two months are behind.
    due = sorted(
        (v for v in plan.visits if (year, v.month) < (today.year, today.month)), key=lambda v: (v.month, v.id)
    )
    half = len(plan.visits) // 2
    for n, visit in enumerate(due[:half]):
        day = date(year, visit.month, 10 + n % 10)
        if safety.required(visit):
            clock.freeze(_at(day - timedelta(days=2)))
            safety.complete(
                visit,
                military_coordination=True,
                military_contact="Обласна військова адміністрація, черговий офіцер, +380 57 000 00 00",
                shelter=True,
                shelter_note="Підвал адміністративного корпусу, 150 місць",
                communication=True,
                communication_note="Мобільні й супутниковий телефон; вихід на зв'язок щогодини",
                evacuation_route="Основний — на захід трасою М-03; запасний — через Мерефу",
                user=lawyer,
            )
        clock.freeze(_at(day))
        record = execution.start(visit, user=lawyer, starts_on=day, ends_on=day)
        text, category, severity = FINDING.get(
            visit.facility.kind_code, ("Порушення умов тримання.", "material_conditions", "medium")
        )
        visit_records.add_finding(record, text=text, category=category, severity=severity, user=lawyer)
        members = [m for m in visit.members if m.monitor.kind == "civil_society"]
        if members:
            clock.freeze(_at(day + timedelta(days=3)))
            expense = logistics.record_expense(
                visit,
                monitor_id=members[0].monitor_id,
                kind="travel",
                amount=Decimal("840.00"),
                note="Квитки на потяг",
                user=lawyer,
            )
            if n % 2 == 0:
                logistics.mark_reimbursed(expense.id, user=manager)
        session.commit()

    # Amendments: new dates within a quarter (at once), a cancellation (approved), an ad hoc visit
    # after a complaint (at once), and a regular visit waiting for management.
    later = [v for v in plan.visits if v.status == "planned" and (year, v.month) >= (today.year, today.month)]
    clock.freeze(real_now - timedelta(days=20))
    if later:
        first = later[0]
        start = date(year, first.month, 20)
        amendments.change_visit(
            first,
            reason="Погоджено з адміністрацією установи: дати візиту",
            starts_on=start,
            ends_on=start + timedelta(days=1),
            user=lawyer,
        )
    behind = [v for v in plan.visits if v.status == "planned" and (year, v.month) < (today.year, today.month)]
    if behind:
        cancel = amendments.cancel_visit(
            behind[0], reason="Установу розформовано, засуджених переведено", user=lawyer
        )
        session.commit()
        _complete(
            cancel.process_instance_id,
            "approve_plan",
            manager,
            {"approved": True, "approval_comment": "Погоджую."},
        )
    ad_hoc = amendments.add_visit(
        plan,
        reason="Скарги на катування у ЗМІ",
        facility_id=by_code["DN-COLONY"].id,
        month=today.month if today.year == year else 12,
        kind="ad_hoc",
        user=lawyer,
    )
    session.commit()
    if today.year == year:
        groups.apply_proposal(ad_hoc.planned_visit, user=lawyer, reason="Група для позапланового візиту")
        groups.approve_group(ad_hoc.planned_visit, user=_leader_user(ad_hoc.planned_visit, people))
    _follow_up(plan, places["colony48"], people, today, year)
    amendments.add_visit(
        plan,
        reason="Нові скарги від родичів засуджених",
        facility_id=by_code["OD-COLONY"].id,
        month=12,
        user=lawyer,
    )
    session.commit()

    # Next year's plan: drafted from the risk ranking, still a draft.
    clock.freeze(real_now)
    risk.refresh_all(actor="demo")
    upcoming = plans.create(
        year=year + 1, targets={"visits": 24, "per_oblast": 1, "every_kind": True}, user=lawyer
    )
    drafting.draft(upcoming, user=lawyer)
    session.commit()
    done = sum(1 for v in plan.visits if v.status == "done")
    return (
        f"{len(PLACES)} more places, {len(pool)} monitors, "
        f"plan {year} ({done} of {len(plan.visits)} visits done), draft plan {year + 1}"
    )


def _leader_user(visit: PlannedVisit, people: dict[str, User]) -> User:
    leader = visit.leader
    return leader.monitor.user if leader and leader.monitor.user else people["admin@ombudsflow.local"]


def _complete(instance_id: int, element_id: str, user: User, data: dict) -> None:
    task = db.session.scalar(
        sa.select(HumanTask).where(
            HumanTask.instance_id == instance_id,
            HumanTask.element_id == element_id,
            HumanTask.status == "open",
        )
    )
    work.complete(user, task.id, data, task.version)
    db.session.commit()


def _follow_up(plan: VisitPlan, colony: Facility, people: dict[str, User], today: date, year: int) -> None:
    """A follow-up visit to the colony two days ago that checked one of its recommendations."""
    lawyer = people["lawyer@ombudsflow.local"]
    rec = db.session.scalar(
        sa.select(Recommendation)
        .where(Recommendation.facility_id == colony.id, Recommendation.status.in_(drafting.CHECKED_STATUSES))
        .order_by(Recommendation.created_at)
        .limit(1)
    )
    if rec is None or today.year != year:
        return
    day = today - timedelta(days=2)
    clock.freeze(_at(day) - timedelta(days=1))
    amendment = amendments.add_visit(
        plan,
        reason="Перевірка виконання рекомендацій",
        facility_id=colony.id,
        month=day.month,
        kind="ad_hoc",
        recommendation_ids=[rec.id],
        user=lawyer,
    )
    visit = amendment.planned_visit
    amendments.change_visit(
        visit, reason="Повторний візит для перевірки рекомендації", kind="follow_up", user=lawyer
    )
    groups.apply_proposal(visit, user=lawyer, reason="Група повторного візиту")
    groups.approve_group(visit, user=_leader_user(visit, people))
    clock.freeze(_at(day))
    record = execution.start(visit, user=lawyer, starts_on=day, ends_on=day)
    execution.record_check(
        record,
        recommendation_id=rec.id,
        outcome="partially_implemented",
        found="Кімнату для побачень відгороджено, але працівник колонії досі присутній під час побачень.",
        user=lawyer,
    )
    db.session.commit()
