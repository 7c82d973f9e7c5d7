"""Demo data for `make run`: a living system on first start.

Recommendations are not inserted as rows in a wanted state: each one is walked through the real
standard process by the demo people, with the engine clock moved to the day each step happened, so
every status, deadline, timer, task, timeline entry and notice is what the system itself would have
produced. Finally the clock is set back to now and due timers fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from engine import timers
from engine.clock import clock
from engine.db import db
from engine.models import HumanTask
from notifications import delivery

from . import deadlines
from . import tasks as work
from .authorities import services as authorities
from .authorities.models import Authority
from .calendar import services as calendar
from .deadlines import kyiv_date
from .facilities import services as facilities
from .recommendations import extensions
from .recommendations import services as recommendations
from .recommendations.models import Recommendation
from .reference.seed import seed_reference
from .users import grants
from .users import services as users
from .users.models import User
from .visits import services as visits

DEMO_PASSWORD = "ombudsflow-demo"

PEOPLE = [
    ("lawyer@ombudsflow.local", "Олена Коваль", "lawyer", None),
    ("lawyer2@ombudsflow.local", "Андрій Мельник", "lawyer", None),
    ("manager@ombudsflow.local", "Ірина Шевченко", "manager", None),
    ("admin@ombudsflow.local", "Адміністратор системи", "admin", None),
    ("designer@ombudsflow.local", "Дизайнер процесів", "designer", None),
    ("monitor@ombudsflow.local", "Марта Бойко (громадський монітор)", "monitor", None),
]
# Every demo authority gets one official who can sign in: <code in lower case>@ombudsflow.local
# The colony has a second one (several officials per authority, issue 16); its first official is the
# lead, who invites colleagues; DKVS-WEST's official follows the colony read-only as its superior.
SECOND_OFFICIALS = [
    (
        "colony-48-deputy@ombudsflow.local",
        "Ганна Коваленко (заступник начальника колонії)",
        "authority",
        "COLONY-48",
    ),
]
LEAD_OFFICIALS = ("colony-48@ombudsflow.local",)

# code, name uk, name en, level, parent code, e-mail
AUTHORITIES = [
    (
        "DKVS-WEST",
        "Міжрегіональне управління з питань виконання кримінальних покарань у Західному регіоні",
        "Interregional Department for the Execution of Sentences (West)",
        "regional_body",
        "MOJ",
    ),
    (
        "DKVS-SOUTH",
        "Південне міжрегіональне управління з питань виконання кримінальних покарань",
        "Southern Interregional Department for the Execution of Sentences",
        "regional_body",
        "MOJ",
    ),
    (
        "GUNP-KH",
        "Головне управління Національної поліції в Харківській області",
        "Main Department of the National Police in Kharkiv Oblast",
        "regional_body",
        "NPU",
    ),
    (
        "GUNP-KYIV",
        "Головне управління Національної поліції у м. Києві",
        "Main Department of the National Police in Kyiv",
        "regional_body",
        "NPU",
    ),
    (
        "ODESA-HEALTH",
        "Департамент охорони здоров'я Одеської обласної державної адміністрації",
        "Health Department of the Odesa Oblast Administration",
        "regional_body",
        "MOH",
    ),
    (
        "DNIPRO-SOCIAL",
        "Департамент соціального захисту населення Дніпропетровської ОДА",
        "Social Protection Department of the Dnipropetrovsk Oblast Administration",
        "regional_body",
        "MSP",
    ),
    (
        "COLONY-48",
        "Адміністрація Львівської виправної колонії № 48",
        "Administration of Lviv Penal Colony No. 48",
        "facility_administration",
        "DKVS-WEST",
    ),
    (
        "SIZO-ODESA",
        "Адміністрація Одеського слідчого ізолятора",
        "Administration of the Odesa Pre-trial Detention Centre",
        "facility_administration",
        "DKVS-SOUTH",
    ),
    (
        "OPNL-ODESA",
        "Адміністрація Одеської обласної психіатричної лікарні № 1",
        "Administration of Odesa Regional Psychiatric Hospital No. 1",
        "facility_administration",
        "ODESA-HEALTH",
    ),
    (
        "INTERNAT-DNIPRO",
        "Адміністрація Дніпровського психоневрологічного інтернату",
        "Administration of the Dnipro Psychoneurological Care Home",
        "facility_administration",
        "DNIPRO-SOCIAL",
    ),
]

# key, name uk, name en, kind, region, authority code, in hostilities area, access note
FACILITIES = [
    (
        "colony48",
        "Львівська виправна колонія № 48",
        "Lviv Penal Colony No. 48",
        "penal_colony",
        "lviv",
        "COLONY-48",
        False,
        "",
    ),
    (
        "sizo_odesa",
        "Одеський слідчий ізолятор",
        "Odesa Pre-trial Detention Centre",
        "pretrial_detention",
        "odesa",
        "SIZO-ODESA",
        False,
        "",
    ),
    (
        "itt_kharkiv",
        "ІТТ ГУНП у Харківській області",
        "Kharkiv Police Temporary Holding Facility",
        "police_temporary_holding",
        "kharkiv",
        "GUNP-KH",
        True,
        "Візити лише за погодженням з обласною військовою адміністрацією; укриття в підвалі будівлі.",
    ),
    (
        "custody_kyiv",
        "Кімната для затриманих Шевченківського управління поліції",
        "Shevchenkivskyi Police Custody Room",
        "police_custody_room",
        "kyiv_city",
        "GUNP-KYIV",
        False,
        "",
    ),
    (
        "psych_odesa",
        "Одеська обласна психіатрична лікарня № 1",
        "Odesa Regional Psychiatric Hospital No. 1",
        "psychiatric_hospital",
        "odesa",
        "OPNL-ODESA",
        False,
        "",
    ),
    (
        "internat_dnipro",
        "Дніпровський психоневрологічний інтернат",
        "Dnipro Psychoneurological Care Home",
        "social_care_home",
        "dnipropetrovsk",
        "INTERNAT-DNIPRO",
        False,
        "",
    ),
    (
        "colony_zp",
        "Запорізька виправна колонія № 20",
        "Zaporizhzhia Penal Colony No. 20",
        "penal_colony",
        "zaporizhzhia",
        "DKVS-SOUTH",
        True,
        "Поруч із районом ведення бойових дій; частину корпусів евакуйовано.",
    ),
]


FINDINGS = {
    "Забезпечити затриманих окремими ліжками в камерах карантину.": (
        "У камерах карантину на 8 затриманих 5 ліжок; двоє сплять на підлозі."
    ),
    "Забезпечити засуджених у ДІЗО постільною білизною.": (
        "У дисциплінарному ізоляторі засуджені не отримують постільної білизни."
    ),
    "Забезпечити засуджених індивідуальними спальними місцями.": (
        "У секторі № 3 на 52 засуджених 40 спальних місць; частина людей спить почергово."
    ),
    "Забезпечити затриманим доступ до душу щонайменше раз на тиждень.": (
        "Затримані не мали доступу до душу від двох до трьох тижнів; журнал санітарної обробки не ведеться."
    ),
    "Забезпечити кімнату для затриманих системою відеоспостереження без «сліпих зон».": (
        "Камери відеоспостереження не охоплюють кімнату для затриманих і коридор біля неї."
    ),
    "Облаштувати окремі приміщення для побачень із дітьми.": (
        "Побачення засуджених із дітьми відбуваються в загальній кімнаті через скло."
    ),
    "Забезпечити конфіденційні побачення засуджених з адвокатом.": (
        "Побачення з адвокатами відбуваються в присутності працівника колонії; кімната для побачень"
        " не ізольована."
    ),
    "Забезпечити дієву вентиляцію в камерах дільниці карантину.": (
        "У камерах дільниці карантину не працює вентиляція; вологість понад 80 %, на стінах пліснява."
    ),
    "Забезпечити негайний доступ затриманих до медичної допомоги.": (
        "Затриманий зі скаргами на біль у грудях чекав на лікаря понад шість годин; журнал викликів"
        " не ведеться."
    ),
    "Вести журнал затриманих відповідно до вимог КПК.": (
        "Час фактичного затримання в журналі не зазначено для 7 з 12 осіб."
    ),
    "Забезпечити щоденну прогулянку тривалістю не менше години.": (
        "Особи, взяті під варту, не виводяться на прогулянку по кілька днів поспіль через нестачу конвою."
    ),
    "Припинити застосування фіксації без рішення лікаря.": (
        "Пацієнтів фіксують ременями за рішенням молодшого персоналу; записів про фіксацію в "
        "медичній документації немає."
    ),
    "Відремонтувати душові та забезпечити гарячу воду щотижня.": (
        "Душові зруйновані; гаряча вода буває раз на два тижні."
    ),
    "Забезпечити підопічним можливість телефонувати рідним.": (
        "Підопічні інтернату не мають доступу до телефону; листи рідним передаються через персонал."
    ),
    "Облаштувати камери для осіб з інвалідністю.": (
        "Жодна камера не пристосована для осіб, які пересуваються на кріслі колісному."
    ),
    "Забезпечити укриття для засуджених під час повітряних тривог.": (
        "Під час повітряної тривоги засуджені залишаються в жилих секціях; укриття не облаштоване."
    ),
    "Припинити практику тримання в дисциплінарному ізоляторі понад строк.": (
        "Троє засуджених трималися в дисциплінарному ізоляторі понад 14 діб поспіль."
    ),
    "Повідомляти родичів про затримання протягом години.": (
        "Родичів затриманих повідомляють через кілька годин або не повідомляють зовсім."
    ),
    "Забезпечити пацієнтам щоденні прогулянки на свіжому повітрі.": (
        "Пацієнти відділення не виходять на прогулянку тижнями."
    ),
    "Забезпечити затриманих питною водою та триразовим харчуванням.": (
        "Затримані отримують їжу раз на день; питну воду приносять родичі."
    ),
}


@dataclass
class Story:
    """One recommendation's life: which finding, who must answer, and the steps with their days."""

    facility: str
    authority: str
    text: str
    severity: str
    category: str
    steps: list[tuple[int, str, str, dict]]  # (days from now, role, element id or action, data)


