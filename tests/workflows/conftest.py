"""Fixtures for the NPM domain: the bundled BPMN deployed, a small world of authorities, a facility,
a visit with a finding, and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from config.settings import PROJECT_ROOT
from engine import deployments
from workflows.authorities import services as authorities
from workflows.authorities.models import Authority
from workflows.facilities import services as facilities
from workflows.users import services as users
from workflows.visits import services as visits


@dataclass
class World:
    ministry: Authority
    regional: Authority
    colony_admin: Authority
    facility_id: int
    finding_id: int
    visit_id: int
    users: dict


@pytest.fixture
def world(app, db):
    return build_world(db)


def build_world(db) -> World:
    """The world itself, for fixtures of a wider scope (the access matrix builds it once a module)."""
    deployments.deploy(deployments.collect_files([PROJECT_ROOT / "bpmn"]), actor="test")
    ministry = db.session.scalar(sa.select(Authority).where(Authority.code == "MOJ"))
    regional = authorities.create(
        code="DKVS-WEST",
        name_uk="Міжрегіональне управління ДКВС у західному регіоні",
        name_en="Interregional Department (West)",
        level="regional_body",
        parent_id=ministry.id,
        emails=["west@example.gov.ua"],
        actor="test",
    )
    colony_admin = authorities.create(
        code="COLONY-48",
        name_uk="Адміністрація Львівської виправної колонії № 48",
        name_en="Administration of Lviv Penal Colony No. 48",
        level="facility_administration",
        parent_id=regional.id,
        emails=["colony48@example.gov.ua"],
        actor="test",
    )
    facility = facilities.create(
        name_uk="Львівська виправна колонія № 48",
        name_en="Lviv Penal Colony No. 48",
        kind="penal_colony",
        region="lviv",
        authority_id=colony_admin.id,
        actor="test",
    )
    people = {
        "lawyer": users.create_user(
            "lawyer@ombudsman.example", name="Олена Юрист", role="lawyer", password="correct horse battery"
        ),
        "lawyer2": users.create_user(
            "lawyer2@ombudsman.example", name="Петро Юрист", role="lawyer", password="correct horse battery"
        ),
        "manager": users.create_user(
            "manager@ombudsman.example",
            name="Ірина Керівник",
            role="manager",
            password="correct horse battery",
        ),
        "authority": users.create_user(
            "official@colony48.example",
            name="Посадова особа колонії",
            role="authority",
            authority_code="COLONY-48",
            password="correct horse battery",
        ),
        "regional": users.create_user(
            "official@west.example",
            name="Посадова особа управління",
            role="authority",
            authority_code="DKVS-WEST",
            password="correct horse battery",
        ),
        "other_authority": users.create_user(
            "official@moh.example",
            name="Посадова особа МОЗ",
            role="authority",
            authority_code="MOH",
            password="correct horse battery",
        ),
        "monitor": users.create_user(
            "monitor@ngo.example",
            name="Громадський монітор",
            role="monitor",
            password="correct horse battery",
        ),
        "admin": users.create_user(
            "admin@ombudsman.example", name="Адміністратор", role="admin", password="correct horse battery"
        ),
    }
    db.session.flush()
    visit = visits.create(
        facility_id=facility.id,
        kind="regular",
        starts_on=date(2026, 11, 10),
        ends_on=date(2026, 11, 11),
        members=[
            {"name": "Олена Юрист", "role": "head", "user_id": people["lawyer"].id},
            {"name": "Громадський монітор", "role": "monitor", "user_id": people["monitor"].id},
        ],
        user=people["lawyer"],
    )
    finding = visits.add_finding(
        visit,
        text="У камерах дільниці карантину відсутня вентиляція, вологість понад 80%.",
        category="material_conditions",
        severity="high",
        user=people["lawyer"],
    )
    db.session.commit()
    return World(ministry, regional, colony_admin, facility.id, finding.id, visit.id, people)


class Api:
    """A test client speaking as one user through the REST API (bearer token)."""

    def __init__(self, client, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def _headers(self, kwargs):
        return {**self.headers, **kwargs.pop("headers", {})}

    def get(self, url, **kwargs):
        return self.client.get(url, headers=self._headers(kwargs), **kwargs)

    def post(self, url, json=None, **kwargs):
        if "data" not in kwargs and json is None:
            json = {}
        return self.client.post(url, json=json, headers=self._headers(kwargs), **kwargs)

    def put(self, url, json=None, **kwargs):
        return self.client.put(url, json=json, headers=self._headers(kwargs), **kwargs)

    def delete(self, url, **kwargs):
        return self.client.delete(url, headers=self._headers(kwargs), **kwargs)


@pytest.fixture
def api(world, client, db):
    tokens = {role: users.issue_token(user, label="test", actor="test") for role, user in world.users.items()}
    db.session.commit()
    return {role: Api(client, token) for role, token in tokens.items()}


# Outgoing documents: a signatory with the grant and three recommendations of one visit.
from .documents_world import desk  # noqa: E402, F401
