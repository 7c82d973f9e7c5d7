"""Deploying: all-or-nothing, identical content once, versions per process, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from engine import deployments
from engine.deployments import DeploymentError
from engine.models import Deployment, DeploymentFile, ProcessDefinition

from .conftest import BPMN_DIR

MIWG = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "bpmn-miwg-reference"


def files():
    return deployments.collect_files([BPMN_DIR])


def test_deploy_stores_files_hash_processes_and_versions(db):
    result = deployments.deploy(files(), actor="designer@example.org", name="test set")
    db.session.commit()
    dep = result.deployment
    assert result.created
    assert dep.process_ids == ["await_reply", "fragile", "review"]
    assert len(dep.sha256) == 64
    assert dep.created_by == "designer@example.org"
    stored = {f.filename: f.kind for f in dep.files}
    assert stored == {
        "forms/prepare.schema.json": "form",
        "forms/review.schema.json": "form",
        "fragile.bpmn": "bpmn",
        "messages.bpmn": "bpmn",
        "review.bpmn": "bpmn",
        "review_days.dmn": "dmn",
    }
    assert result.versions == {"await_reply": 1, "fragile": 1, "review": 1}


def test_identical_content_is_a_no_op_and_changes_make_new_versions(db):
    first = deployments.deploy(files(), actor="a")
    db.session.commit()
    again = deployments.deploy(files(), actor="b")
    db.session.commit()
    assert not again.created and again.deployment.id == first.deployment.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deployment)) == 1

    changed = files()
    changed["review.bpmn"] = changed["review.bpmn"].replace("Review the draft", "Review the draft again")
    second = deployments.deploy(changed, actor="a")
    db.session.commit()
    assert second.created
    assert second.versions["review"] == 2 and second.versions["fragile"] == 2
    latest = deployments.latest_definition("review")
    assert latest.version == 2 and latest.deployment_id == second.deployment.id


def _refused(db, broken: dict[str, str]) -> DeploymentError:
    with pytest.raises(DeploymentError) as caught:
        deployments.deploy(broken, actor="a")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deployment)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeploymentFile)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition)) == 0
    return caught.value


def test_invalid_xml_names_file_and_line(db):
    broken = files()
    broken["review.bpmn"] = broken["review.bpmn"].replace("</bpmn:process>", "</bpmn:proces>")
    error = _refused(db, broken)
    assert error.problems[0].file == "review.bpmn"
    assert "invalid XML at line" in error.problems[0].reason


def test_missing_called_decision_names_the_element(db):
    broken = files()
    del broken["review_days.dmn"]
    error = _refused(db, broken)
    assert any(
        p.element_id == "decide_deadline" and "review_days_decision" in p.reason for p in error.problems
    )


def test_unknown_called_process(db):
    broken = {"caller.bpmn": (BPMN_DIR.parent / "bpmn_extra" / "caller.bpmn").read_text()}
    error = _refused(db, broken)
    assert "no_such_process" in str(error)


def test_missing_form_and_unknown_service_and_unquoted_timer_are_all_listed(db):
    broken = files()
    del broken["forms/review.schema.json"]
    broken["review.bpmn"] = (
        broken["review.bpmn"]
        .replace('id="test_notify"', 'id="no_such_service"')
        .replace('<bpmn:timeDuration>"P1D"</bpmn:timeDuration>', "<bpmn:timeDuration>P1D</bpmn:timeDuration>")
    )
    error = _refused(db, broken)
    reasons = {(p.element_id, p.reason.split(":")[0]) for p in error.problems}
    assert ("review_task", "form 'review.schema.json' is not among the deployed files") in reasons
    assert any(
        p.element_id == "notify_reminder" and "unknown service operation 'no_such_service'" in p.reason
        for p in error.problems
    )
    assert any(p.element_id == "review_reminder" and "not quoted" in p.reason for p in error.problems)


def test_invalid_json_schema_form(db):
    broken = files()
    broken["forms/review.schema.json"] = '{"type": "object", "properties": {"x": {"type": "nonsense"}}}'
    error = _refused(db, broken)
    assert error.problems[0].file == "forms/review.schema.json"
    assert "not a valid JSON Schema" in error.problems[0].reason


@pytest.mark.parametrize(
    "script",
    [
        "__import__('os').system('touch /tmp/pwned')",
        "import os",
        "x = ().__class__.__bases__[0].__subclasses__()",
        "x = [c for c in (1).__class__.__mro__]",
        "exec('import os')",
    ],
)
def test_sandbox_escapes_fail_deploy_time_validation(db, script):
    broken = files()
    broken["messages.bpmn"] = broken["messages.bpmn"].replace(
        'words = len(reply["text"].split())', script.replace("'", "&apos;")
    )
    error = _refused(db, broken)
    assert any(p.element_id == "count_words" for p in error.problems), error.problems


def test_no_files(tmp_path):
    with pytest.raises(DeploymentError, match="no BPMN or DMN files"):
        deployments.collect_files([tmp_path])


@pytest.mark.skipif(not MIWG.exists(), reason="shared MIWG reference models not present")
def test_miwg_reference_models_parse_or_are_refused_with_reasons(app):
    """Real models from other tools: each deploys, or is refused with its file and a readable reason.

    Most MIWG models are descriptive (no executable process, service tasks without an operator);
    what matters is that none crashes the parser or yields an unreadable error.
    """
    models = sorted(MIWG.glob("*.bpmn"))
    assert len(models) >= 20
    element_level = 0
    for path in models:
        try:
            deployments.parse({path.name: path.read_text(encoding="utf-8")})
        except DeploymentError as exc:
            for problem in exc.problems:
                assert problem.file == path.name and problem.reason
                assert "<Element" not in problem.reason and " at 0x" not in problem.reason
                element_level += problem.element_id is not None
    assert element_level >= 5