ACT = {"act_kind": "submission", "signatory": "Представник Уповноваженого з питань НПМ"}


def act(text: str, kind: str = "submission") -> dict:
    return {**ACT, "act_kind": kind, "act_text": text}


REVIEW_DONE = {
    "outcome": "implemented",
    "verification_method": "documents",
    "verify_later": False,
    "assessment_note": "Виконання підтверджено документами.",
}


def protocol(offence_date: str, court: str = "Франківський районний суд м. Львова") -> dict:
    """The protocol's form (ст. 188-40 КУпАП): the official it names and the date of the offence."""
    return {
        "protocol_action": "submit",
        "official_name": "Гнатюк Олег Васильович",
        "official_position": "начальник установи",
        "offence_date": offence_date,
        "offence": "невиконання законних вимог Уповноваженого, викладених у поданні",
        "court": court,
    }


STORIES = [
    Story(
        "colony48",
        "COLONY-48",
        "Забезпечити конфіденційні побачення засуджених з адвокатом.",
        "high",
        "legal_safeguards",
        [
            (-10, "lawyer", "draft_act", act("Вимагаємо забезпечити конфіденційні побачення з адвокатом.")),
            (-9, "manager", "approve_act", {"approved": True}),
        ],
    ),
    Story(
        "colony48",
        "COLONY-48",
        "Забезпечити дієву вентиляцію в камерах дільниці карантину.",
        "high",
        "material_conditions",
        [(-1, "lawyer", "claim", {})],
    ),
    Story(
        "itt_kharkiv",
        "GUNP-KH",
        "Забезпечити негайний доступ затриманих до медичної допомоги.",
        "critical",
        "health_care",
        [(-6, "lawyer", "-", {})],
    ),
    Story(
        "custody_kyiv",
        "GUNP-KYIV",
        "Вести журнал затриманих відповідно до вимог КПК.",
        "medium",
        "legal_safeguards",
        [(-3, "lawyer", "draft_act", act("Вимагаємо вести журнал обліку затриманих."))],
    ),
    Story(
        "sizo_odesa",
        "SIZO-ODESA",
        "Забезпечити щоденну прогулянку тривалістю не менше години.",
        "high",
        "regime_and_activities",
        [
            (-12, "lawyer", "draft_act", act("Вимагаємо забезпечити щоденну прогулянку.")),
            (-11, "manager", "approve_act", {"approved": True}),
        ],
    ),
    Story(
        "psych_odesa",
        "OPNL-ODESA",
        "Припинити застосування фіксації без рішення лікаря.",
        "critical",
        "treatment",
        [
            (-20, "lawyer", "draft_act", act("Вимагаємо припинити незаконну фіксацію пацієнтів.")),
            (-19, "manager", "approve_act", {"approved": True}),
        ],
    ),
    Story(
        "colony48",
        "COLONY-48",
        "Відремонтувати душові та забезпечити гарячу воду щотижня.",
        "medium",
        "material_conditions",
        [
            (-50, "lawyer", "draft_act", act("Вимагаємо відремонтувати душові.")),
            (-49, "manager", "approve_act", {"approved": True}),
        ],
    ),
    Story(
        "internat_dnipro",
        "INTERNAT-DNIPRO",
        "Забезпечити підопічним можливість телефонувати рідним.",
        "medium",
        "contact_with_outside_world",
        [
            (-40, "lawyer", "draft_act", act("Вимагаємо забезпечити зв'язок із рідними.")),
            (-39, "manager", "approve_act", {"approved": True}),
            (
                -12,
                "authority",
                "authority_reply",
                {
                    "reply_text": "Встановлено телефон у холі; графік дзвінків.",
                    "measures": "Наказ № 14 від 10.11.2026",
                    "attachments": ["наказ-14.pdf"],
                },
            ),
        ],
    ),
    Story(
        "sizo_odesa",
        "SIZO-ODESA",
        "Облаштувати камери для осіб з інвалідністю.",
        "high",
        "material_conditions",
        [
            (-60, "lawyer", "draft_act", act("Вимагаємо облаштувати камери.")),
            (-59, "manager", "approve_act", {"approved": True}),
            (
                -35,
                "authority",
                "authority_reply",
                {"reply_text": "Роботи тривають."},
            ),
            (
                -30,
                "lawyer",
                "review_reply",
                {
                    "outcome": "partially_implemented",
                    "verification_method": "documents",
                    "verify_later": True,
                    "follow_up_date": "+20",
                    "assessment_note": "Перевірити під час повторного візиту.",
                },
            ),
        ],
    ),
    Story(
        "colony_zp",
        "DKVS-SOUTH",
        "Забезпечити укриття для засуджених під час повітряних тривог.",
        "critical",
        "treatment",
        [
            (-45, "lawyer", "draft_act", act("Вимагаємо забезпечити укриття.")),
            (-44, "manager", "approve_act", {"approved": True}),
            (-10, "sweep", "", {}),
            (
                -5,
                "lawyer",
                "decide_next_steps",
                {"next_action": "escalate", "decision_reason": "Відповіді в строк не надано."},
            ),
            (-5, "manager", "approve_letter", {"approved": True}),
        ],
    ),
    Story(
        "colony48",
        "COLONY-48",
        "Припинити практику тримання в дисциплінарному ізоляторі понад строк.",
        "high",
        "treatment",
        [
            (-150, "lawyer", "draft_act", act("Вимагаємо припинити порушення строків.")),
            (-149, "manager", "approve_act", {"approved": True}),
            (-110, "sweep", "", {}),
            (
                -108,
                "lawyer",
                "decide_next_steps",
                {"next_action": "protocol", "decision_reason": "Систематичне невиконання вимог."},
            ),
            # The colony's month ran out about 119 days ago: the offence was committed the day after.
            (-100, "lawyer", "draw_protocol", protocol("-115")),
            (-99, "manager", "approve_protocol", {"protocol_approval": "approve"}),
            (
                -60,
                "lawyer",
                "follow_court_case",
                {
                    "court_action": "hearing",
                    "case_number": "465/7781/26",
                    "hearing_date": "-60",
                    # Set after the three months from the offence ran out: the page says so.
                    "next_hearing_date": "-20",
                },
            ),
        ],
    ),
    Story(
        "custody_kyiv",
        "GUNP-KYIV",
        "Повідомляти родичів про затримання протягом години.",
        "medium",
        "legal_safeguards",
        [
            (-90, "lawyer", "draft_act", act("Вимагаємо повідомляти родичів.", "information_request")),
            (-89, "manager", "approve_act", {"approved": True}),
            (
                -80,
                "authority",
                "authority_reply",
                {"reply_text": "Запроваджено журнал повідомлень."},
            ),
            (-78, "lawyer", "review_reply", REVIEW_DONE),
        ],
    ),
    Story(
        "psych_odesa",
        "OPNL-ODESA",
        "Забезпечити пацієнтам щоденні прогулянки на свіжому повітрі.",
        "low",
        "regime_and_activities",
        [
            (-70, "lawyer", "draft_act", act("Рекомендуємо забезпечити прогулянки.", "letter")),
            (-69, "manager", "approve_act", {"approved": True}),
            (
                -50,
                "authority",
                "authority_reply",
                {"reply_text": "Відділення закрито на реконструкцію."},
            ),
            (
                -48,
                "lawyer",
                "review_reply",
                {
                    "outcome": "no_longer_relevant",
                    "verification_method": "documents",
                    "verify_later": False,
                    "assessment_note": "Відділення закрито, пацієнтів переведено.",
                },
            ),
        ],
    ),
    Story(
        "itt_kharkiv",
        "GUNP-KH",
        "Забезпечити затриманих питною водою та триразовим харчуванням.",
        "high",
        "material_conditions",
        [
            (-25, "lawyer", "draft_act", act("Вимагаємо забезпечити харчування.")),
            (-24, "manager", "approve_act", {"approved": True}),
            (
                -8,
                "authority",
                "extension",
                {"requested_until": "+20w", "reason": "Укладається договір із постачальником харчування."},
            ),
            (
                -7,
                "lawyer",
                "decide_extension",
                {
                    "extension_granted": True,
                    "extension_until": "+15w",
                    "extension_decision_note": "Продовжено з огляду на закупівлю.",
                },
            ),
        ],
    ),
    # A late reply: the colony answers weeks after its deadline, while the protocol is being drawn
    # up; the lawyer is asked to assess it and decide whether it changes the path.
    Story(
        "colony48",
        "COLONY-48",
        "Забезпечити засуджених індивідуальними спальними місцями.",
        "high",
        "material_conditions",
        [
            (-70, "lawyer", "draft_act", act("Вимагаємо забезпечити кожного засудженого спальним місцем.")),
            (-69, "manager", "approve_act", {"approved": True}),
            (-33, "sweep", "", {}),
            (
                -30,
                "lawyer",
                "decide_next_steps",
                {"next_action": "protocol", "decision_reason": "Відповіді немає понад місяць."},
            ),
            (
                -2,
                "authority",
                "authority_reply",
                {
                    "reply_text": "Закуплено 40 ліжок; встановлення триває.",
                    "measures": "Договір поставки № 118 від 10.11.2026",
                },
            ),
        ],
    ),
    # An extension request still waiting for the lawyer: the authority can reply meanwhile.
    Story(
        "sizo_odesa",
        "SIZO-ODESA",
        "Забезпечити затриманим доступ до душу щонайменше раз на тиждень.",
        "medium",
        "material_conditions",
        [
            (-22, "lawyer", "draft_act", act("Вимагаємо забезпечити доступ до душу.")),
            (-21, "manager", "approve_act", {"approved": True}),
            (
                -1,
                "authority",
                "extension",
                {
                    "requested_until": "+30w",
                    "reason": "Потрібен капітальний ремонт душових; кошторис на погодженні.",
                },
            ),
        ],
    ),
    # An extension refused after the deadline had passed: the grace term of working days, then the
    # breach.
    Story(
        "custody_kyiv",
        "GUNP-KYIV",
        "Забезпечити кімнату для затриманих системою відеоспостереження без «сліпих зон».",
        "high",
        "legal_safeguards",
        [
            (-45, "lawyer", "draft_act", act("Вимагаємо усунути «сліпі зони» відеоспостереження.")),
            (-44, "manager", "approve_act", {"approved": True}),
            (
                -16,
                "authority",
                "extension",
                {"requested_until": "+10w", "reason": "Очікуємо постачання камер за державною закупівлею."},
            ),
            (-9, "sweep", "", {}),
            (
                -8,
                "lawyer",
                "decide_extension",
                {
                    "extension_granted": False,
                    "extension_decision_note": "Закупівля не залежить від строку розгляду.",
                },
            ),
            (-1, "sweep", "", {}),
        ],
    ),
    # A protocol within its limitation period, pending in court (issue 15).
    Story(
        "sizo_odesa",
        "SIZO-ODESA",
        "Забезпечити затриманих окремими ліжками в камерах карантину.",
        "high",
        "material_conditions",
        [
            (-80, "lawyer", "draft_act", act("Вимагаємо забезпечити кожного затриманого окремим ліжком.")),
            (-79, "manager", "approve_act", {"approved": True}),
            (-45, "sweep", "", {}),
            (
                -44,
                "lawyer",
                "decide_next_steps",
                {"next_action": "protocol", "decision_reason": "Подання не розглянуто у строк."},
            ),
            (-43, "lawyer", "draw_protocol", protocol("-44", "Приморський районний суд м. Одеси")),
            (-42, "manager", "approve_protocol", {"protocol_approval": "approve"}),
            (
                -20,
                "lawyer",
                "follow_court_case",
                {
                    "court_action": "hearing",
                    "case_number": "522/4410/26",
                    "hearing_date": "-20",
                    "next_hearing_date": "+10",
                },
            ),
        ],
    ),
    # A penalty imposed and appealed within the ten days of Art. 294 (issue 15).
    Story(
        "colony48",
        "COLONY-48",
        "Забезпечити засуджених у ДІЗО постільною білизною.",
        "medium",
        "material_conditions",
        [
            (-125, "lawyer", "draft_act", act("Вимагаємо видати постільну білизну в ДІЗО.")),
            (-124, "manager", "approve_act", {"approved": True}),
            (-86, "sweep", "", {}),
            (
                -85,
                "lawyer",
                "decide_next_steps",
                {"next_action": "protocol", "decision_reason": "Подання не виконано."},
            ),
            (-84, "lawyer", "draw_protocol", protocol("-90")),
            (-83, "manager", "approve_protocol", {"protocol_approval": "approve"}),
            (
                -12,
                "lawyer",
                "follow_court_case",
                {
                    "court_action": "decision",
                    "case_number": "465/9120/26",
                    "court_decision": "offender_liable",
                    "penalty_amount": 3400,
                    "decision_date": "-12",
                    "court_note": "Накладено штраф.",
                },
            ),
            (
                -4,
                "lawyer",
                "decide_appeal",
                {
                    "appeal_action": "appealed",
                    "appeal_filed_on": "-5",
                    "appeal_note": "Скаргу подав порушник.",
                },
            ),
        ],
    ),
]


