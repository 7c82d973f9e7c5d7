"""Civil-society monitors' observations: a monitor of the visit adds one to the follow-up; the Office
sees it beside the authority's reply; the authority does not; management publishes it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine.models import AuditEvent
from tests.web.conftest import Pages, text
from tests.web.scenario import Scenario
from workflows.observations.models import Observation


def test_a_monitor_adds_an_observation_the_office_reads_it_and_management_publishes_it(app, db, world, clock):
    s = Scenario(db, world, clock)
    rec = s.send_act(s.recommendation())
    s.complete(
        rec,
        "authority_reply",
        {
            "reply_text": "Вентиляцію встановлено.",
            "measures": "Встановлено вентиляцію.",
        },
        by="authority",
    )
    monitor = Pages(app.test_client()).as_(world, "monitor")
    page = monitor.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert "Ваше спостереження" in page

    refused = monitor.post(
        f"/recommendations/{rec.id}/observations", {"observed_on": "31.12.2030", "text": "Коротко"}
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert re.search(r'id="f-observed_on-error">Дата не може бути в майбутньому.</p>', body)
    assert re.search(
        r'id="f-observation-text-error">Напишіть спостереження щонайменше з 10 символів.</p>', body
    )
    assert ">Коротко</textarea>" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Observation)) == 0

    done = monitor.post(
        f"/recommendations/{rec.id}/observations",
        {"observed_on": "20.11.2026", "text": "Під час повторного візиту вентиляції не виявлено."},
    )
    assert done.status_code == 302
    lawyer = text(Pages(app.test_client()).as_(world, "lawyer").get(f"/recommendations/{rec.id}"))
    # Beside the authority's reply: the replies' block, then the observations'.
    assert "Вентиляцію встановлено." in lawyer
    assert "Спостереження громадських моніторів 1 20.11.2026 · Громадський монітор" in lawyer
    assert "Під час повторного візиту вентиляції не виявлено." in lawyer
    assert lawyer.index("Вентиляцію встановлено.") < lawyer.index("Під час повторного візиту")
    official = text(Pages(app.test_client()).as_(world, "authority").get(f"/portal/recommendations/{rec.id}"))
    assert "Під час повторного візиту" not in official and "Спостереження" not in official

    lawyer_pages = Pages(app.test_client()).as_(world, "lawyer")
    assert (
        lawyer_pages.post(
            f"/recommendations/{rec.id}/observations",
            {"observed_on": "20.11.2026", "text": "Юрист не монітор."},
        ).status_code
        == 403
    )
    observation = db.session.scalar(sa.select(Observation))
    assert (
        lawyer_pages.post(f"/observations/{observation.id}/publication", {"action": "publish"}).status_code
        == 403
    )

    manager = Pages(app.test_client()).as_(world, "manager")
    assert manager.post(f"/recommendations/{rec.id}/publication", {"action": "publish"}).status_code == 302
    assert (
        manager.post(f"/observations/{observation.id}/publication", {"action": "publish"}).status_code == 302
    )
    public = app.test_client().get(f"/public/recommendations/{rec.id}").get_data(as_text=True)
    assert "Під час повторного візиту вентиляції не виявлено." in public
    assert "Громадський монітор" not in public  # never the author's name
    events = db.session.scalars(
        sa.select(AuditEvent.event).where(AuditEvent.business_key == str(rec.id)).order_by(AuditEvent.id)
    ).all()
    assert events[-3:] == ["observation_added", "recommendation_published", "observation_published"]
