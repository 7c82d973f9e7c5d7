"""Versions: the one marked to start is where new recommendations start; diffs list what changed."""

from __future__ import annotations

from engine import deployments, versions
from engine.models import ProcessInstance

from .conftest import deploy_changed

TERM = [('r2_out0"><text>&quot;P1M&quot;', 'r2_out0"><text>&quot;P2M&quot;')]


def test_new_recommendations_start_on_the_marked_version_else_the_newest(app, db, world, scenario, designer):
    deploy_changed(db, {"deadlines.dmn": TERM}, comment="Два місяці", actor=designer.actor)
    assert deployments.latest_definition("recommendation").version == 2
    assert scenario.recommendation("Перша рекомендація після нової версії.").process_instance_id

    versions.mark_to_start("recommendation", 1, actor=designer.actor)
    db.session.commit()
    marked = scenario.recommendation("Друга рекомендація: версію позначено.")
    assert db.session.get(ProcessInstance, marked.process_instance_id).definition.version == 1
    history = versions.history("recommendation")
    assert [(v.number, v.is_start, v.running) for v in history] == [(2, False, 1), (1, True, 1)]
    assert history[1].definition.start_marked_by == designer.actor
    assert [p.starts_on for p in versions.processes()] == [1]

    versions.mark_to_start("recommendation", None, actor=designer.actor)
    db.session.commit()
    newest = scenario.recommendation("Третя рекомендація: знову найновіша.")
    assert db.session.get(ProcessInstance, newest.process_instance_id).definition.version == 2
    assert deployments.newest_definition("recommendation").version == 2


def test_a_version_diff_lists_elements_and_file_details(app, db, world):
    deploy_changed(
        db,
        {
            "deadlines.dmn": TERM,
            "recommendation.bpmn": [
                (
                    "<bpmn:timeDate>reminder_1_at</bpmn:timeDate>",
                    "<bpmn:timeDate>reply_due_at</bpmn:timeDate>",
                )
            ],
            "forms/verify.schema.json": [('"properties": {', '"properties": {"photo": {"type": "string"},')],
        },
    )
    change = versions.diff("recommendation", 2)
    assert change.against == 1
    assert {(e.element_id, e.change) for e in change.elements} == {
        ("reminder_1", "changed"),
        ("reply_deadlines", "changed"),
    }
    by_file = {f.filename: f for f in change.files}
    assert set(by_file) == {"deadlines.dmn", "recommendation.bpmn", "forms/verify.schema.json"}
    [rule] = by_file["deadlines.dmn"].details
    assert (rule["row"], rule["change"], rule["description"]) == (
        2,
        "changed",
        "Подання: місяць (ст. 15 Закону про Уповноваженого)",
    )
    assert '"P1M"' in rule["before"] and '"P2M"' in rule["after"]
    assert by_file["forms/verify.schema.json"].details == [
        {"kind": "field", "change": "added", "name": "photo"}
    ]
    assert versions.diff("recommendation", 1).against is None