DATE_FIELDS = (
    "requested_until",
    "offence_date",
    "appeal_filed_on",
    "appeal_decision_date",
    "follow_up_date",
    "protocol_date",
    "hearing_date",
    "next_hearing_date",
    "extension_requested_until",
    "extension_until",
    "new_due_date",
    "decision_date",
)


def _dates(data: dict, today: date) -> dict:
    """Form dates in the stories are written relative to the real today ("+20", "-60"); "+15w" is
    the first working day on or after that day (a deadline is always a working day)."""
    out = dict(data)
    for key in DATE_FIELDS:
        value = out.get(key)
        if isinstance(value, str) and value[:1] in "+-":
            working = value.endswith("w")
            day = today + timedelta(days=int(value.rstrip("w")))
            out[key] = (deadlines.next_working_day(day) if working else day).isoformat()
    return out


def holiday_story(today: date) -> Story | None:
    """A submission whose month ends on a public holiday near today (received a month before it),
    so that the deadline is seen moving to the next working day; None when no holiday is near."""
    near = sorted(
        (row for row in calendar.days() if row.kind == "holiday" and row.day <= today + timedelta(days=30)),
        key=lambda row: abs((row.day - today).days),
    )
    for row in near:
        if row.day < today - timedelta(days=150):
            break
        try:
            received = (
                row.day.replace(month=row.day.month - 1)
                if row.day.month > 1
                else row.day.replace(year=row.day.year - 1, month=12)
            )
        except ValueError:  # 31 March has no 31 February
            continue
        offset = (received - today).days
        if offset > -3 or deadlines.add_period(received, "P1M") != row.day:
            continue
        return Story(
            "colony_zp",
            "DKVS-SOUTH",
            "Облаштувати окремі приміщення для побачень із дітьми.",
            "medium",
            "contact_with_outside_world",
            [
                (
                    offset - 1,
                    "lawyer",
                    "draft_act",
                    act("Вимагаємо облаштувати кімнату для побачень із дітьми."),
                ),
                (offset, "manager", "approve_act", {"approved": True}),
            ],
        )
    return None


