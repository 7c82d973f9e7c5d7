"""The world of the access matrix, built once per backend through the real services: recommendation
A (the target: addressed to the colony's administration, its act sent and received, a document, an
observation, an open task), recommendation B (to another authority, after another visit — whose
signed link and monitor are principals), a plan with a visit, a monitor, a draft, an alert.

Every record a route can name is one of A's world, so each principal's answer says whether they may
reach that record: the colony's official may, its superior reads it, the others must not even learn
that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from engine import drafts
from engine.models import Deployment, DeploymentFile, HumanTask, OutboxMessage
from tests.web.conftest import PASSWORD
from tests.web.scenario import Scenario
from tests.workflows.conftest import build_world
from tests.workflows.documents_world import build_desk
from workflows import links
from workflows.alerts import services as alerts
from workflows.authorities.models import Authority
from workflows.monitors import services as monitors
from workflows.observations import services as observations
from workflows.planning import plans
from workflows.users import services as users
from workflows.visits import services as visits

# Principals: who knocks. Names are the matrix's columns (tests/web/access_matrix.py).
ANONYMOUS = "anonymous"
LINK = "link"  # holds the signed reply link of recommendation B only, no account
PRINCIPALS = (
    ANONYMOUS,
    "lawyer",  # the lawyer of A's visit
    "lawyer2",  # another lawyer of the Office
    "manager",
    "admin",
    "designer",
    "monitor",  # a civil-society monitor of A's visit
    "authority",  # an official of A's addressee (the colony's administration)
    "superior",  # an official of the addressee's superior (the regional department)
    "other_authority",  # an official of another authority (the Ministry of Health)
    "other_monitor",  # a monitor of another visit (B's)
    LINK,
)
# The account behind each principal that has one (world.users keys, or created below).
ACCOUNTS = {
    "lawyer": "lawyer",
    "lawyer2": "lawyer2",
    "manager": "manager",
    "admin": "admin",
    "designer": "designer",
    "monitor": "monitor",
    "authority": "authority",
    "superior": "regional",
    "other_authority": "other_authority",
    "other_monitor": "other_monitor",
}

MISSING_ID = 987654  # no record of any kind has this id


@dataclass
class AccessWorld:
    world: object
    fills: dict[str, str]  # URL parameter name -> the value naming A's world
    link_token: str  # principal LINK's own link (recommendation B)
    tokens: dict[str, str] = field(default_factory=dict)  # principal -> API token
    emails: dict[str, str] = field(default_factory=dict)  # principal -> the e-mail they sign in with


def build(db, clock) -> AccessWorld:
    world = build_world(db)
    desk = build_desk(world, db)
    people = world.users
    people["designer"] = users.create_user(
        "designer@ombudsman.example", name="Дизайнер Процесів", role="designer", password=PASSWORD
    )
    people["other_monitor"] = users.create_user(
        "monitor2@ngo.example", name="Інший монітор", role="monitor", password=PASSWORD
    )
    db.session.commit()
    scenario = Scenario(db, world, clock)

    rec_a = desk.recs[0]
    scenario.send_act(rec_a)
    document = desk.approved()
    task = db.session.scalar(
        sa.select(HumanTask)
        .where(HumanTask.instance_id == rec_a.process_instance_id, HumanTask.status == "open")
        .order_by(HumanTask.id)
    )
    assert task is not None, "recommendation A has no open task"

    # B: another visit (with the other monitor) to a place of the Ministry of Health.
    moh = db.session.scalar(sa.select(Authority).where(Authority.code == "MOH"))
    facility_b, admin_b, _finding = scenario.place(
        region="kyiv_city", kind="psychiatric_hospital", name_uk="Психіатрична лікарня № 2", parent=moh
    )
    visit_b = visits.create(
        facility_id=facility_b.id,
        kind="regular",
        starts_on=date(2026, 11, 16),
        ends_on=date(2026, 11, 16),
        members=[
            {"name": "Петро Юрист", "role": "head", "user_id": people["lawyer2"].id},
            {"name": "Інший монітор", "role": "monitor", "user_id": people["other_monitor"].id},
        ],
        user=people["lawyer2"],
    )
    finding_b = visits.add_finding(
        visit_b,
        text="Відсутні засоби виклику персоналу в палатах.",
        category="material_conditions",
        severity="high",
        user=people["lawyer2"],
    )
    db.session.commit()
    rec_b = scenario.recommendation(finding_id=finding_b.id, authority=admin_b, by="lawyer2")
    scenario.send_act(rec_b)

    observation = observations.add(
        people["monitor"], rec_a.id, text="Вентиляцію досі не встановлено.", observed_on=date(2026, 11, 20)
    )
    subscription = alerts.subscribe(
        people["manager"], kind="overdue_authority", authority_id=world.colony_admin.id
    )
    plan = plans.create(year=2027, targets={"visits": 1}, user=people["lawyer"])
    planned = plans.add_visit(plan, facility_id=world.facility_id, month=3, user=people["lawyer"])
    # Cancelling is done by the first allowed principal: each cancel route has a visit of its own.
    spare_api, spare_page = (
        plans.add_visit(plan, facility_id=facility_b.id, month=month, user=people["lawyer"])
        for month in (4, 5)
    )
    person = monitors.create(name="Оксана Моніторка", kind="civil_society", region="lviv", actor="test")
    deployment = db.session.scalar(sa.select(Deployment).order_by(Deployment.id))
    draft = drafts.from_deployment(deployment.id, actor="test")
    bpmn_file = db.session.scalar(
        sa.select(DeploymentFile.filename)
        .where(DeploymentFile.deployment_id == deployment.id, DeploymentFile.filename.like("%.bpmn"))
        .order_by(DeploymentFile.filename)
    )
    message = db.session.scalar(sa.select(OutboxMessage).order_by(OutboxMessage.id))
    tokens = {
        principal: users.issue_token(people[account], label="matrix", actor="test")
        for principal, account in ACCOUNTS.items()
    }
    db.session.commit()

    fills = {
        "recommendation_id": str(rec_a.id),
        "visit_id": str(world.visit_id),
        "finding_id": str(world.finding_id),
        "document_id": str(document.id),
        "task_id": task.id,
        "observation_id": str(observation.id),
        "subscription_id": str(subscription.id),
        "plan_id": str(plan.id),
        "planned_visit_id": str(planned.id),
        "spare_planned_visit_api": str(spare_api.id),
        "spare_recommendation": str(desk.recs[1].id),
        "spare_planned_visit_page": str(spare_page.id),
        "monitor_id": str(person.id),
        "item_id": str(MISSING_ID),  # no absence or conflict recorded: allowed people get 404
        "action": "absence",
        "authority_id": str(world.colony_admin.id),
        "facility_id": str(world.facility_id),
        "user_id": str(people["lawyer2"].id),
        "permission": "sign_documents",
        "kind": "places",
        "day": "2026-12-31",
        "message_id": str(message.id),
        "incident_id": str(MISSING_ID),  # no incident in this world
        "expense_id": str(MISSING_ID),  # no expense in this world
        "draft_id": str(draft.id),
        "deployment_id": str(deployment.id),
        "filename": bpmn_file,
        "process_id": task.process_id,
        "number": "1",
        "decision_id": "reply_terms",
        "migration_id": str(MISSING_ID),
        "run_id": str(MISSING_ID),
        "token": links.reply_token(rec_a.id, rec_a.addressee_id),
    }
    emails = {principal: people[account].email for principal, account in ACCOUNTS.items()}
    return AccessWorld(world, fills, links.reply_token(rec_b.id, rec_b.addressee_id), tokens, emails)
