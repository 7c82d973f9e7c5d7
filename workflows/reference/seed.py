"""Seed data from GLOSSARY.md: the 27 regions, the kinds of places, the central bodies.

Seeding only adds what is missing, so an admin's later edits (a renamed ministry) survive it.
"""

from __future__ import annotations

import sqlalchemy as sa

from engine.clock import clock
from engine.db import db

from ..authorities.models import Authority
from .models import FacilityKind, Region

REGIONS = [
    ("crimea", "Автономна Республіка Крим", "Autonomous Republic of Crimea"),
    ("vinnytsia", "Вінницька область", "Vinnytsia Oblast"),
    ("volyn", "Волинська область", "Volyn Oblast"),
    ("dnipropetrovsk", "Дніпропетровська область", "Dnipropetrovsk Oblast"),
    ("donetsk", "Донецька область", "Donetsk Oblast"),
    ("zhytomyr", "Житомирська область", "Zhytomyr Oblast"),
    ("zakarpattia", "Закарпатська область", "Zakarpattia Oblast"),
    ("zaporizhzhia", "Запорізька область", "Zaporizhzhia Oblast"),
    ("ivano_frankivsk", "Івано-Франківська область", "Ivano-Frankivsk Oblast"),
    ("kyiv_oblast", "Київська область", "Kyiv Oblast"),
    ("kirovohrad", "Кіровоградська область", "Kirovohrad Oblast"),
    ("luhansk", "Луганська область", "Luhansk Oblast"),
    ("lviv", "Львівська область", "Lviv Oblast"),
    ("mykolaiv", "Миколаївська область", "Mykolaiv Oblast"),
    ("odesa", "Одеська область", "Odesa Oblast"),
    ("poltava", "Полтавська область", "Poltava Oblast"),
    ("rivne", "Рівненська область", "Rivne Oblast"),
    ("sumy", "Сумська область", "Sumy Oblast"),
    ("ternopil", "Тернопільська область", "Ternopil Oblast"),
    ("kharkiv", "Харківська область", "Kharkiv Oblast"),
    ("kherson", "Херсонська область", "Kherson Oblast"),
    ("khmelnytskyi", "Хмельницька область", "Khmelnytskyi Oblast"),
    ("cherkasy", "Черкаська область", "Cherkasy Oblast"),
    ("chernivtsi", "Чернівецька область", "Chernivtsi Oblast"),
    ("chernihiv", "Чернігівська область", "Chernihiv Oblast"),
    ("kyiv_city", "місто Київ", "City of Kyiv"),
    ("sevastopol", "місто Севастополь", "City of Sevastopol"),
]

FACILITY_KINDS = [
    ("penal_colony", "Виправна колонія", "Penal colony"),
    ("juvenile_colony", "Виховна колонія", "Juvenile colony"),
    ("pretrial_detention", "Слідчий ізолятор (СІЗО)", "Pre-trial detention centre"),
    ("police_temporary_holding", "Ізолятор тимчасового тримання (ІТТ)", "Police temporary holding facility"),
    ("police_custody_room", "Кімната для затриманих у відділі поліції", "Police custody room"),
    ("psychiatric_hospital", "Психіатрична лікарня", "Psychiatric hospital"),
    (
        "social_care_home",
        "Будинок-інтернат для осіб похилого віку та осіб з інвалідністю",
        "Social-care home",
    ),
    ("children_institution", "Заклад для дітей", "Children's institution"),
    (
        "foreigners_holding",
        "Пункт тимчасового перебування іноземців та осіб без громадянства (ПТПІ)",
        "Foreigners' holding centre",
    ),
    (
        "border_guard_premises",
        "Приміщення Державної прикордонної служби для затриманих",
        "Border-guard premises",
    ),
    ("military_detention", "Гауптвахта / місце тримання військовослужбовців", "Military detention site"),
    ("pow_camp", "Табір для військовополонених", "POW camp"),
    ("other", "Інше місце несвободи", "Other place of deprivation of liberty"),
]

CENTRAL_BODIES = [
    (
        "MOJ",
        "Міністерство юстиції України (Державна кримінально-виконавча служба)",
        "Ministry of Justice of Ukraine (State Criminal-Executive Service)",
        "moj@example.gov.ua",
    ),
    (
        "NPU",
        "Міністерство внутрішніх справ / Національна поліція України",
        "Ministry of Internal Affairs / National Police of Ukraine",
        "npu@example.gov.ua",
    ),
    ("MOH", "Міністерство охорони здоров'я України", "Ministry of Health of Ukraine", "moh@example.gov.ua"),
    (
        "MSP",
        "Міністерство соціальної політики України",
        "Ministry of Social Policy of Ukraine",
        "msp@example.gov.ua",
    ),
    (
        "MOD",
        "Міністерство оборони України (Військова служба правопорядку)",
        "Ministry of Defence of Ukraine (Military Law Enforcement Service)",
        "mod@example.gov.ua",
    ),
    (
        "DPSU",
        "Державна прикордонна служба України",
        "State Border Guard Service of Ukraine",
        "dpsu@example.gov.ua",
    ),
    ("DMS", "Державна міграційна служба України", "State Migration Service of Ukraine", "dms@example.gov.ua"),
    (
        "MON",
        "Міністерство освіти і науки України",
        "Ministry of Education and Science of Ukraine",
        "mon@example.gov.ua",
    ),
    (
        "POW_HQ",
        "Координаційний штаб з питань поводження з військовополоненими",
        "Coordination Headquarters for the Treatment of Prisoners of War",
        "pow@example.gov.ua",
    ),
]


def seed_reference() -> dict[str, int]:
    """Insert the regions, kinds and central bodies that are not there yet (and the calendar's holidays
    when it has none); returns counts added."""
    from .catalog import forget

    forget()
    session = db.session
    added = {"regions": 0, "facility_kinds": 0, "central_bodies": 0}
    existing = set(session.scalars(sa.select(Region.code)))
    for sort, (code, uk, en) in enumerate(REGIONS):
        if code not in existing:
            session.add(Region(code=code, name_uk=uk, name_en=en, sort=sort))
            added["regions"] += 1
    existing = set(session.scalars(sa.select(FacilityKind.code)))
    for sort, (code, uk, en) in enumerate(FACILITY_KINDS):
        if code not in existing:
            session.add(FacilityKind(code=code, name_uk=uk, name_en=en, sort=sort))
            added["facility_kinds"] += 1
    existing = set(session.scalars(sa.select(Authority.code)))
    for code, uk, en, email in CENTRAL_BODIES:
        if code not in existing:
            session.add(
                Authority(
                    code=code,
                    name_uk=uk,
                    name_en=en,
                    level="central_body",
                    emails=[email],
                    created_at=clock.now(),
                )
            )
            added["central_bodies"] += 1
    session.flush()
    # The legal-term calendar only when it is empty: an admin who removed a holiday keeps it removed.
    from ..calendar import services as calendar
    from ..calendar.models import CalendarDay

    if session.scalar(sa.select(CalendarDay.day).limit(1)) is None:
        added["calendar_days"] = calendar.seed(actor="seed", audited=False)
    added.update(_seed_planning())
    return added


def _seed_planning() -> dict[str, int]:
    """Reference data of visit planning: training modules of monitors and default cost rates."""
    from ..monitors.seed import seed_training_modules
    from ..planning.seed import seed_cost_rates

    return {"training_modules": seed_training_modules(), "cost_rates": seed_cost_rates()}