def load(force: bool = False) -> str:
    session = db.session
    if session.scalar(sa.select(sa.func.count()).select_from(Recommendation)) and not force:
        return "demo data already loaded (use --force to add another set)"
    real_now = clock.now()
    today = kyiv_date(real_now)
    seed_reference()
    codes = {a.code: a for a in session.scalars(sa.select(Authority))}
    for code, uk, en, level, parent in AUTHORITIES:
        if code not in codes:
            codes[code] = authorities.create(
                code=code,
                name_uk=uk,
                name_en=en,
                level=level,
                parent_id=codes[parent].id,
                emails=[f"{code.lower()}@example.gov.ua"],
                actor="demo",
            )
    people: dict[str, User] = {}
    officials = [
        (f"{code.lower()}@ombudsflow.local", f"Посадова особа: {uk[:150]}", "authority", code)
        for code, uk, *_ in AUTHORITIES
    ]
    for email, name, role, authority in PEOPLE + officials + SECOND_OFFICIALS:
        user = session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = users.create_user(
                email, name=name, role=role, authority_code=authority, password=DEMO_PASSWORD, actor="demo"
            )
        people[email] = user
    # The colony's first official is its lead: they invite colleagues on /portal (issue 16).
    for email in LEAD_OFFICIALS:
        people[email].authority_lead = True
    lawyer, manager = people["lawyer@ombudsflow.local"], people["manager@ombudsflow.local"]
    lawyer2, monitor = people["lawyer2@ombudsflow.local"], people["monitor@ombudsflow.local"]
    # Both lawyers may draw up (and so sign) protocols: ст. 188-40, 256 КУпАП.
    for person in (lawyer, lawyer2):
        for permission in ("draw_protocols", "sign_documents"):
            grants.grant(person, permission, actor="demo")
    # Acts are signed by a person from the registry of signatories: the manager, by position.
    grants.set_position(manager, ACT["signatory"], actor="demo")
    grants.grant(manager, "sign_documents", actor="demo")
    by_role = {"lawyer": lawyer, "manager": manager}
    for email, _name, _role, code in officials:
        by_role[f"authority:{code}"] = people[email]
    places = {}
    for key, uk, en, kind, region, code, hostile, note in FACILITIES:
        places[key] = facilities.create(
            name_uk=uk,
            name_en=en,
            kind=kind,
            region=region,
            authority_id=codes[code].id,
            in_hostilities_area=hostile,
            access_note=note,
            address="",
            actor="demo",
        )
    session.commit()

    # The demo counts terms as in peacetime, so that a deadline moved off a public holiday can be
    # seen (martial law makes holidays working days); `ombudsflow calendar martial-law on` restores it.
    calendar.set_martial_law(False, actor="demo")
    stories = list(STORIES)
    moved = holiday_story(today)
    if moved is not None:
        stories.append(moved)
    made = 0
    for number, story in enumerate(sorted(stories, key=lambda s: min(d for d, *_ in s.steps))):
        start = min(d for d, *_ in story.steps) - 3
        clock.freeze(real_now + timedelta(days=start))
        visit = visits.create(
            facility_id=places[story.facility].id,
            kind="regular" if number % 3 else "ad_hoc",
            starts_on=kyiv_date(clock.now()) - timedelta(days=2),
            ends_on=kyiv_date(clock.now()) - timedelta(days=1),
            access_problems="Затримка з допуском на 40 хвилин." if number % 4 == 0 else "",
            members=[
                {"name": lawyer.name, "role": "head", "user_id": lawyer.id},
                {"name": monitor.name, "role": "monitor", "user_id": monitor.id},
            ],
            user=lawyer,
        )
        finding = visits.add_finding(
            visit,
            text=FINDINGS[story.text],
            category=story.category,
            severity=story.severity,
            user=lawyer,
        )
        creator = lawyer if number % 2 == 0 else lawyer2
        rec = recommendations.create(
            finding_id=finding.id,
            authority_id=codes[story.authority].id,
            text=story.text,
            severity=story.severity,
            category=story.category,
            user=creator,
        )
        session.commit()
        for offset, role, action, data in story.steps:
            clock.freeze(real_now + timedelta(days=offset))
            if role == "sweep":
                timers.sweep(actor="demo")
                _deliver()
                continue
            if action == "-":
                continue
            if action == "extension":
                official = by_role[f"authority:{rec.addressee.code}"]
                data = _dates(data, today)
                extensions.request(
                    rec,
                    rec.addressee_id,
                    requested_until=data["requested_until"],
                    reason=data["reason"],
                    actor=official.actor,
                )
                session.commit()
                _deliver()
                continue
            task = _open_task(rec, action if action != "claim" else None)
            if role == "lawyer":
                actor = creator
            elif role == "authority":
                actor = by_role[f"authority:{rec.addressee.code}"]
            else:
                actor = by_role[role]
            if action == "claim":
                work.claim(actor, task.id)
            else:
                work.complete(actor, task.id, _dates(data, today), task.version)
            session.commit()
            _deliver()  # the authorities' mail servers accept what was sent: receipts start terms
        made += 1
    _portal_letter(codes["COLONY-48"], lawyer, manager)
    made += _grouped_submission(places["colony48"], codes["COLONY-48"], lawyer, manager, monitor, real_now)
    planned = load_planning(places, people, codes, real_now)
    clock.freeze(real_now)
    timers.sweep(actor="demo")
    _deliver()
    # Some open lawyer tasks are claimed, so that "my tasks" is not empty on first sign-in.
    for task in session.scalars(
        sa.select(HumanTask)
        .where(HumanTask.status == "open", HumanTask.role == "lawyer", HumanTask.assignee.is_(None))
        .limit(3)
    ):
        work.claim(lawyer, task.id)
    session.commit()
    _transparency(manager)
    clock.reset()
    return (
        f"demo data loaded: {len(AUTHORITIES)} authorities, {len(FACILITIES)} facilities, "
        f"{made} recommendations; {planned}; "
        f"sign in as lawyer@ombudsflow.local / {DEMO_PASSWORD} (also manager@, admin@, monitor@, designer@, "
        f"and colony-48@ombudsflow.local for an authority); the calendar counts terms as in peacetime "
        f"(`ombudsflow calendar martial-law on` makes public holidays working days again)"
    )


