"""The planning world: the domain world of tests/workflows (BPMN deployed, a colony in Lviv with a
visit and a finding, one user per role) plus helpers that add places and monitors through the real
services."""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest

from tests.workflows import conftest as workflows_fixtures
from workflows.authorities import services as authorities
from workflows.facilities import services as facilities
from workflows.monitors import services as monitors
from workflows.monitors.seed import TRAINING_MODULES

world = workflows_fixtures.world
api = workflows_fixtures.api


class Builder:
    def __init__(self, db, world) -> None:
        self.db, self.world = db, world
        self._n = count(1)

    def place(
        self,
        name: str,
        *,
        region: str = "lviv",
        kind: str = "penal_colony",
        district: str = "",
        hostilities: bool = False,
        capacity: int | None = None,
        suspended: bool = False,
        parent=None,
    ):
        n = next(self._n)
        admin = authorities.create(
            code=f"PLACE-ADM-{n}",
            name_uk=f"Адміністрація: {name}",
            level="facility_administration",
            parent_id=(parent or self.world.regional).id,
            emails=[f"place{n}@example.gov.ua"],
            actor="test",
        )
        return facilities.create(
            name_uk=name,
            kind=kind,
            region=region,
            authority_id=admin.id,
            district=district,
            in_hostilities_area=hostilities,
            capacity=capacity,
            access_suspended=suspended,
            code=f"PL-{n}",
            actor="test",
        )

    def monitor(
        self,
        name: str,
        *,
        kind: str = "civil_society",
        region: str = "lviv",
        expertise=(),
        trained: bool = True,
        user=None,
    ):
        person = monitors.create(
            name=name,
            kind=kind,
            region=region,
            user_id=user.id if user else None,
            expertise=list(expertise),
            actor="test",
        )
        if trained:
            for code, _uk, _en, required in TRAINING_MODULES:
                if required:
                    monitors.record_training(
                        person, module_code=code, completed_on=date(2026, 3, 1), actor="test"
                    )
        return person


@pytest.fixture
def build(app, db, world) -> Builder:
    return Builder(db, world)
