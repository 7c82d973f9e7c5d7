"""The process designer in a real browser (Debian's Chromium through Playwright): the stories of
issue 18's "Done means", as a designer works them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engine.models import HumanTask, OutboxMessage, ProcessInstance, Timer
from web.designer import samples
from workflows.recommendations import services as recommendations
from workflows.users.models import User

from . import bundle
from .conftest import DESIGNER_EMAIL, PASSWORD, standard_files

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.browser

TIMEOUT = 20_000


def sign_in(page, live_server, email: str, path: str = "/designer") -> None:
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Увійти").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def open_editor(page, filename: str) -> None:
    """From /designer: "Edit" a file of the current bundle (a new draft opens on it)."""
    page.get_by_role("button", name=f"Редагувати {filename}").click()
    expect(page).to_have_url(re.compile(r"/designer/drafts/\d+/files/" + re.escape(filename) + "$"))


def modeler_ready(page) -> None:
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-ready", "true", timeout=TIMEOUT)


def saves(page) -> int:
    """How many times the editor on the page saved into the draft (see `saved`)."""
    return int(
        page.locator("[data-saves], #bpmn-modeler, #dmn-editor").first.get_attribute("data-saves") or 0
    )


def saved(page, before: int) -> None:
    """Wait until the editor saved again after a change (autosave), and says so."""
    page.wait_for_function(
        "n => Number((document.querySelector('#bpmn-modeler, #dmn-editor').dataset.saves) || 0) > n",
        arg=before,
        timeout=TIMEOUT,
    )
    expect(page.locator("#designer-status")).to_have_text("Збережено в чернетці.", timeout=TIMEOUT)


def edit_cell(page, row: str, column: str, text: str) -> None:
    cell = page.locator(f'td[data-row-id="{row}"][data-col-id="{column}"] [contenteditable]').first
    cell.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Tab")


def select_element(page, element_id: str) -> None:
    """Bring the element into view and select it, as the findings' links do (#element id)."""
    page.evaluate("id => { window.location.hash = id; }", element_id)
    selected = page.locator(".djs-element.selected")
    expect(selected).to_have_count(1)
    expect(selected).to_have_attribute("data-element-id", element_id)
    expect(page.locator(".bio-properties-panel-header-label")).to_be_visible()


