"""What the lawyer sees of a protocol's limitation period, a court case and an obstruction: on the
recommendation's page, in the inbox and on the task page (issue 15, items 5–7)."""

from __future__ import annotations

from datetime import date

from engine.db import db
from tests.workflows.conftest import api  # noqa: F401 - fixture
from tests.workflows.cycle_helpers import complete, draw_protocol, one_task, send_act, sweep
from workflows.users import grants
from workflows.visits import services as visits

from .conftest import Pages, text


def test_the_countdown_shows_on_the_recommendation_and_in_the_inbox(api, world, clock, lawyer):  # noqa: F811
    rec = send_act(api, world)
    clock.advance(days=31)  # 24.12.2026
    sweep(api)
    complete(api, "lawyer", "decide_next_steps", {"next_action": "protocol", "decision_reason": "Немає."})
    draw_protocol(api, world, "2026-12-24")
    page = text(lawyer.get(f"/recommendations/{rec['id']}"))
    assert "Залишилось 90 днів: суд може накласти стягнення до 24.03.2027." in page
    assert "Правопорушення вчинено 24.12.2026." in page
    inbox = text(lawyer.get("/inbox"))
    assert "Строк накладення стягнення: залишилось 90 днів" in inbox
    clock.advance(days=91)  # 25.03.2027
    page = text(lawyer.get(f"/recommendations/{rec['id']}"))
    assert "Строк накладення стягнення сплив 24.03.2027: суд уже не може накласти стягнення." in page
    task = one_task(api, "lawyer", "follow_court_case")
    on_task = text(lawyer.get(f"/tasks/{task['id']}"))
    assert "Строк накладення стягнення сплив 24.03.2027" in on_task


def test_a_lawyer_without_the_right_is_told_on_the_protocol_task(api, world, clock, lawyer):  # noqa: F811
    send_act(api, world)
    clock.advance(days=31)
    sweep(api)
    complete(api, "lawyer", "decide_next_steps", {"next_action": "protocol", "decision_reason": "Немає."})
    task = one_task(api, "lawyer", "draw_protocol")
    page = lawyer.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "data-missing-grants" in page
    grants.grant(world.users["lawyer"], "draw_protocols", actor="test")
    grants.grant(world.users["lawyer"], "sign_documents", actor="test")
    db.session.commit()
    assert "data-missing-grants" not in lawyer.get(f"/tasks/{task['id']}").get_data(as_text=True)


def test_an_obstruction_is_in_the_inbox_with_its_visit(app, world, clock, lawyer):
    visits.create(
        facility_id=world.facility_id,
        kind="ad_hoc",
        starts_on=date(2026, 11, 20),
        ends_on=date(2026, 11, 20),
        access_problems="Групу не пропустили до карцеру.",
        user=world.users["lawyer"],
    )
    db.session.commit()
    inbox = text(lawyer.get("/inbox"))
    assert "Перешкоджання доступу" in inbox and "Групу не пропустили до карцеру." in inbox
    assert "Строк накладення стягнення: залишилось 89 днів" in inbox  # 20.11.2026 + 3 months = 20.02.2027


def test_the_drawer_sees_the_managers_comment_and_the_protocols_document(app, api, world, clock, lawyer):  # noqa: F811
    send_act(api, world)
    clock.advance(days=31)
    sweep(api)
    complete(api, "lawyer", "decide_next_steps", {"next_action": "protocol", "decision_reason": "Немає."})
    draw_protocol(api, world, "2026-12-24", approve=False)
    approval = one_task(api, "manager", "approve_protocol")
    manager = Pages(app.test_client()).as_(world, "manager")
    shown = manager.get(f"/tasks/{approval['id']}").get_data(as_text=True)
    assert 'data-protocol-document="submitted"' in shown and "/documents/" in shown
    complete(
        api,
        "manager",
        "approve_protocol",
        {"protocol_approval": "return", "return_comment": "Уточніть посаду."},
    )
    task = one_task(api, "lawyer", "draw_protocol")
    page = text(lawyer.get(f"/tasks/{task['id']}"))
    assert "Повернуто керівником: Уточніть посаду." in page
