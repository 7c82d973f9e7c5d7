"""One task's page: the form from its JSON Schema beside the recommendation's story; messages by field
in the user's language with the input kept; drafts; completion with the task version; conflicts."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from engine import tasks as engine_tasks
from engine.models import AuditEvent, HumanTask
from notifications import delivery
from web.forms import jsonschema_form
from workflows import links
from workflows.recommendations import extensions
from workflows.users import grants

from .conftest import Pages, text
from .scenario import ACT


def field_error(response, name: str) -> str:
    """The message shown beside one field (the element the field's aria-describedby points to)."""
    page = response.get_data(as_text=True)
    match = re.search(rf'id="field-{name}-error">(.*?)</p>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def test_the_task_page_shows_the_form_and_the_recommendation_around_it(lawyer, scenario):
    rec = scenario.recommendation()
    task = scenario.task(rec, "draft_act")
    response = lawyer.get(f"/tasks/{task.id}?next=/inbox")
    assert response.status_code == 200
    page = text(response)
    assert "Підготувати акт реагування" in page
    for label in ("Вид акта реагування", "Текст акта реагування", "Хто підписує", "Подання", "Лист"):
        assert label in page
    assert "Зберегти чернетку" in page and "Завершити" in page and "Взяти в роботу" in page
    # The story beside the form: finding, visit, place, addressee, nothing sent yet.
    assert "У камерах дільниці карантину відсутня вентиляція" in page
    assert "Плановий візит, 10.11.2026–11.11.2026" in page
    assert "Львівська виправна колонія № 48" in page and "Виправна колонія · Львівська область" in page
    assert "Акт реагування ще не надіслано." in page
    assert f'name="version" value="{task.version}"' in response.get_data(as_text=True)


def test_an_invalid_field_is_named_beside_it_in_ukrainian_and_the_input_is_kept(lawyer, scenario, db):
    rec = scenario.recommendation()
    task = scenario.task(rec, "draft_act")
    response = lawyer.post(
        f"/tasks/{task.id}",
        {
            "action": "complete",
            "version": str(task.version),
            "act_kind": "submission",
            "act_text": "Коротко.",
            "signatory": "Юрист",
        },
    )
    assert response.status_code == 422
    assert field_error(response, "act_text") == "Введіть щонайменше 20 символів."
    assert field_error(response, "act_kind") == "" and field_error(response, "signatory") == ""
    body = response.get_data(as_text=True)
    assert ">Коротко.</textarea>" in body and 'value="Юрист"' in body
    assert re.search(r'value="submission"\s+checked', body)
    assert "Деякі поля потребують уваги." in text(response)
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).status == "open"

    missing = lawyer.post(
        f"/tasks/{task.id}", {"action": "complete", "version": str(task.version), "signatory": "Ю"}
    )
    assert field_error(missing, "act_kind") == "Обов'язкове поле."
    assert field_error(missing, "signatory") == "Введіть щонайменше 3 символи."


def test_conditional_requirements_come_back_from_the_server(app, scenario, world):
    rec = scenario.recommendation()
    scenario.complete(rec, "draft_act", ACT)
    task = scenario.task(rec, "approve_act")
    manager = Pages(app.test_client()).as_(world, "manager")
    page = text(manager.get(f"/tasks/{task.id}"))
    assert "Обов'язково, якщо «Рішення» — «Повернути на доопрацювання»." in page
    refused = manager.post(
        f"/tasks/{task.id}", {"action": "complete", "version": str(task.version), "approved": "false"}
    )
    assert refused.status_code == 422
    assert field_error(refused, "approval_comment") == "Обов'язкове поле."
    sent_back = manager.post(
        f"/tasks/{task.id}",
        {
            "action": "complete",
            "version": str(task.version),
            "approved": "false",
            "approval_comment": "Додайте норми.",
        },
    )
    assert sent_back.status_code == 302
    assert scenario.task(rec, "draft_act")  # back to the lawyer


def test_save_a_draft_then_complete(lawyer, scenario, db, world):
    rec = scenario.recommendation()
    task = scenario.task(rec, "draft_act")
    lawyer.post(f"/tasks/{task.id}/claim")
    db.session.expire_all()
    version = db.session.get(HumanTask, task.id).version
    saved = lawyer.post(
        f"/tasks/{task.id}",
        {
            "action": "draft",
            "version": str(version),
            "act_kind": "letter",
            "act_text": "Початок тексту",
            "next": "/inbox",
        },
    )
    assert saved.status_code == 302 and saved.headers["Location"].startswith(f"/tasks/{task.id}")
    page = lawyer.get(saved.headers["Location"])
    assert "Чернетку збережено." in text(page) and ">Початок тексту</textarea>" in page.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(HumanTask, task.id)
    assert (
        stored.draft == {"act_kind": "letter", "act_text": "Початок тексту"} and stored.version == version + 1
    )

    done = lawyer.post(
        f"/tasks/{task.id}", {"action": "complete", "version": str(stored.version), **ACT, "next": "/inbox"}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/inbox"
    assert f"«Підготувати акт реагування» виконано для {rec.number}." in text(lawyer.get("/inbox"))
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).completed_by == world.users["lawyer"].actor
    assert scenario.task(rec, "approve_act").candidate_group == "manager"


def test_without_a_next_page_completion_leads_to_the_recommendation(lawyer, scenario):
    rec = scenario.recommendation()
    task = scenario.task(rec, "draft_act")
    done = lawyer.post(f"/tasks/{task.id}", {"action": "complete", "version": str(task.version), **ACT})
    assert done.headers["Location"] == f"/recommendations/{rec.id}"


def test_a_stale_version_is_a_conflict_with_a_reload_link_and_the_input_kept(app, lawyer, scenario, world):
    rec = scenario.recommendation()
    task = scenario.task(rec, "draft_act")
    Pages(app.test_client()).as_(world, "lawyer2").post(f"/tasks/{task.id}/claim")
    response = lawyer.post(f"/tasks/{task.id}", {"action": "complete", "version": str(task.version), **ACT})
    assert response.status_code == 409
    page = text(response)
    assert "Це завдання вже взяв у роботу хтось інший. Оновіть сторінку." in page
    assert "Оновити завдання" in page
    assert ACT["act_text"] in response.get_data(as_text=True)
    assert f'name="version" value="{task.version}"' in response.get_data(as_text=True)
    # The colleague holds it now: the form is shown disabled, with who has it.
    reloaded = lawyer.get(f"/tasks/{task.id}")
    assert "Над цим завданням працює Петро Юрист." in text(reloaded)
    assert '<fieldset class="form-fields" disabled>' in reloaded.get_data(as_text=True)


def test_tasks_of_others_answer_exactly_as_unknown_ones(app, scenario, world):
    rec = scenario.recommendation()
    task = scenario.task(rec, "draft_act")
    monitor = Pages(app.test_client()).as_(world, "monitor")
    unknown_id = "00000000-0000-0000-0000-000000000000"
    hidden, unknown = monitor.get(f"/tasks/{task.id}"), monitor.get(f"/tasks/{unknown_id}")
    assert hidden.status_code == unknown.status_code == 404
    assert text(hidden).replace(task.id, "<id>") == text(unknown).replace(unknown_id, "<id>")
    # An authority's official never opens the Office's task pages (issue 16: they answer on /portal).
    official = Pages(app.test_client()).as_(world, "authority")
    assert official.get(f"/tasks/{task.id}").status_code == 403


def test_completed_tasks_appear_in_the_history_with_their_answers(lawyer, scenario, db):
    rec = scenario.recommendation()
    scenario.send_act(rec)
    page = text(lawyer.get(f"/recommendations/{rec.id}"))
    assert "Виконано: Підготувати акт реагування" in page
    assert "Вид акта реагування: Подання" in page
    assert "Виконано: Погодити акт реагування" in page and "Рішення: Погодити і надіслати" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) > 0


