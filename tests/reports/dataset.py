"""A known data set for the dashboard: recommendations in every state, written as the domain writes
them (rows of `recommendation`, acts, replies, escalations), at dates chosen so that every figure
can be counted by hand. The clock stands at Monday 23.11.2026 09:00 Kyiv (tests/conftest.py T0).

Authorities (roll-up):
    MOJ ─ DKVS-WEST ─┬─ COLONY-48  (Lviv penal colony No. 48, lviv, penal_colony)
                     └─ SIZO-KH    (Kharkiv SIZO, kharkiv, pretrial_detention)
    MOH ─ HOSP-KY                  (Kyiv psychiatric hospital, kyiv_city, psychiatric_hospital)

Open (12): A1–A12; overdue (statutory deadline passed) 7: A1–A7.
    A1  colony  awaiting_reply   due 22.11 end of day  1 day     critical material  lawyer
    A2  colony  awaiting_reply   due 16.11             7 days    high     health    lawyer
    A3  colony  reply_overdue    due 15.11             8 days    critical treatment lawyer2
    A4  sizo    escalated        due 24.10            30 days    medium   material  lawyer2
    A5  sizo    reply_overdue    due 23.10            31 days    high     staff     (nobody)
    A6  hosp    awaiting_reply   due 25.08            90 days    critical health    lawyer
    A7  hosp    reply_overdue    due 24.08            91 days    low      other     lawyer2
    A8  colony  follow_up        check date 01.11 (not a statutory term: not overdue)  high lawyer
    A9  sizo    in_court         hearing 10.11 (not overdue)           critical treatment lawyer2
    A10 colony  awaiting_reply   due 23.11 (today, not passed)          medium material lawyer
    A11 hosp    draft                                                   low    other  (nobody)
    A12 sizo    under_verification                                      medium material lawyer
Finished: C1 colony implemented (01.03 → 01.06.2026, 92 days), C2 sizo implemented (10.01 → 09.02.2026,
30 days), C3 hosp closed not implemented (15.09.2026), C5 sizo closed after court (05.10.2026),
C4 colony implemented 01.06.2025 (before the periods tested).
First replies (days after the first act): A12 20, C1 30, C2 5, A8 19 (2026); C4 4 (2025).
Protocols: A9 of 01.09.2026 pending (limitation ends 01.12: 8 days left), A12 of 01.08.2026 pending
(ended 01.11: expired), A4 of 15.10.2026 pending (ends 15.01.2027: 53 days), C5 decided
offender_liable on 01.10.2026.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from tests.conftest import T0
from workflows.authorities import services as authorities
from workflows.authorities.models import Authority
from workflows.deadlines import KYIV
from workflows.escalations.models import Escalation
from workflows.facilities import services as facilities
from workflows.recommendations.models import AuthorityReply, Recommendation, ResponseAct
from workflows.visits import services as visits

# The statuses in which a passed deadline is a recorded breach in these data.
STATUTORY = ("awaiting_reply", "reply_overdue", "escalated")


def kyiv(day: date, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), KYIV).astimezone(UTC)


def end_of(day: date) -> datetime:
    return kyiv(day, 23, 59, 59)


D = date


@dataclass
class Dataset:
    moj: Authority
    moh: Authority
    west: Authority
    colony: Authority
    sizo: Authority
    hospital: Authority
    places: dict
    recs: dict[str, Recommendation] = field(default_factory=dict)


def build(db, world) -> Dataset:
    users = world.users
    moh = db.session.scalar(sa.select(Authority).where(Authority.code == "MOH"))
    sizo = authorities.create(
        code="SIZO-KH",
        name_uk="Адміністрація Харківського СІЗО",
        name_en="Administration of Kharkiv SIZO",
        level="facility_administration",
        parent_id=world.regional.id,
        actor="test",
    )
    hospital = authorities.create(
        code="HOSP-KY",
        name_uk="Адміністрація Київської психіатричної лікарні",
        name_en="Administration of Kyiv Psychiatric Hospital",
        level="facility_administration",
        parent_id=moh.id,
        actor="test",
    )
    places = {"colony": (world.facility_id, world.colony_admin, world.finding_id)}
    for key, name, kind, region, admin in (
        ("sizo", "Харківський слідчий ізолятор", "pretrial_detention", "kharkiv", sizo),
        ("hosp", "Київська психіатрична лікарня", "psychiatric_hospital", "kyiv_city", hospital),
    ):
        facility = facilities.create(
            name_uk=name, name_en=name, kind=kind, region=region, authority_id=admin.id, actor="test"
        )
        visit = visits.create(
            facility_id=facility.id,
            kind="regular",
            starts_on=D(2026, 3, 1),
            ends_on=D(2026, 3, 2),
            members=[],
            user=users["lawyer"],
        )
        finding = visits.add_finding(
            visit,
            text="Порушення, виявлене під час візиту.",
            category="other",
            severity="medium",
            user=users["lawyer"],
        )
        places[key] = (facility.id, admin, finding.id)
    db.session.flush()
    data = Dataset(world.ministry, moh, world.regional, world.colony_admin, sizo, hospital, places)

    def rec(
        label,
        place,
        status,
        *,
        due=None,
        severity="medium",
        category="material_conditions",
        lawyer=None,
        created=D(2026, 2, 1),
        closed=None,
        outcome=None,
    ):
        facility_id, admin, finding_id = places[place]
        lawyer_id = users[lawyer].id if lawyer else None
        # As the process keeps them: a follow-up check or a hearing is the Office's next step, never
        # a deadline; a statutory deadline that has passed has its breach recorded (`overdue_since`).
        next_step = due if status in ("follow_up", "in_court") else None
        due = None if next_step else due
        breached = due if due is not None and due < T0 and status in STATUTORY else None
        r = Recommendation(
            number=f"Р-T-{label}",
            finding_id=finding_id,
            authority_id=admin.id,
            addressee_id=admin.id,
            facility_id=facility_id,
            region_code={"colony": "lviv", "sizo": "kharkiv", "hosp": "kyiv_city"}[place],
            facility_kind={
                "colony": "penal_colony",
                "sizo": "pretrial_detention",
                "hosp": "psychiatric_hospital",
            }[place],
            text=f"Рекомендація {label}: забезпечити належні умови.",
            search_text=f"рекомендація {label.lower()}: забезпечити належні умови.",
            severity=severity,
            category=category,
            status=status,
            due_at=due,
            overdue_since=breached,
            next_step_at=next_step,
            outcome=outcome,
            responsible_lawyer_id=lawyer_id,
            created_by=users["lawyer"].id,
            created_at=kyiv(created),
            updated_at=kyiv(created),
            closed_at=kyiv(closed) if closed else None,
        )
        db.session.add(r)
        db.session.flush()
        data.recs[label] = r
        return r

    rec("A1", "colony", "awaiting_reply", due=end_of(D(2026, 11, 22)), severity="critical", lawyer="lawyer")
    rec(
        "A2",
        "colony",
        "awaiting_reply",
        due=end_of(D(2026, 11, 16)),
        severity="high",
        category="health_care",
        lawyer="lawyer",
    )
    rec(
        "A3",
        "colony",
        "reply_overdue",
        due=end_of(D(2026, 11, 15)),
        severity="critical",
        category="treatment",
        lawyer="lawyer2",
    )
    rec("A4", "sizo", "escalated", due=end_of(D(2026, 10, 24)), lawyer="lawyer2")
    rec("A5", "sizo", "reply_overdue", due=end_of(D(2026, 10, 23)), severity="high", category="staff")
    rec(
        "A6",
        "hosp",
        "awaiting_reply",
        due=end_of(D(2026, 8, 25)),
        severity="critical",
        category="health_care",
        lawyer="lawyer",
    )
    rec(
        "A7",
        "hosp",
        "reply_overdue",
        due=end_of(D(2026, 8, 24)),
        severity="low",
        category="other",
        lawyer="lawyer2",
    )
    rec("A8", "colony", "follow_up", due=kyiv(D(2026, 11, 1)), severity="high", lawyer="lawyer")
    rec(
        "A9",
        "sizo",
        "in_court",
        due=kyiv(D(2026, 11, 10)),
        severity="critical",
        category="treatment",
        lawyer="lawyer2",
    )
    rec("A10", "colony", "awaiting_reply", due=end_of(D(2026, 11, 23)), lawyer="lawyer")
    rec("A11", "hosp", "draft", severity="low", category="other")
    rec("A12", "sizo", "under_verification", lawyer="lawyer")
    rec(
        "C1",
        "colony",
        "implemented",
        created=D(2026, 3, 1),
        closed=D(2026, 6, 1),
        outcome="implemented",
        lawyer="lawyer",
    )
    rec(
        "C2",
        "sizo",
        "implemented",
        created=D(2026, 1, 10),
        closed=D(2026, 2, 9),
        outcome="implemented",
        lawyer="lawyer2",
    )
    rec(
        "C3",
        "hosp",
        "closed",
        created=D(2026, 4, 1),
        closed=D(2026, 9, 15),
        outcome="not_implemented",
        lawyer="lawyer",
    )
    rec(
        "C4",
        "colony",
        "implemented",
        created=D(2025, 3, 1),
        closed=D(2025, 6, 1),
        outcome="implemented",
        lawyer="lawyer",
    )
    rec(
        "C5",
        "sizo",
        "closed",
        created=D(2026, 2, 1),
        closed=D(2026, 10, 5),
        outcome="not_implemented",
        lawyer="lawyer2",
    )

    def act_and_reply(label, sent: date, replied: list[date]):
        r = data.recs[label]
        db.session.add(
            ResponseAct(
                recommendation_id=r.id,
                kind="submission",
                number=f"A-{label}",
                act_date=sent,
                signatory="Представник Уповноваженого",
                text="Текст подання.",
                addressee_id=r.addressee_id,
                sent_at=kyiv(sent),
                due_at=end_of(sent + timedelta(days=30)),
                created_by="test",
            )
        )
        for day in replied:
            db.session.add(
                AuthorityReply(
                    recommendation_id=r.id,
                    authority_id=r.addressee_id,
                    text="Відповідь органу.",
                    measures="Вжито заходів.",
                    attachments=[],
                    received_at=kyiv(day),
                    was_overdue=day > sent + timedelta(days=30),
                    submitted_by="test",
                )
            )

    act_and_reply("A12", D(2026, 10, 1), [D(2026, 10, 21), D(2026, 11, 1)])
    act_and_reply("C1", D(2026, 3, 5), [D(2026, 4, 4)])
    act_and_reply("C2", D(2026, 1, 12), [D(2026, 1, 17)])
    act_and_reply("A8", D(2026, 9, 1), [D(2026, 9, 20)])
    act_and_reply("C4", D(2025, 6, 1), [D(2025, 6, 5)])
    act_and_reply("A1", D(2026, 10, 22), [])

    def protocol(label, on: date, number: str, decision=None, decided=None):
        r = data.recs[label]
        db.session.add(
            Escalation(
                recommendation_id=r.id,
                kind="protocol",
                target_authority_id=r.addressee_id,
                protocol_number=number,
                protocol_date=on,
                offence_date=on,  # the limitation counts from the offence (here: the protocol's day)
                offender="Посадова особа",
                court="Районний суд",
                created_at=kyiv(on),
                created_by="test",
            )
        )
        if decision:
            db.session.add(
                Escalation(
                    recommendation_id=r.id,
                    kind="court",
                    target_authority_id=r.addressee_id,
                    protocol_number=number,
                    court="Районний суд",
                    case_number="1/2026",
                    hearings=[],
                    decision=decision,
                    decision_date=decided,
                    created_at=kyiv(decided),
                    created_by="test",
                )
            )

    protocol("A9", D(2026, 9, 1), "П-1")
    protocol("A12", D(2026, 8, 1), "П-2")
    protocol("A4", D(2026, 10, 15), "П-3")
    protocol("C5", D(2026, 7, 1), "П-4", decision="offender_liable", decided=D(2026, 10, 1))
    db.session.commit()
    return data
