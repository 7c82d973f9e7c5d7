"""Deployments refuse what nobody here reads (issue 21): script and handlers in foreign
namespaces, thousands of files, JSON that would blow a parser up, text that is not UTF-8; each
refusal names the file, the element and the line, and the CLI says "deployment refused"."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine import deployments
from engine.deployments import DeploymentError
from engine.models import Deployment

from .conftest import BPMN_DIR
from .test_cli import cli  # noqa: F401  (the fixture)

HTML = 'xmlns:html="http://www.w3.org/1999/xhtml"'


def files():
    return deployments.collect_files([BPMN_DIR])


def _with_extension(markup: str, extra_ns: str = HTML) -> dict[str, str]:
    broken = files()
    text = broken["review.bpmn"].replace("<bpmn:definitions ", f"<bpmn:definitions {extra_ns} ", 1)
    marker = '<spiffworkflow:property name="formJsonSchemaFilename" value="prepare.schema.json" />'
    assert marker in text
    broken["review.bpmn"] = text.replace(marker, marker + markup, 1)
    return broken


def _refused(db, broken) -> DeploymentError:
    with pytest.raises(DeploymentError) as caught:
        deployments.deploy(broken, actor="a")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deployment)) == 0
    return caught.value


@pytest.mark.parametrize(
    ("markup", "ns", "says"),
    [
        ("<html:script>alert(document.cookie)</html:script>", HTML, "<html:script>"),
        ('<html:iframe src="https://evil.example"/>', HTML, "<html:iframe>"),
        ('<html:img src="x" onerror="alert(1)"/>', HTML, "<html:img>"),
        ("<x:anything/>", 'xmlns:x="urn:vendor"', "<x:anything>"),
        ('<svg:svg xmlns:svg="http://www.w3.org/2000/svg" onload="alert(1)"/>', "", "<svg:svg>"),
    ],
)
def test_foreign_elements_are_refused_with_element_and_line(db, markup, ns, says):
    error = _refused(db, _with_extension(markup, ns))
    [problem] = [p for p in error.problems if says in p.reason]
    assert problem.file == "review.bpmn" and problem.element_id == "prepare"
    assert "at line " in problem.reason and "not read by the engine" in problem.reason


def test_event_handler_attributes_are_refused(db):
    broken = files()
    broken["review.bpmn"] = broken["review.bpmn"].replace(
        '<bpmn:userTask id="prepare" ', '<bpmn:userTask id="prepare" onclick="alert(1)" ', 1
    )
    error = _refused(db, broken)
    assert any(p.element_id == "prepare" and "'onclick'" in p.reason for p in error.problems), error.problems


def test_foreign_attributes_are_refused_and_editor_colours_kept(db):
    broken = files()
    broken["review.bpmn"] = broken["review.bpmn"].replace(
        '<bpmn:userTask id="prepare" ',
        '<bpmn:userTask id="prepare" xmlns:xl="http://www.w3.org/1999/xlink" xl:href="javascript:x" ',
        1,
    )
    error = _refused(db, broken)
    assert any(p.element_id == "prepare" and "'href'" in p.reason for p in error.problems)


def test_too_many_files_are_refused(db, app):
    many = files()
    for i in range(2000):
        many[f"documents/t{i}.j2"] = "x"
    error = _refused(db, many)
    assert "at most 300 files" in str(error)
    app.config["OMBUDSFLOW_DEPLOY_MAX_FILES"] = 5000
    assert deployments.max_files() == 5000


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested 100,000 deep"),
        ('{"type": "object", "maximum": ' + "9" * 5000 + "}", "5,000 characters"),
        ('{"type": "object", "maximum": NaN}', "NaN"),
        ('{"title": "\\ud800"}', "lone surrogate"),
    ],
)
def test_hostile_form_json_is_refused_cleanly(db, form, says):
    broken = files()
    broken["forms/review.schema.json"] = form
    error = _refused(db, broken)
    assert any(p.file == "forms/review.schema.json" and says in p.reason for p in error.problems), error


def test_collect_files_refuses_text_that_is_not_utf8(tmp_path):
    (tmp_path / "bad.bpmn").write_bytes(b"<?xml version='1.0'?>\xff\xfe")
    with pytest.raises(DeploymentError, match="not UTF-8 text"):
        deployments.collect_files([tmp_path])


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("bad.bpmn", b"\xff\xfe<definitions/>", "not UTF-8 text"),
        ("deep.json", ("[" * 100_000 + "]" * 100_000).encode(), "nested 100,000 deep"),
        ("deep.bpmn", b"<a>" * 100_000 + b"</a>" * 100_000, "invalid XML"),
    ],
)
def test_the_cli_says_deployment_refused(cli, tmp_path, name, content, says):  # noqa: F811
    (tmp_path / name).write_bytes(content)
    proc = cli("deploy", str(tmp_path / name), ok=False)
    assert proc.returncode == 1
    assert "error: deployment refused: " in proc.stderr and says in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