def test_every_bundled_form_renders_on_its_task_page(app, scenario, world, clock):
    """Walk one recommendation through each kind of task and open every page as whoever does it."""
    rec = scenario.recommendation()
    people = {role: Pages(app.test_client()).as_(world, role) for role in ("lawyer", "manager", "authority")}

    def open_page(element, role):
        task = scenario.task(rec, element)
        if role == "authority":  # officials answer through their letter's link or the portal
            with app.test_request_context():
                url = f"/respond/{links.reply_token(rec.id, world.colony_admin.id)}"
            response = people[role].get(url)
        else:
            response = people[role].get(f"/tasks/{task.id}")
        assert response.status_code == 200, (element, role)
        form = jsonschema_form.build(engine_tasks.form_of(task), language="uk")
        for field in form.fields:
            if field.widget == "hidden":
                assert f'type="hidden" name="{field.name}"' in response.get_data(as_text=True)
                continue
            assert field.label in text(response), (element, field.name)

    open_page("draft_act", "lawyer")
    # Before sending: the term each kind of act would give, with its legal basis.
    preview = text(people["lawyer"].get(f"/tasks/{scenario.task(rec, 'draft_act').id}"))
    assert "Подання: якщо отримано сьогодні, строк спливає 23.12.2026" in preview
    assert "Запит про надання інформації: якщо отримано сьогодні, строк спливає 08.12.2026" in preview
    assert "Лист: строку, встановленого законом, немає" in preview
    scenario.complete(rec, "draft_act", ACT)
    open_page("approve_act", "manager")
    assert "якщо отримано сьогодні, строк спливає 23.12.2026" in text(
        people["manager"].get(f"/tasks/{scenario.task(rec, 'approve_act').id}")
    )
    scenario.complete(rec, "approve_act", {"approved": True}, by="manager")
    delivery.deliver_due()
    scenario.db.session.commit()
    open_page("authority_reply", "authority")
    extensions.request(
        rec,
        world.colony_admin.id,
        requested_until="2027-01-20",
        reason="Потрібне фінансування з бюджету.",
        actor=world.users["authority"].actor,
    )
    scenario.db.session.commit()
    open_page("decide_extension", "lawyer")
    scenario.complete(rec, "decide_extension", {"extension_granted": False, "extension_decision_note": "Ні."})
    scenario.complete(
        rec, "authority_reply", {"reply_text": "Частково.", "attachments": ["акт.pdf"]}, by="authority"
    )
    open_page("review_reply", "lawyer")
    page = text(people["lawyer"].get(f"/tasks/{scenario.task(rec, 'review_reply').id}"))
    assert "акт.pdf" in page and "Частково." in page and "У продовженні строку відмовлено" in page
    scenario.complete(
        rec,
        "review_reply",
        {
            "outcome": "not_implemented",
            "verification_method": "documents",
            "verify_later": False,
            "assessment_note": "Не виконано.",
        },
    )
    open_page("decide_next_steps", "lawyer")
    scenario.complete(
        rec, "decide_next_steps", {"next_action": "protocol", "decision_reason": "Невиконання."}
    )
    open_page("draw_protocol", "lawyer")
    for permission in ("draw_protocols", "sign_documents"):
        grants.grant(world.users["lawyer"], permission, actor="test")
    scenario.complete(
        rec,
        "draw_protocol",
        {
            "protocol_action": "submit",
            "official_name": "Іваненко Петро",
            "official_position": "Начальник",
            "offence_date": "2026-11-23",
            "court": "Суд",
        },
    )
    open_page("approve_protocol", "manager")
    scenario.complete(rec, "approve_protocol", {"protocol_approval": "approve"}, by="manager")
    open_page("follow_court_case", "lawyer")
    scenario.complete(
        rec,
        "follow_court_case",
        {
            "court_action": "decision",
            "case_number": "1/26",
            "court_decision": "offender_liable",
            "penalty_amount": 3400,
            "decision_date": "2026-11-23",
        },
    )
    open_page("decide_appeal", "lawyer")
    scenario.complete(rec, "decide_appeal", {"appeal_action": "appealed", "appeal_filed_on": "2026-11-23"})
    open_page("follow_appeal", "lawyer")
