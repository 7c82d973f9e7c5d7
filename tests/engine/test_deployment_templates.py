"""Templates deployed with the diagrams: collected from `documents/`, stored as deployment files,
checked by whoever registered a checker, versioned by deployment, read newest-first by name."""

from __future__ import annotations

import shutil

import pytest

from engine import deployments
from engine.deployments import DeploymentError

from .conftest import BPMN_DIR


@pytest.fixture
def bundle(tmp_path):
    folder = tmp_path / "bundle"
    shutil.copytree(BPMN_DIR, folder)
    (folder / "documents").mkdir()
    (folder / "documents" / "letter.uk.j2").write_text("Лист {{ document.number }}", encoding="utf-8")
    (folder / "stray.j2").write_text("not collected outside documents/", encoding="utf-8")
    return folder


def test_templates_are_collected_from_documents_and_stored_with_the_deployment(app, db, bundle):
    files = deployments.collect_files([bundle])
    assert "documents/letter.uk.j2" in files and "stray.j2" not in files
    result = deployments.deploy(files, actor="test")
    db.session.commit()
    stored = {f.filename: f.kind for f in result.deployment.files}
    assert stored["documents/letter.uk.j2"] == "template"
    assert "documents" not in result.deployment.name  # named after its diagrams
    assert deployments.latest_template("letter.uk.j2") == (result.deployment.id, "Лист {{ document.number }}")


def test_a_single_template_file_lands_in_documents(tmp_path):
    path = tmp_path / "letter.en.j2"
    path.write_text("Letter", encoding="utf-8")
    assert deployments.collect_files([path]) == {"documents/letter.en.j2": "Letter"}


def test_the_newest_deployment_of_a_template_wins_and_older_ones_stay_readable(app, db, bundle):
    first = deployments.deploy(deployments.collect_files([bundle]), actor="test").deployment
    (bundle / "documents" / "letter.uk.j2").write_text("Лист, друга редакція", encoding="utf-8")
    second = deployments.deploy(deployments.collect_files([bundle]), actor="test").deployment
    db.session.commit()
    assert second.id > first.id
    assert deployments.latest_template("documents/letter.uk.j2") == (second.id, "Лист, друга редакція")
    assert deployments.template(first.id, "letter.uk.j2") == "Лист {{ document.number }}"
    assert deployments.latest_template("documents/none.uk.j2") is None


def test_a_registered_checker_refuses_a_template_with_its_file_and_reason(app, db, bundle):
    def no_shouting(name: str, text: str) -> list[str]:
        return [f"line {n}: no shouting" for n, line in enumerate(text.splitlines(), 1) if "!!!" in line]

    (bundle / "documents" / "letter.uk.j2").write_text("Добрий день\nУвага!!!", encoding="utf-8")
    deployments.register_checker("template", no_shouting)
    try:
        with pytest.raises(DeploymentError) as caught:
            deployments.deploy(deployments.collect_files([bundle]), actor="test")
    finally:
        deployments._checkers["template"].remove(no_shouting)
    assert [(p.file, p.reason) for p in caught.value.problems] == [
        ("documents/letter.uk.j2", "line 2: no shouting")
    ]
