"""The designer's pages and JSON routes without a browser: who may open them, the form preview drawn
by the task page's own code, the "try it" panel on the draft, saving files, text resources."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine import drafts
from engine.models import DeploymentFile, DesignDraft, HumanTask

from . import bundle
from .conftest import Pages, text


def _draft(db) -> DesignDraft:
    return db.session.scalar(sa.select(DesignDraft).order_by(DesignDraft.id.desc()))


def _open_draft(designer_pages, db) -> DesignDraft:
    deployment_id = db.session.scalar(sa.select(DeploymentFile.deployment_id).limit(1))
    response = designer_pages.post("/designer/drafts", {"deployment_id": deployment_id})
    assert response.status_code == 302
    return _draft(db)


def test_only_designers_and_admins_open_the_designer(app, world, designer_pages, pages):
    assert designer_pages.get("/designer").status_code == 200
    lawyer = Pages(app.test_client())
    lawyer.login(world.users["lawyer"].email)
    refused = lawyer.get("/designer")
    assert refused.status_code == 403
    assert "Ваша роль (Юрист) не дозволяє цього." in text(refused)
    assert lawyer.get("/designer/api/operators").status_code == 403
    admin = Pages(app.test_client())
    admin.login(world.users["admin"].email)
    assert admin.get("/designer").status_code == 200
    assert pages.get("/designer").status_code == 302  # sign in first


def _fields(html: str) -> str:
    """The form's fields without the values a task page fills in (the act's drafted text, its kind):
    the preview shows the form empty, the task page as the process prefilled it."""
    start = html.index('<div class="field')
    part = html[start : html.index("</fieldset>", start)]
    part = re.sub(r" (checked|selected)(?=[ >])", "", part)
    part = re.sub(r'(<input[^>]*?) value="[^"]*"', r"\1", part)
    part = re.sub(r"(<textarea[^>]*>).*?(</textarea>)", r"\1\2", part, flags=re.S)
    return " ".join(part.split())


def test_the_form_preview_is_the_task_pages_own_form(app, db, world, scenario, designer_pages):
    rec = scenario.recommendation("Забезпечити вентиляцію камер дільниці карантину.")
    task = scenario.task(rec, "draft_act")
    lawyer = Pages(app.test_client())
    lawyer.login(world.users["lawyer"].email)
    task_page = lawyer.get(f"/tasks/{task.id}").get_data(as_text=True)
    draft = _open_draft(designer_pages, db)
    schema = draft.files["forms/draft_act.schema.json"]
    preview = designer_pages.post("/designer/forms/preview", {"content": schema, "preview_language": "uk"})
    assert preview.status_code == 200
    assert _fields(preview.get_data(as_text=True)) == _fields(task_page)

    # Checked as the task page checks it: the same messages, in the language chosen.
    refused = lawyer.post(
        f"/tasks/{task.id}", {"action": "complete", "version": task.version, "act_kind": "letter"}
    )
    assert refused.status_code == 422
    checked = designer_pages.post(
        "/designer/forms/preview",
        {"content": schema, "preview_language": "uk", "check": "1", "act_kind": "letter"},
    )
    task_errors = re.findall(
        r'<p class="field-error" id="([^"]+)">(.*?)</p>', refused.get_data(as_text=True), re.S
    )
    preview_errors = re.findall(
        r'<p class="field-error" id="([^"]+)">(.*?)</p>', checked.get_data(as_text=True), re.S
    )
    assert preview_errors == task_errors and len(task_errors) == 2
    english = designer_pages.post(
        "/designer/forms/preview", {"content": schema, "preview_language": "en", "check": "1"}
    )
    assert "This field is required." in text(english)
    assert "Kind of act" in text(english)
    broken = designer_pages.post("/designer/forms/preview", {"content": "{", "preview_language": "uk"})
    assert "Некоректний JSON (рядок 1, стовпець 2)." in text(broken)


def test_try_it_evaluates_the_drafts_table_with_the_row_that_fired(app, db, world, designer_pages):
    draft = _open_draft(designer_pages, db)
    # The first row of the terms table gets a shorter term, in the draft only.
    decision = next(d for d, name in bundle.decision_files(draft.files).items() if name == "deadlines.dmn")
    cell = next(iter(bundle.outputs(draft.files, decision, 1).values()))
    term = '"P7D"' if cell.text != '"P7D"' else '"P8D"'
    [(old, new)] = cell.change(draft.files, term)
    changed = draft.files["deadlines.dmn"].replace(old, new)
    # The inputs that select row 1: the first as a plain string, the next as typed in the table.
    [(entries, description), *_rest] = bundle.rows(draft.files, decision)
    names = [expression for _label, expression in bundle.input_labels(draft.files, decision)]
    inputs = {name: entry for name, entry in zip(names, entries, strict=True)}
    inputs[names[0]] = inputs[names[0]].strip('"')
    saved = designer_pages.client.put(
        f"/designer/api/drafts/{draft.id}/files/deadlines.dmn",
        data=changed.encode(),
        headers={"X-CSRFToken": designer_pages.token, "Content-Type": "application/xml"},
    )
    assert saved.status_code == 200 and saved.json == {"saved": True, "filename": "deadlines.dmn"}
    result = designer_pages.client.post(
        f"/designer/api/drafts/{draft.id}/decisions/{decision}/evaluate",
        json={"inputs": inputs},
        headers={"X-CSRFToken": designer_pages.token},
    )
    assert result.status_code == 200
    assert result.json["outputs"][cell.name] == term.strip('"')
    assert [(r["row_number"], r["description"]) for r in result.json["rules"]] == [(1, description)]
    missing = designer_pages.client.post(
        f"/designer/api/drafts/{draft.id}/decisions/nope/evaluate",
        json={"inputs": {}},
        headers={"X-CSRFToken": designer_pages.token},
    )
    assert missing.status_code == 404
    assert missing.json["error"]["message"] == "Чернетка не має таблиці рішень nope."


def test_saving_refuses_bad_names_and_closed_drafts(app, db, world, designer_pages):
    draft = _open_draft(designer_pages, db)
    headers = {"X-CSRFToken": designer_pages.token, "Content-Type": "text/plain"}
    bad = designer_pages.client.put(
        f"/designer/api/drafts/{draft.id}/files/../escape.j2", data=b"x", headers=headers
    )
    assert bad.status_code in (404, 422)
    spaced = designer_pages.client.put(
        f"/designer/api/drafts/{draft.id}/files/documents/my letter.j2", data=b"x", headers=headers
    )
    assert spaced.status_code == 422
    assert spaced.json["error"]["fields"] == {"filename": [spaced.json["error"]["message"]]}
    drafts.discard(db.session.get(DesignDraft, draft.id), actor="test")
    db.session.commit()
    closed = designer_pages.client.put(
        f"/designer/api/drafts/{draft.id}/files/deadlines.dmn", data=b"<x/>", headers=headers
    )
    assert closed.status_code == 409


def test_a_text_resource_is_edited_as_text_and_deployed_with_the_bundle(app, db, world, designer_pages):
    draft = _open_draft(designer_pages, db)
    added = designer_pages.post(
        f"/designer/drafts/{draft.id}/files", {"filename": "notes/reminder.txt", "kind": "text"}
    )
    assert added.status_code == 302
    assert added.headers["Location"].endswith("/files/notes/reminder.txt")
    page = designer_pages.get(added.headers["Location"])
    assert "Текстовий ресурс: notes/reminder.txt" in text(page)
    designer_pages.post(
        f"/designer/drafts/{draft.id}/files/notes/reminder.txt",
        {"content": "Шановні {{ authority }}!\r\nНагадуємо про строк."},
    )
    deployed = designer_pages.post(f"/designer/drafts/{draft.id}/deploy", {"comment": "Нотатка"})
    assert deployed.status_code == 302 and deployed.headers["Location"].endswith("/versions/2")
    stored = db.session.scalar(
        sa.select(DeploymentFile).where(DeploymentFile.filename == "notes/reminder.txt")
    )
    assert (stored.kind, stored.content) == ("text", "Шановні {{ authority }}!\nНагадуємо про строк.")
    version = designer_pages.get(deployed.headers["Location"])
    assert "додано notes/reminder.txt" in text(version)


def test_a_document_template_is_checked_when_the_draft_is_deployed(app, db, world, designer_pages):
    draft = _open_draft(designer_pages, db)
    name = "documents/letter.uk.j2"
    assert name in draft.files
    page = designer_pages.get(f"/designer/drafts/{draft.id}/files/{name}")
    assert f"Шаблон документа: {name}" in text(page)
    designer_pages.post(
        f"/designer/drafts/{draft.id}/files/{name}", {"content": draft.files[name] + "\n{{ nobody_knows }}"}
    )
    refused = designer_pages.post(f"/designer/drafts/{draft.id}/deploy", {"comment": "Зламаний шаблон"})
    assert refused.status_code == 422
    assert "nobody_knows" in text(refused)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(DeploymentFile).where(DeploymentFile.filename == name)
        )
        == 1
    )


def test_deploying_needs_a_comment_and_says_what_the_checks_refuse(app, db, world, designer_pages):
    draft = _open_draft(designer_pages, db)
    no_comment = designer_pages.post(f"/designer/drafts/{draft.id}/deploy", {"comment": ""})
    assert no_comment.status_code == 422
    assert "Коротко напишіть, що змінює ця версія." in text(no_comment)
    unchanged = designer_pages.post(f"/designer/drafts/{draft.id}/deploy", {"comment": "Нічого"})
    assert unchanged.status_code == 302
    assert "Нічого розгортати" in text(designer_pages.get(unchanged.headers["Location"]))
    event, _expression = bundle.first_time_date(draft.files)
    [(old, new)] = bundle.timer_change(draft.files, event, "P30D")["recommendation.bpmn"]
    broken = draft.files["recommendation.bpmn"].replace(old, new)
    drafts.put_file(db.session.get(DesignDraft, draft.id), "recommendation.bpmn", broken, actor="test")
    db.session.commit()
    refused = designer_pages.post(f"/designer/drafts/{draft.id}/deploy", {"comment": "Строк"})
    assert refused.status_code == 422
    body = text(refused)
    assert "Перевірки знайшли помилки; нічого не розгорнуто." in body
    assert bundle.element_names(draft.files)[event] in body and "візьміть тривалість у лапки" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HumanTask)) == 0