def test_a_designer_changes_a_term_and_a_reminder_offset_deploys_and_sees_the_diff(
    page, live_server, designer, scenario, screenshot
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    scenario.done()
    sign_in(page, live_server, DESIGNER_EMAIL)
    expect(page.get_by_role("heading", name="Розробник процесів", exact=True)).to_be_visible()
    open_editor(page, "deadlines.dmn")
    editor = page.locator("#dmn-editor")
    expect(editor).to_have_attribute("data-ready", "true", timeout=TIMEOUT)
    # What the test changes is read from the deployed table: row 2, its term and a reminder offset.
    files = standard_files()
    decision = next(d for d, name in bundle.decision_files(files).items() if name == "deadlines.dmn")
    cells = bundle.outputs(files, decision, 2)
    term = next(iter(cells.values()))
    offset = next(c for c in cells.values() if c.text.strip().isdigit())
    new_term = '"P2M"' if term.text != '"P2M"' else '"P3M"'
    new_offset = "5" if offset.text.strip() != "5" else "4"
    description = term.description
    # Each row's legal basis is in view beside it.
    expect(page.get_by_text(description, exact=True).first).to_be_visible()

    # The law changed: a submission's term and its first reminder (rule 2).
    before = saves(page)
    edit_cell(page, term.rule_id, term.column_id, new_term)
    edit_cell(page, offset.rule_id, offset.column_id, new_offset)
    saved(page, before)

    # Try it: the draft's table, not the deployed one.
    [(entries, _description), *_rest] = bundle.rows(files, decision)[1:]
    for (label, _expression), entry in zip(bundle.input_labels(files, decision), entries, strict=True):
        page.get_by_label(label).fill(bundle.satisfying(entry, ("high", "medium", "low")))
    page.get_by_role("button", name="Обчислити").click()
    result = page.locator("#dmn-try-result")
    expect(result).to_contain_text(f"Рядок 2: {description}")
    expect(result.locator("tr", has_text=term.name)).to_contain_text(new_term)
    expect(result.locator("tr", has_text=offset.name)).to_contain_text(new_offset)
    screenshot(page, "designer-dmn")

    page.get_by_role("link", name="До чернетки: розгорнути, тестовий запуск").click()
    expect(page.locator('tr[data-file="deadlines.dmn"]')).to_contain_text("змінено")
    expect(page.locator('tr[data-file="recommendation.bpmn"]')).to_contain_text("як розгорнуто")
    page.get_by_label("Що змінює ця версія").fill(
        "Строк розгляду подання — два місяці; перше нагадування за 5 днів"
    )
    page.get_by_role("button", name="Розгорнути").click()

    # A new version, and its diff: the row before → after.
    expect(page).to_have_url(re.compile(r"/designer/processes/recommendation/versions/2$"))
    expect(page.get_by_text(re.compile(r"Розгорнуто як нову версію: .*recommendation v2"))).to_be_visible()
    expect(
        page.get_by_text("Строк розгляду подання — два місяці; перше нагадування за 5 днів")
    ).to_be_visible()
    row_before = bundle.row_entries(files, decision, 2)
    inputs = len(row_before) - len(cells)
    row_after = list(row_before)
    names = list(cells)
    row_after[inputs + names.index(term.name)] = new_term
    row_after[inputs + names.index(offset.name)] = new_offset
    dmn_change = page.locator('#file-changes li[data-file="deadlines.dmn"]')
    expect(dmn_change).to_contain_text(f"{' | '.join(row_before)} → {' | '.join(row_after)}")
    for task_id in bundle.rule_tasks(files, decision):
        expect(page.locator(f'#element-changes li[data-element="{task_id}"]')).to_contain_text(
            "таблиця рішень"
        )
    expect(page.locator("#version-diff")).to_have_attribute("data-ready", "true", timeout=TIMEOUT)
    screenshot(page, "designer-version")

    page.get_by_role("link", name="recommendation").click()
    expect(page.locator('tr[data-version="2"]')).to_contain_text("почати тут")
    expect(page.locator('tr[data-version="2"]')).to_contain_text("Оксана Дизайнер")
    assert errors == []


def test_an_unquoted_timer_and_a_task_without_a_lane_are_refused_at_the_element(
    page, live_server, designer, scenario, screenshot
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    scenario.done()
    sign_in(page, live_server, DESIGNER_EMAIL)
    open_editor(page, "recommendation.bpmn")
    modeler_ready(page)
    expect(page.locator("#designer-findings [data-summary]")).to_have_text(
        "Немає проблем: чернетку можна розгорнути."
    )

    # A date timer of the process (read from the bundle) typed as a bare duration, without quotes.
    files = standard_files()
    event, _expression = bundle.first_time_date(files)
    select_element(page, event)
    value = page.locator("#bio-properties-panel-timerEventDefinitionValue")
    before = saves(page)
    value.fill("P5D")
    saved(page, before)
    badge = page.locator(f'.check-badge--error[data-check-element="{event}"]')
    expect(badge).to_be_visible(timeout=TIMEOUT)
    finding = page.locator(f'#designer-findings li[data-element="{event}"]')
    expect(finding).to_contain_text("'P5D'")
    expect(finding).to_contain_text("візьміть тривалість у лапки")

    # Clicking the finding goes to the element; the draft cannot be deployed.
    finding.get_by_role("button").click()
    expect(page.locator(".bio-properties-panel-header-label")).to_have_text(
        bundle.element_names(files)[event]
    )
    screenshot(page, "designer-refused-timer")
    page.get_by_role("link", name="До чернетки: розгорнути, тестовий запуск").click()
    expect(page.get_by_role("button", name="Розгорнути")).to_be_disabled()
    expect(page.locator(f'#designer-findings li[data-element="{event}"]')).to_be_visible()

    # A diagram from another tool: no lanes, no layout. It opens laid out, and its user task is
    # refused at the element, with what to do.
    page.goto(f"{live_server.url}/designer")
    page.get_by_label("Файл BPMN").set_input_files(str(DATA / "no_lane.bpmn"))
    page.get_by_role("button", name="Відкрити в редакторі схем").click()
    modeler_ready(page)
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-laid-out", "true")
    lane_badge = page.locator('.check-badge--error[data-check-element="check_report_task"]')
    expect(lane_badge).to_be_visible(timeout=TIMEOUT)
    lane_finding = page.locator('#designer-findings li[data-rule="user-task-lane"]')
    expect(lane_finding).to_contain_text("«Перевірити звіт» не в жодній доріжці")
    expect(lane_finding).to_contain_text("Помістіть завдання в доріжку")
    expect(page.locator('#designer-findings li[data-rule="user-task-form"]')).to_contain_text("не має форми")
    screenshot(page, "designer-refused-lane")
    assert errors == []


def test_a_new_form_field_shows_in_the_preview_and_then_on_the_task_page(
    page, browser, live_server, designer, scenario, world, db, screenshot
):
    finding_id, authority_id, lawyer_id = world.finding_id, world.colony_admin.id, world.users["lawyer"].id
    lawyer_email = world.users["lawyer"].email
    scenario.done()
    sign_in(page, live_server, DESIGNER_EMAIL)
    open_editor(page, "forms/draft_act.schema.json")
    preview = page.locator("#form-preview")
    expect(preview.get_by_label("Текст акта реагування")).to_be_visible()

    page.get_by_label("Назва в даних").fill("legal_basis_note")
    page.get_by_label("Підпис (українською)").fill("Примітка щодо правової підстави")
    page.get_by_label("Підпис (англійською)").fill("Note on the legal basis")
    page.get_by_role("button", name="Додати поле").click()
    expect(page.get_by_text("Збережено в чернетці.")).to_be_visible()
    expect(page.get_by_label("Схема форми")).to_contain_text('"legal_basis_note"')
    expect(preview.get_by_label("Примітка щодо правової підстави")).to_be_visible()

    # Checked as the task page checks it, with its messages, in either language.
    preview.get_by_role("button", name="Перевірити введене, як перевірить сторінка завдання").click()
    expect(preview.locator('[data-field="act_text"] .field-error')).to_contain_text("Обов'язкове поле.")
    page.get_by_label("Мова").select_option("en")
    expect(preview.get_by_label("Note on the legal basis")).to_be_visible()
    preview.get_by_role("button", name="Check the input as the task page would").click()
    expect(preview.locator('[data-field="act_text"] .field-error')).to_contain_text("This field is required.")
    screenshot(page, "designer-form")

    page.get_by_role("link", name="До чернетки: розгорнути, тестовий запуск").click()
    page.get_by_label("Що змінює ця версія").fill("Поле для примітки щодо правової підстави")
    page.get_by_role("button", name="Розгорнути").click()
    expect(page).to_have_url(re.compile(r"/versions/2$"))
    expect(page.locator('#file-changes li[data-file="forms/draft_act.schema.json"]')).to_contain_text(
        "додано поле legal_basis_note"
    )

    # A recommendation made now starts on the new version: its task page has the field.
    rec = recommendations.create(
        finding_id=finding_id,
        authority_id=authority_id,
        text="Забезпечити належне освітлення камер.",
        severity="high",
        category="material_conditions",
        user=db.session.get(User, lawyer_id),
    )
    db.session.commit()
    task_id = db.session.scalar(
        sa.select(HumanTask.id).where(
            HumanTask.instance_id == rec.process_instance_id, HumanTask.status == "open"
        )
    )
    assert db.session.get(ProcessInstance, rec.process_instance_id).definition.version == 2
    db.session.close()
    lawyer = browser.new_context(locale="uk-UA").new_page()
    sign_in(lawyer, live_server, lawyer_email, f"/tasks/{task_id}")
    expect(lawyer.get_by_label("Примітка щодо правової підстави")).to_be_visible()
    lawyer.close()


def test_running_recommendations_migrate_in_bulk_the_blocked_are_listed_and_it_is_undone(
    page, live_server, designer, scenario, db, screenshot
):
    drafting = scenario.recommendation("Забезпечити вентиляцію камер дільниці карантину.")
    approval = scenario.recommendation("Забезпечити доступ до питної води цілодобово.")
    waiting = scenario.recommendation("Облаштувати прогулянкові дворики навісами.")
    scenario.complete(
        approval, "draft_act", {"act_kind": "submission", "act_text": "x" * 30, "signatory": "Підписант"}
    )
    scenario.send_act(waiting)
    ids = {
        "drafting": drafting.process_instance_id,
        "approval": approval.process_instance_id,
        "waiting": waiting.process_instance_id,
    }
    waiting_number = waiting.number
    # The timer the recommendation waiting for the reply waits on, read from its instance.
    [event] = sorted(
        set(db.session.scalars(sa.select(Timer.element_id).where(Timer.instance_id == ids["waiting"])))
    )
    files = standard_files()
    _kind, expression = bundle.timers(files)[event]
    timer_name = bundle.element_names(files)[event]
    scenario.done()

    sign_in(page, live_server, DESIGNER_EMAIL)
    open_editor(page, "recommendation.bpmn")
    modeler_ready(page)
    select_element(page, event)
    before = saves(page)
    page.locator("#bio-properties-panel-timerEventDefinitionValue").fill(f"working_morning({expression})")
    saved(page, before)
    page.get_by_role("link", name="До чернетки: розгорнути, тестовий запуск").click()
    page.get_by_label("Що змінює ця версія").fill("Нагадування — о дев'ятій ранку робочого дня")
    page.get_by_role("button", name="Розгорнути").click()
    expect(page.locator(f'#element-changes li[data-element="{event}"]')).to_contain_text("подія")
    expect(page.locator("#version-diff")).to_have_attribute(
        "data-changed", re.compile(re.escape(event)), timeout=TIMEOUT
    )

    page.get_by_role("link", name="Перенести запущені екземпляри").click()
    expect(page.get_by_label("Екземпляри, що виконуються на версії")).to_have_value("1")
    expect(page.get_by_label("Перенести на версію")).to_have_value("2")
    page.get_by_role("button", name="Попередній перегляд").click()
    plan = page.locator("#migration-plan")
    expect(plan.locator('[data-count="movable"]')).to_have_text("2 можуть перейти")
    expect(plan.locator('[data-count="blocked"]')).to_have_text("1 не може перейти")
    expect(plan.locator('li[data-reason="timer_changed"]')).to_contain_text(f"таймер «{timer_name}»")
    blocked = plan.locator(f'tr[data-instance="{ids["waiting"]}"]')
    expect(blocked).to_contain_text(waiting_number)
    expect(blocked).to_contain_text(f"змінився таймер «{timer_name}», на який він чекає")
    screenshot(page, "designer-migration-preview")

    page.get_by_role("button", name="Пробний запуск").click()
    expect(page.locator('#migration-dry-run [data-count="moved"]')).to_have_text("2 перейшли б")
    db.session.expire_all()
    assert {i.id: i.definition.version for i in db.session.scalars(sa.select(ProcessInstance)).all()} == {
        ids["drafting"]: 1,
        ids["approval"]: 1,
        ids["waiting"]: 1,
    }
    db.session.close()

    page.get_by_role("button", name="Перенести", exact=True).click()
    expect(page).to_have_url(re.compile(r"/designer/migrations/\d+$"))
    items = page.locator("#migration-items")
    expect(items.locator('tr[data-outcome="moved"]')).to_have_count(2)
    expect(items.locator(f'tr[data-instance="{ids["waiting"]}"]')).to_contain_text("залишився")
    db.session.expire_all()
    assert db.session.get(ProcessInstance, ids["drafting"]).definition.version == 2
    db.session.close()

    page.get_by_role("button", name="Скасувати перенесення").click()
    expect(page.get_by_text("Повернуто: 2;")).to_be_visible()
    expect(items.locator('tr[data-outcome="undone"]')).to_have_count(2)
    screenshot(page, "designer-migration-undone")
    db.session.expire_all()
    assert db.session.get(ProcessInstance, ids["drafting"]).definition.version == 1
    assert db.session.get(ProcessInstance, ids["approval"]).definition.version == 1


def test_a_test_run_steps_through_a_draft_and_sends_nothing(
    page, live_server, designer, scenario, db, screenshot
):
    scenario.done()
    outbox_before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    db.session.close()
    sign_in(page, live_server, DESIGNER_EMAIL)
    open_editor(page, "deadlines.dmn")
    page.get_by_role("link", name="До чернетки: розгорнути, тестовий запуск").click()
    page.get_by_label("Процес").select_option(bundle.process_id(standard_files()))
    page.get_by_label("Початок (київський час)").fill("01.03.2027 09:00")
    page.get_by_role("button", name="Почати тестовий запуск").click()
    expect(page).to_have_url(re.compile(r"/designer/test-runs/\d+$"))
    task = page.locator('article[data-element="draft_act"]')
    expect(task.locator('[data-fact="lane"]')).to_have_text("Юрист (lawyer)")
    expect(task.locator('[data-fact="group"]')).to_have_text("lawyer")
    task.get_by_label("Подання").check()
    task.get_by_label("Текст акта реагування").fill("Вимагаємо забезпечити вентиляцію камер.")
    task.get_by_label("Хто підписує").fill("Представник Уповноваженого")
    task.get_by_role("button", name="Завершити в тестовому запуску").click()
    approve = page.locator('article[data-element="approve_act"]')
    expect(approve.locator('[data-fact="role"]')).to_have_text("manager")
    approve.get_by_label("Погодити і надіслати").check()
    approve.get_by_role("button", name="Завершити в тестовому запуску").click()

    # What the deployed table says for a submission of this severity, and where the act is sent.
    files = standard_files()
    decision = next(d for d, name in bundle.decision_files(files).items() if name == "deadlines.dmn")
    severity = samples.STANDARD["recommendation"]["severity"]  # what the run started with
    row = next(
        n
        for n, (entries, _d) in enumerate(bundle.rows(files, decision), start=1)
        if bundle.satisfying(entries[0], ("submission",)) == "submission" and _matches(entries[1], severity)
    )
    term = next(iter(bundle.outputs(files, decision, row).values()))
    [decided_at] = bundle.rule_tasks(files, decision)
    send_step = next(t for t, op in bundle.service_operators(files).items() if op == "send_act")
    log = page.locator("#run-log")
    expect(log.locator(f'li[data-kind="decision"][data-element="{decided_at}"]')).to_contain_text(
        f'"{term.name}": {term.text}'
    )
    expect(log.locator(f'li[data-kind="service"][data-element="{send_step}"]')).to_contain_text("send_act")
    expect(page.locator('article[data-element="authority_reply"] [data-fact="group"]')).to_have_text(
        "authority:0"
    )

    # The run's first timer, as the page lists it; the clock moved past it fires it in the run only.
    timer = page.locator("#run-timers li[data-element]").first
    expect(timer).to_be_visible()
    event = timer.get_attribute("data-element")
    due = re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", timer.inner_text()).group(0)
    later = datetime.strptime(due, "%d.%m.%Y %H:%M") + timedelta(hours=1)
    page.get_by_label("Перевести годинник на").fill(later.strftime("%d.%m.%Y %H:%M"))
    page.get_by_role("button", name="Перевести і виконати належне").click()
    expect(log.locator(f'li[data-kind="timer_fired"][data-element="{event}"]')).to_be_visible()
    # The lawyer's next step appears; what its service step does is recorded, not sent.
    receipt = page.locator('article[data-element="register_receipt"]')
    expect(receipt).to_be_visible()
    receipt.get_by_label("Дата отримання").fill((later - timedelta(days=1)).strftime("%d.%m.%Y"))
    receipt.get_by_role("button", name="Завершити в тестовому запуску").click()
    receipt_step = next(
        t for t, op in bundle.service_operators(files).items() if op == "record_paper_receipt"
    )
    expect(log.locator(f'li[data-kind="service"][data-element="{receipt_step}"]')).to_contain_text(
        "записано, не надіслано"
    )
    screenshot(page, "designer-test-run")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == outbox_before


def _matches(entry: str, value: str) -> bool:
    """Whether an input cell of the table lets `value` through (a literal or `? != "x"`)."""
    try:
        return bundle.satisfying(entry, (value,)) == value
    except StopIteration:
        return False


MIWG = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "bpmn-miwg-reference"


@pytest.mark.skipif(not MIWG.exists(), reason="shared MIWG reference models not present")
def test_every_reference_model_opens_in_the_modeler_and_is_deployable_or_refused_at_elements(
    page, live_server, designer, scenario, tmp_path, screenshot
):
    """The OMG's reference models (and one stripped of its layout) open in the modeler; each is
    either deployable or refused with reasons at its elements — never a stack trace."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    scenario.done()
    models = sorted(MIWG.glob("*.bpmn"))
    assert len(models) >= 20
    # One without its diagram layout, as some tools export: it must be laid out here.
    bare = tmp_path / "A.2.0-without-layout.bpmn"
    text = (MIWG / "A.2.0.bpmn").read_text(encoding="utf-8")
    bare.write_text(
        re.sub(r"<(\w+:)?BPMNDiagram.*</(\w+:)?BPMNDiagram>", "", text, flags=re.S), encoding="utf-8"
    )
    sign_in(page, live_server, DESIGNER_EMAIL)
    outcomes = {}
    for path in [*models, bare]:
        page.goto(f"{live_server.url}/designer")
        page.get_by_label("Файл BPMN").set_input_files(str(path))
        page.get_by_role("button", name="Відкрити в редакторі схем").click()
        modeler_ready(page)
        expect(page.locator("#designer-findings [data-summary]")).not_to_be_empty()
        body = page.locator("main").inner_text()
        assert "Traceback" not in body and "Internal Server Error" not in body, path.name
        findings = page.locator("#designer-findings li.finding--error")
        shown = page.evaluate(
            """() => Array.from(document.querySelectorAll('#designer-findings li.finding--error'))
                 .map(li => li.dataset.element)"""
        )
        if not shown:
            page.get_by_role("link", name="До чернетки: розгорнути, тестовий запуск").click()
            page.get_by_label("Що змінює ця версія").fill(f"Еталонна модель {path.name}")
            warnings_note = page.get_by_label("Чому попередження можна прийняти")
            if warnings_note.count():
                warnings_note.fill("Еталонна модель OMG")
            page.get_by_role("button", name="Розгорнути").click()
            expect(page.get_by_text("Розгорнуто як нову версію")).to_be_visible()
            outcomes[path.name] = "deployed"
            continue
        at_elements = [e for e in shown if e]
        assert at_elements, f"{path.name}: no error names an element"
        drawn = page.evaluate(
            """ids => ids.filter(id => {
                 const m = window.ombudsflowModeler, r = m.get('elementRegistry');
                 const pool = r.find(e => e.type === 'bpmn:Participant' && e.businessObject.processRef
                                          && e.businessObject.processRef.id === id);
                 const shape = pool || r.get(id);
                 return shape && shape !== m.get('canvas').getRootElement();
               })""",
            sorted(set(at_elements)),
        )
        for element_id in drawn:
            expect(page.locator(f'.check-badge--error[data-check-element~="{element_id}"]')).to_have_count(1)
        assert findings.count() == len(shown)
        outcomes[path.name] = f"refused at {len(set(at_elements))} element(s)"
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-laid-out", "true")
    assert page.locator(".djs-shape").count() > 5
    screenshot(page, "designer-miwg-laid-out")
    assert len(outcomes) == len(models) + 1
    assert errors == [], errors
