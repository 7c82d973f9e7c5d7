"""Building what the pages show through the real services: places, recommendations (each starts its
process), and recommendations walked through their tasks — the same calls the pages make."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engine.models import HumanTask
from notifications import delivery
from workflows import tasks as work
from workflows.authorities import services as authorities
from workflows.facilities import services as facilities
from workflows.recommendations import services as recommendations
from workflows.recommendations.models import Recommendation
from workflows.visits import services as visits

ACT = {
    "act_kind": "submission",
    "act_text": "Вимагаємо забезпечити вентиляцію камер дільниці карантину.",
    "signatory": "Представник Уповноваженого з питань НПМ",
}
TEXT = "Забезпечити дієву вентиляцію в камерах дільниці карантину."


class Scenario:
    def __init__(self, db, world, clock) -> None:
        self.db, self.world, self.clock = db, world, clock
        self._places = 0

    @property
    def users(self):
        return self.world.users

    def place(self, *, region: str, kind: str, name_uk: str, name_en: str = "", parent=None):
        """A facility with its own administration (under `parent`), a visit to it and a finding."""
        self._places += 1
        admin = authorities.create(
            code=f"ADM-{self._places}",
            name_uk=f"Адміністрація: {name_uk}",
            name_en=f"Administration of {name_en or name_uk}",
            level="facility_administration",
            parent_id=(parent or self.world.regional).id,
            emails=[f"adm{self._places}@example.gov.ua"],
            actor="test",
        )
        facility = facilities.create(
            name_uk=name_uk, name_en=name_en, kind=kind, region=region, authority_id=admin.id, actor="test"
        )
        visit = visits.create(
            facility_id=facility.id,
            kind="regular",
            starts_on=date(2026, 11, 12),
            ends_on=date(2026, 11, 12),
            members=[{"name": "Олена Юрист", "role": "head", "user_id": self.users["lawyer"].id}],
            user=self.users["lawyer"],
        )
        finding = visits.add_finding(
            visit,
            text="Порушення умов тримання, виявлене під час візиту.",
            category="material_conditions",
            severity="medium",
            user=self.users["lawyer"],
        )
        self.db.session.commit()
        return facility, admin, finding

    def recommendation(
        self, text: str = TEXT, *, severity: str = "high", finding_id=None, authority=None, by: str = "lawyer"
    ) -> Recommendation:
        rec = recommendations.create(
            finding_id=finding_id or self.world.finding_id,
            authority_id=(authority or self.world.colony_admin).id,
            text=text,
            severity=severity,
            category="material_conditions",
            user=self.users[by],
        )
        self.db.session.commit()
        return rec

    def task(self, rec: Recommendation, element_id: str) -> HumanTask:
        task = self.db.session.scalar(
            sa.select(HumanTask).where(
                HumanTask.instance_id == rec.process_instance_id,
                HumanTask.element_id == element_id,
                HumanTask.status == "open",
            )
        )
        assert task is not None, f"no open {element_id} task on {rec.number}"
        return task

    def complete(self, rec: Recommendation, element_id: str, data: dict, by: str = "lawyer") -> None:
        task = self.task(rec, element_id)
        work.complete(self.users[by], task.id, data, task.version)
        self.db.session.commit()

    def send_act(self, rec: Recommendation, *, deliver: bool = True) -> Recommendation:
        """Draft, approve and send the act; with `deliver`, the authority's mail server accepts it
        now, and that receipt starts the statutory term."""
        self.complete(rec, "draft_act", ACT)
        self.complete(rec, "approve_act", {"approved": True}, by="manager")
        if deliver:
            delivery.deliver_due()
            self.db.session.commit()
        self.db.session.refresh(rec)
        return rec

    def done(self) -> None:
        """Let the browser or another client work: no transaction of this session stays open."""
        self.db.session.commit()
        self.db.session.close()