def _portal_letter(colony: Authority, lawyer: User, manager: User) -> None:
    """A letter (an outgoing document, with its PDF) about the colony's recommendation that awaits
    its answer: what the colony's officials find under «Отримані документи» on /portal."""
    from .documents import approval
    from .documents import services as documents
    from .users import grants

    rec = db.session.scalar(
        sa.select(Recommendation)
        .where(Recommendation.addressee_id == colony.id, Recommendation.status == "awaiting_reply")
        .order_by(Recommendation.id)
        .limit(1)
    )
    if rec is None:
        return
    grants.grant(manager, "sign_documents", actor="demo")
    doc = documents.draft(
        kind="letter",
        addressee_id=colony.id,
        recommendation_ids=[rec.id],
        author=lawyer,
        signatory_id=manager.id,
        subject="Щодо стану виконання рекомендації",
    )
    if approval.needs_approval(doc.kind):
        documents.submit(lawyer, doc.id, expected_version=doc.version)
        documents.approve(manager, doc.id, expected_version=doc.version)
    documents.mark_sent(manager, doc.id)
    db.session.commit()
    _deliver()


GROUPED = (
    ("Камери дільниці карантину не провітрюються.", "Забезпечити дієву вентиляцію камер дільниці карантину."),
    ("Засуджені не мають доступу до питної води вночі.", "Забезпечити цілодобовий доступ до питної води."),
    ("Душові не працюють понад місяць.", "Відремонтувати душові та забезпечити помивку щотижня."),
)


