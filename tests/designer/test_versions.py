"""Versions: the one marked to start is where new recommendations start; diffs list what changed."""

from __future__ import annotations

from engine import deployments, versions
from engine.models import ProcessInstance

from . import bundle
from .conftest import deploy_changed, standard_files


def term_change():
    """The first output (the term) of row 2 of the terms table changed: (cell, new text, changes)."""
    files = standard_files()
    decision = next(d for d, name in bundle.decision_files(files).items() if name == "deadlines.dmn")
    cell = next(iter(bundle.outputs(files, decision, 2).values()))
    new = '"P2M"' if cell.text != '"P2M"' else '"P3M"'
    return cell, new, {cell.filename: cell.change(files, new)}


def test_new_recommendations_start_on_the_marked_version_else_the_newest(app, db, world, scenario, designer):
    _cell, _new, term = term_change()
    deploy_changed(db, term, comment="Два місяці", actor=designer.actor)
    assert deployments.latest_definition("recommendation").version == 2
    assert scenario.recommendation("Перша рекомендація після нової версії.").process_instance_id

    versions.mark_to_start("recommendation", 1, actor=designer.actor)
    db.session.commit()
    marked = scenario.recommendation("Друга рекомендація: версію позначено.")
    assert db.session.get(ProcessInstance, marked.process_instance_id).definition.version == 1
    history = versions.history("recommendation")
    assert [(v.number, v.is_start, v.running) for v in history] == [(2, False, 1), (1, True, 1)]
    assert history[1].definition.start_marked_by == designer.actor
    assert {p.process_id: p.starts_on for p in versions.processes()}["recommendation"] == 1

    versions.mark_to_start("recommendation", None, actor=designer.actor)
    db.session.commit()
    newest = scenario.recommendation("Третя рекомендація: знову найновіша.")
    assert db.session.get(ProcessInstance, newest.process_instance_id).definition.version == 2
    assert deployments.newest_definition("recommendation").version == 2


def test_a_version_diff_lists_elements_and_file_details(app, db, world):
    files = standard_files()
    cell, new_term, term = term_change()
    event, expression = bundle.first_time_date(files)
    retimed = bundle.timer_change(files, event, f"working_morning({expression})")
    deploy_changed(
        db,
        {
            **term,
            **retimed,
            "forms/verify.schema.json": [('"properties": {', '"properties": {"photo": {"type": "string"},')],
        },
    )
    change = versions.diff("recommendation", 2)
    assert change.against == 1
    assert {(e.element_id, e.change) for e in change.elements} == {
        (event, "changed"),
        *((task, "changed") for task in bundle.rule_tasks(files, cell.decision_id)),
    }
    by_file = {f.filename: f for f in change.files}
    assert set(by_file) == {"deadlines.dmn", "recommendation.bpmn", "forms/verify.schema.json"}
    [rule] = by_file["deadlines.dmn"].details
    assert (rule["row"], rule["change"], rule["description"]) == (2, "changed", cell.description)
    assert cell.text in rule["before"] and new_term in rule["after"]
    assert new_term not in rule["before"]
    assert by_file["forms/verify.schema.json"].details == [
        {"kind": "field", "change": "added", "name": "photo"}
    ]
    assert versions.diff("recommendation", 1).against is None
