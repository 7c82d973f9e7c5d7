"""Document templates are a designer's text: checked at deploy time (syntax, filters, names, with the
file and line), rendered in a sandbox that cannot reach Python internals or run for ever, and
versioned with the bundle (a new deployment changes new drafts only)."""

from __future__ import annotations

import pytest

from config.settings import PROJECT_ROOT
from engine import deployments
from engine.deployments import DeploymentError
from workflows.documents import templating
from workflows.documents.kinds import KINDS, TERM_REQUIRED
from workflows.documents.templating import TemplateFailed


def bundle_with(**templates: str) -> dict[str, str]:
    files = deployments.collect_files([PROJECT_ROOT / "bpmn"])
    files.update({f"documents/{name}": text for name, text in templates.items()})
    return files


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("letter.uk.j2", "Добрий день, {{ addressee.name }\n", "line 1: unexpected '}'"),
        (
            "letter.uk.j2",
            "{% for r in recommendations %}\n{{ r.text }}\n",
            "line 2: Unexpected end of template",
        ),
        (
            "letter.uk.j2",
            "{% if visit %}\n{{ visit.starts_on|kyiv }}\n{% endif %}",
            "line 2: unknown filter 'kyiv'",
        ),
        ("letter.uk.j2", "{% if term is overdue %}так{% endif %}", "line 1: unknown test 'overdue'"),
        ("letter.uk.j2", "Шановні\n{{ recomendations }}", "line 2: unknown name 'recomendations'"),
        (
            "letter.uk.j2",
            '{% include "other.j2" %}',
            "line 1: include is not available in document templates",
        ),
        ("lettre.uk.j2", "Текст", "a document template is named documents/<kind>.<language>.j2"),
    ],
)
def test_a_broken_template_is_refused_at_deploy_time_with_file_and_line(app, db, name, text, reason):
    with pytest.raises(DeploymentError) as caught:
        deployments.deploy(bundle_with(**{name: text}), actor="test")
    problems = [(p.file, p.reason) for p in caught.value.problems]
    assert any(file == f"documents/{name}" and found.startswith(reason) for file, found in problems), problems


def test_every_kind_has_a_ukrainian_template_and_the_bundle_deploys(app, db):
    files = deployments.collect_files([PROJECT_ROOT / "bpmn"])
    assert {f"documents/{kind}.uk.j2" for kind in KINDS} <= set(files)
    assert {"documents/submission.en.j2", "documents/letter.en.j2"} <= set(files)
    assert deployments.deploy(files, actor="test").created


SAFE_CONTEXT = {"addressee": {"name": "Орган"}}


@pytest.mark.parametrize(
    "text",
    [
        "{{ addressee.__class__.__mro__ }}",
        "{{ addressee.items.__globals__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ addressee.name.format.__self__ }}",
        "{% set x = addressee.update({'name': 'інший'}) %}{{ addressee.name }}",
    ],
)
def test_the_sandbox_keeps_a_template_away_from_python_internals(app, text):
    with pytest.raises(TemplateFailed) as caught:
        templating.render("documents/letter.uk.j2", text, SAFE_CONTEXT)
    assert caught.value.fields["template"][0].startswith("Шаблон documents/letter.uk.j2 не вдалося заповнити")
    assert SAFE_CONTEXT == {"addressee": {"name": "Орган"}}


def test_a_runaway_template_is_stopped_by_the_time_limit(app):
    app.config["OMBUDSFLOW_TEMPLATE_TIMEOUT_MS"] = 50
    text = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateFailed) as caught:
        templating.render("documents/letter.uk.j2", text, {})
    assert "time limit" in caught.value.fields["template"][0]


def test_an_undefined_name_at_render_names_the_line(app):
    with pytest.raises(TemplateFailed) as caught:
        templating.render("documents/letter.uk.j2", "Перший рядок\n{{ addressee.nmae }}", SAFE_CONTEXT)
    message = caught.value.fields["template"][0]
    assert "(рядок 2)" in message and "nmae" in message


def test_a_new_template_changes_new_drafts_only(desk, db):
    before = desk.draft("letter")
    files = bundle_with(**{"letter.uk.j2": "Нова редакція листа до {{ addressee.name }}."})
    new = deployments.deploy(files, actor="test").deployment
    after = desk.draft("letter")
    db.session.commit()
    assert after.body == "Нова редакція листа до Адміністрація Львівської виправної колонії № 48."
    assert after.template_deployment_id == new.id != before.template_deployment_id
    assert before.body.startswith("За результатами моніторингового візиту")


@pytest.mark.parametrize("kind", KINDS)
def test_every_bundled_template_fills_from_a_real_document(desk, db, kind):
    from workflows.users import grants

    grants.grant(desk.lawyer, "draw_protocols", actor="test")
    doc = desk.draft(kind, term=None if kind not in TERM_REQUIRED else desk_term())
    for rec in desk.recs:
        assert rec.number in doc.body
    assert "{{" not in doc.body and "{%" not in doc.body


def desk_term():
    from .documents_world import SUBMISSION_TERM

    return SUBMISSION_TERM