def _grouped_submission(place, authority, lawyer: User, manager: User, monitor: User, real_now) -> int:
    """One submission (одне подання) for three recommendations of one visit to one authority: one
    register number, three follow-ups; the colony has answered the first one with its measures."""
    from .documents import answers, grouping

    clock.freeze(real_now - timedelta(days=12))
    visit = visits.create(
        facility_id=place.id,
        kind="regular",
        starts_on=kyiv_date(clock.now()) - timedelta(days=2),
        ends_on=kyiv_date(clock.now()) - timedelta(days=1),
        access_problems="",
        members=[
            {"name": lawyer.name, "role": "head", "user_id": lawyer.id},
            {"name": monitor.name, "role": "monitor", "user_id": monitor.id},
        ],
        user=lawyer,
    )
    recs = []
    for found, asked in GROUPED:
        finding = visits.add_finding(
            visit, text=found, category="material_conditions", severity="high", user=lawyer
        )
        recs.append(
            recommendations.create(
                finding_id=finding.id,
                authority_id=authority.id,
                text=asked,
                severity="high",
                category="material_conditions",
                user=lawyer,
            )
        )
    db.session.commit()
    grouping.submit_group(lawyer, recommendation_ids=[r.id for r in recs], signatory_id=manager.id)
    db.session.commit()
    clock.freeze(real_now - timedelta(days=11))
    for rec in recs:
        task = _open_task(rec, "approve_act")
        work.complete(manager, task.id, {"approved": True}, task.version)
        db.session.commit()
    _deliver()
    clock.freeze(real_now - timedelta(days=3))
    answers.record_answer(
        recs[0].id,
        authority_id=authority.id,
        reply_text="Вентиляцію камер дільниці карантину відремонтовано.",
        measures="Акт виконаних робіт від 20.11; фото додаються.",
    )
    db.session.commit()
    _deliver()
    return len(recs)


