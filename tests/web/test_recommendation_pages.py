"""Recommendations: the filtered list, one recommendation's status, deadline, history (with every
notice and its delivery state), and its process diagram with the current step."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from engine import timers
from engine.models import OutboxMessage
from notifications import delivery

from .conftest import Pages, text


def listed(response) -> list[str]:
    return re.findall(
        r'class="rec-number" href="/recommendations/\d+"[^>]*>([^<]+)<', response.get_data(as_text=True)
    )


def highlight(response) -> dict:
    match = re.search(r"data-highlight='([^']+)'", response.get_data(as_text=True))
    return json.loads(match.group(1).replace("&#34;", '"')) if match else {}


def test_the_list_filters_by_status_deadline_severity_and_text(lawyer, scenario, clock):
    waiting = scenario.send_act(scenario.recommendation("Забезпечити вентиляцію карантину.", severity="high"))
    draft = scenario.recommendation("Облаштувати навіси у двориках.", severity="low")
    page = lawyer.get("/recommendations")
    assert listed(page) == [draft.number, waiting.number]
    assert "Очікує відповіді" in text(page) and "Чернетка" in text(page) and "2 рекомендації" in text(page)
    assert listed(lawyer.get("/recommendations?status=draft")) == [draft.number]
    assert listed(lawyer.get("/recommendations?severity=high")) == [waiting.number]
    assert listed(lawyer.get("/recommendations?q=НАВІСИ")) == [draft.number]
    assert listed(lawyer.get("/recommendations?region=lviv")) == [draft.number, waiting.number]
    assert listed(lawyer.get("/recommendations?overdue=1")) == []
    clock.advance(days=40)
    # Overdue only once the process has recorded the breach (the sweep, every 30 seconds).
    assert listed(lawyer.get("/recommendations?overdue=1")) == []
    timers.sweep()
    assert listed(lawyer.get("/recommendations?overdue=1")) == [waiting.number]
    assert listed(lawyer.get("/recommendations?overdue=0")) == [draft.number]
    assert "Прострочено на 10 днів" in text(lawyer.get("/recommendations?overdue=1"))


def test_the_page_shows_status_deadline_open_tasks_and_the_story(lawyer, scenario, db):
    rec = scenario.send_act(scenario.recommendation(), deliver=False)
    response = lawyer.get(f"/recommendations/{rec.id}")
    assert response.status_code == 200
    page = text(response)
    assert f"Рекомендація {rec.number}" in page and "Надіслано, очікується отримання" in page
    assert "Рахується з дня отримання акта; акт ще не отримано" in page
    assert "Відповідь органу" in page  # the open task: the authority can answer already
    for entry in ("Рекомендацію створено", "Процес розпочато", "Виконано: Підготувати акт реагування"):
        assert entry in page
    assert "Подання № " in page and "надіслано" in page
    # Every notice with its delivery state: not sent yet, then sent — and its acceptance is the receipt.
    assert "Надіслано акт реагування" in page and "Очікує надсилання" in page
    assert "Електронна пошта: colony48@example.gov.ua" in page
    delivery.deliver_due(actor="test")
    db.session.commit()
    page = text(lawyer.get(f"/recommendations/{rec.id}"))
    assert "Надіслано акт реагування Надіслано" in page and "Очікує відповіді" in page
    assert "Строк, встановлений законом 23.12.2026 Залишилось 30 днів" in page
    assert "ст. 15 Закону України «Про Уповноваженого Верховної Ради України з прав людини»" in page
    assert "Отримано: 23.11.2026" in page and "лист прийнято поштовим сервером адресата" in page


def test_a_failed_notice_shows_its_error(lawyer, scenario, db):
    rec = scenario.send_act(scenario.recommendation())
    message = db.session.query(OutboxMessage).filter_by(business_key=str(rec.id)).first()
    message.status, message.last_error, message.attempts = "failed", "550 mailbox unavailable", 6
    db.session.commit()
    page = text(lawyer.get(f"/recommendations/{rec.id}"))
    assert "Не доставлено" in page and "550 mailbox unavailable" in page and "Спроб: 6" in page


def test_the_diagram_marks_the_current_step_and_the_path_taken(lawyer, scenario):
    rec = scenario.recommendation()
    scenario.complete(
        rec,
        "draft_act",
        {"act_kind": "letter", "act_text": "Текст листа щодо вентиляції.", "signatory": "Юрист"},
    )
    response = lawyer.get(f"/recommendations/{rec.id}")
    marks = highlight(response)
    assert marks["active"] == ["approve_act"]
    assert {"start", "work_deadlines", "draft_act"} <= set(marks["completed"])
    assert {
        "flow_start_to_work_deadlines",
        "flow_draft_act_to_prepare_act_document_step",
        "flow_prepare_act_document_step_to_approve_act",
    } <= set(marks["flows"])
    assert "bpmn-navigated-viewer.production.min.js" in response.get_data(as_text=True)
    xml = lawyer.get(f"/recommendations/{rec.id}/diagram.bpmn")
    assert xml.status_code == 200 and xml.mimetype == "text/plain"  # a type no browser runs (issue 21)
    assert xml.headers["X-Content-Type-Options"] == "nosniff"
    assert xml.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert b'<bpmn:userTask id="approve_act"' in xml.data


def test_a_step_done_before_and_open_again_is_painted_as_current(lawyer, scenario):
    rec = scenario.recommendation()
    scenario.complete(
        rec,
        "draft_act",
        {"act_kind": "letter", "act_text": "Текст листа щодо вентиляції.", "signatory": "Юрист"},
    )
    scenario.complete(rec, "approve_act", {"approved": False, "approval_comment": "Ще раз."}, by="manager")
    marks = highlight(lawyer.get(f"/recommendations/{rec.id}"))
    assert marks["active"] == ["draft_act"] and "draft_act" not in marks["completed"]
    assert "flow_approved_gw_to_merge_draft" in marks["flows"]


def test_who_sees_which_recommendation(app, scenario, world):
    rec = scenario.send_act(scenario.recommendation())
    official = Pages(app.test_client()).as_(world, "authority")
    # Officials read it on their authority's own site (issue 16); the Office's pages refuse them.
    assert official.get(f"/recommendations/{rec.id}").status_code == 403
    page = official.get(f"/portal/recommendations/{rec.id}")
    assert page.status_code == 200 and "data-highlight" not in page.get_data(as_text=True)
    # The authority reads what was exchanged with it, not the Office's internal steps.
    story = text(page)
    assert "Подання № " in story and "Строк, встановлений законом 23.12.2026" in story
    assert "Виконано: Погодити акт реагування" not in story and "Процес розпочато" not in story
    assert "Виявлене порушення" not in story
    assert official.get(f"/recommendations/{rec.id}/diagram.bpmn").status_code == 403
    other = Pages(app.test_client()).as_(world, "other_authority")
    # Hidden answers like missing: another authority does not learn the recommendation exists.
    assert other.get(f"/portal/recommendations/{rec.id}").status_code == 404
    assert other.get("/recommendations").status_code == 403
    monitor = Pages(app.test_client()).as_(world, "monitor")  # a member of the visit's group
    story = text(monitor.get(f"/recommendations/{rec.id}"))
    assert "Виконано: Погодити акт реагування" in story and "Виявлене порушення" in story
    assert monitor.get("/recommendations/999").status_code == 404


def test_english_status_names_and_dates(lawyer, scenario, clock):
    rec = scenario.send_act(scenario.recommendation())
    clock.advance(timedelta(days=31))
    timers.sweep()
    lawyer.post("/language", {"language": "en"})
    page = text(lawyer.get(f"/recommendations/{rec.id}"))
    assert "Reply overdue" in page and "Statutory deadline 23.12.2026 1 day overdue" in page
