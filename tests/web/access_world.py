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
from workflows.answers import evidence
from workflows.answers import links as reply_links
from workflows.answers import services as answering
from workflows.authorities.models import Authority
from workflows.documents import services as documents
from workflows.monitors import services as monitors
from workflows.observations import services as observations
from workflows.planning import plans
from workflows.recommendations.models import ResponseAct
from workflows.users import accounts, invitations
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
    letters = _letters(db, desk, scenario, people, document, world)

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
        "act_id": str(
            db.session.scalar(sa.select(ResponseAct.id).where(ResponseAct.recommendation_id == rec_a.id))
        ),
        **letters,
    }
    emails = {principal: people[account].email for principal, account in ACCOUNTS.items()}
    return AccessWorld(world, fills, links.reply_token(rec_b.id, rec_b.addressee_id), tokens, emails)


def _letters(db, desk, scenario, people, document, world) -> dict[str, str]:
    """The letters' side of A's world (issue 16 and after): a letter sent to the colony with its
    registry reply link, answered by the colony's official with an evidence file; a finding's file
    kept inside the Office; spare links, tokens, accounts and invitations for the routes that end
    them (each such route names its own, so that the first allowed principal's success changes
    nothing another row asks about)."""
    colony = world.colony_admin
    rec_answered = desk.recs[2]
    scenario.send_act(rec_answered)
    letter = desk.approved(recs=[rec_answered])
    documents.mark_sent(people["manager"], letter.id)
    db.session.commit()
    link, token = reply_links.issue(letter, actor="test")
    actor = f"link:authority:{colony.id}"
    (file,) = evidence.attach_to_draft(
        [evidence.Upload("акт-перевірки.pdf", b"%PDF-1.4\n%%EOF\n")],
        document_id=letter.id,
        authority_id=colony.id,
        recommendation_id=rec_answered.id,
        actor=actor,
    )
    answering.submit(
        letter,
        colony.id,
        items=[answering.ItemInput(rec_answered.id, "implemented", "Вентиляцію відремонтовано.", "", [])],
        official=answering.Official("Ганна Коваль", "Начальник відділу", ""),
        idempotency_key="matrix-answer-000001",
        actor=people["authority"].actor,
        user=people["authority"],
    )
    # Links the revoke routes end: one per route (another authority's, so none supersedes another).
    spare_links = [
        reply_links.issue(document, actor="test", authority_id=authority_id)[0]
        for authority_id in (world.regional.id, world.regional.parent_id)
    ]
    finding_file = evidence.attach_to_finding(
        evidence.Upload("фото.pdf", b"%PDF-1.4\n%%EOF\n"),
        finding_id=world.finding_id,
        internal_only=False,
        user=people["lawyer"],
    )
    spare_tokens = [
        accounts.create_token(people["lawyer2"], label=f"spare {n}", actor="test")[0] for n in (1, 2)
    ]
    spare_user = users.create_user(
        "spare@ombudsman.example", name="Запасний Юрист", role="lawyer", password=PASSWORD
    )
    spare_official = users.create_user(
        "spare@colony.example",
        name="Запасний Посадовець",
        role="authority",
        authority_code=colony.code,
        password=PASSWORD,
    )
    welcome = invitations.invite(
        people["admin"], colony.id, email="invited@colony.example", name="Запрошений Посадовець"
    )
    withdrawn = invitations.invite(
        people["admin"], colony.id, email="withdrawn@colony.example", name="Відкликаний Посадовець"
    )
    db.session.commit()
    return {
        "answered_document": str(letter.id),
        "reply_token": token,
        "link_id": str(link.id),
        "spare_link_api": str(spare_links[0].id),
        "spare_link_page": str(spare_links[1].id),
        "evidence_id": str(file.id),
        "finding_evidence_id": str(finding_file.id),
        "token_id": str(spare_tokens[0].id),
        "spare_token_page": str(spare_tokens[1].id),
        "spare_user": str(spare_user.id),
        "spare_official": str(spare_official.id),
        "invitation_id": str(withdrawn.invitation.id),
        "invitation_token": welcome.url.rsplit("/", 1)[-1],
    }