def _deliver() -> None:
    delivery.deliver_due(actor="demo")
    db.session.commit()


def _transparency(manager: User) -> None:
    """What the transparency page starts with: the finished recommendations published, an alert set
    for the manager, the public figures prepared."""
    from .alerts import services as alerts
    from .publication import services as publication
    from .publication import snapshot

    finished = db.session.scalars(
        sa.select(Recommendation.id)
        .where(Recommendation.status.in_(("implemented", "closed")))
        .order_by(Recommendation.id)
    ).all()
    for rec_id in finished[:3]:
        publication.publish(manager, rec_id)
    alerts.subscribe(manager, kind="protocol_limitation", days="14")
    db.session.commit()
    snapshot.refresh()


def _open_task(rec: Recommendation, element_id: str | None) -> HumanTask:
    query = sa.select(HumanTask).where(
        HumanTask.instance_id == rec.process_instance_id, HumanTask.status == "open"
    )
    if element_id:
        query = query.where(HumanTask.element_id == element_id)
    task = db.session.scalars(query.order_by(HumanTask.created_at)).first()
    if task is None:
        raise LookupError(f"demo: {rec.number} has no open task {element_id or ''}".strip())
    return task


def load_planning(places: dict, people: dict, authorities_by_code: dict, real_now) -> str:
    """Visit planning's demo (workflows/planning/demo.py): the monitoring pool, a plan half done, a
    draft for next year. Kept apart from the stories above so that each changes without the other."""
    from .planning import demo as planning_demo

    return planning_demo.load(
        places=places, people=people, authorities_by_code=authorities_by_code, real_now=real_now
    )
