"""The checks before deploy: each rule speaks at its element, errors refuse a deployment, warnings
need a note — in the engine, `ombudsflow deploy` and the REST API alike."""

from __future__ import annotations

import json

import pytest

from engine import deployments, lint
from engine.models import Deployment
from tests.workflows.conftest import Api
from workflows.users import services as users

from . import bundle
from .conftest import changed_files, standard_files

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="t">
<bpmn:process id="p" name="Перевірка" isExecutable="true">
<bpmn:laneSet id="lanes"><bpmn:lane id="lane_lawyer" name="Юрист (lawyer)">{refs}</bpmn:lane></bpmn:laneSet>
"""
TAIL = "</bpmn:process></bpmn:definitions>"
FORM = json.dumps({"type": "object", "properties": {"note": {"type": "string"}}})


def bpmn(body: str, lane: list[str]) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in lane)
    return HEAD.format(refs=refs) + body + TAIL


def task(task_id: str, name: str, form: str | None = "f.json", incoming="", outgoing="") -> str:
    props = (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{form}" />'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        if form
        else ""
    )
    flows = "".join(f"<bpmn:incoming>{i}</bpmn:incoming>" for i in incoming.split()) + "".join(
        f"<bpmn:outgoing>{o}</bpmn:outgoing>" for o in outgoing.split()
    )
    return f'<bpmn:userTask id="{task_id}" name="{name}">{props}{flows}</bpmn:userTask>'


def flow(flow_id, source, target, condition=None):
    body = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    attrs = f'id="{flow_id}" sourceRef="{source}" targetRef="{target}"'
    return f"<bpmn:sequenceFlow {attrs}>{body}</bpmn:sequenceFlow>"


def findings(files):
    return {(f.rule, f.element_id): f for f in lint.check(files).findings}


def test_the_standard_process_passes_every_check(app):
    report = lint.check(standard_files())
    assert report.findings == []
    assert report.parsed is not None and "recommendation" in report.parsed.specs


def test_each_rule_speaks_at_its_element(app):
    body = (
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
        + task("in_lane", "У доріжці", incoming="f1", outgoing="f2")
        + '<bpmn:exclusiveGateway id="choice" name="Вибір"><bpmn:incoming>f2</bpmn:incoming>'
        "<bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>"
        + task("no_lane", "Без доріжки", incoming="f3", outgoing="f5")
        + task("no_form", "Без форми", form=None, incoming="f4")
        + '<bpmn:endEvent id="end"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>'
        + task("island", "Острів")
        + flow("f1", "start", "in_lane")
        + flow("f2", "in_lane", "choice")
        + flow("f3", "choice", "no_lane", "note == 'a'")
        + flow("f4", "choice", "no_form", "note != 'a'")
        + flow("f5", "no_lane", "end")
    )
    files = {
        "p.bpmn": bpmn(body, ["start", "in_lane", "choice", "no_form", "end", "island"]),
        "forms/f.json": FORM,
    }
    found = findings(files)
    assert found[("user-task-lane", "no_lane")].severity == "error"
    assert "Без доріжки" in found[("user-task-lane", "no_lane")].message
    assert found[("user-task-form", "no_form")].severity == "warning"
    assert found[("dead-end", "no_form")].severity == "warning"
    assert found[("unreachable", "island")].severity == "warning"
    assert found[("gateway-default", "choice")].severity == "warning"
    assert ("user-task-lane", "in_lane") not in found
    # A candidate group stands in for a lane.
    grouped = files["p.bpmn"].replace(
        '<bpmn:userTask id="no_lane" name="Без доріжки"><bpmn:extensionElements><spiffworkflow:properties>',
        '<bpmn:userTask id="no_lane" name="Без доріжки"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="candidateGroup" value="\'manager\'" />',
    )
    assert ("user-task-lane", "no_lane") not in findings({**files, "p.bpmn": grouped})


def _unquoted_timer(files):
    """The first timeDate timer of the standard process typed as a bare duration: (event id, changes)."""
    event, _expression = bundle.first_time_date(files)
    return event, bundle.timer_change(files, event, "P30D")


def test_engine_refusals_come_back_as_errors_at_the_element_with_what_to_do(app):
    files = standard_files()
    _event, timer = _unquoted_timer(files)
    task_id, decision_id = next(iter(bundle.called_decisions(files).items()))
    files = changed_files(
        {
            "recommendation.bpmn": [
                *timer["recommendation.bpmn"],
                (
                    f"<spiffworkflow:calledDecisionId>{decision_id}<",
                    "<spiffworkflow:calledDecisionId>terms<",
                ),
            ]
        }
    )
    report = lint.check(files)
    assert report.parsed is None
    by_element = {f.element_id: f for f in report.errors}
    assert task_id in by_element
    assert 'No DMN Diagram available with id "terms"' in by_element[task_id].message
    assert by_element[task_id].hint.startswith("Add the decision table")


def test_unquoted_timers_and_unknown_operators_are_errors(app):
    files = standard_files()
    event, timer = _unquoted_timer(files)
    step, operator = next(iter(bundle.service_operators(files).items()))
    files = changed_files(
        {
            "recommendation.bpmn": [
                *timer["recommendation.bpmn"],
                (f'serviceTaskOperator id="{operator}"', 'serviceTaskOperator id="fine_the_authority"'),
            ]
        }
    )
    by_element = {f.element_id: f for f in lint.check(files).errors}
    assert "is not quoted" in by_element[event].message
    assert "quotes" in by_element[event].hint
    assert "unknown service operation 'fine_the_authority'" in by_element[step].message


def test_deploy_refuses_errors_and_wants_a_note_for_warnings(app, db):
    body = (
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
        + task("t", "Без форми", form=None, incoming="f1", outgoing="f2")
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
        + flow("f1", "start", "t")
        + flow("f2", "t", "end")
    )
    files = {"p.bpmn": bpmn(body, ["start", "t", "end"])}
    with pytest.raises(deployments.WarningsNotAccepted) as refused:
        deployments.deploy(files, actor="d", require_note=True)
    assert [(p.element_id, p.reason.split(":")[0]) for p in refused.value.problems] == [
        ("t", "user task 'Без форми' has no form")
    ]
    result = deployments.deploy(
        files, actor="d", comment="Перша", warnings_note="Форма буде пізніше", require_note=True
    )
    db.session.commit()
    stored = db.session.get(Deployment, result.deployment.id)
    assert (stored.comment, stored.warnings_note) == ("Перша", "Форма буде пізніше")
    assert [(w["rule"], w["element_id"]) for w in stored.warnings] == [("user-task-form", "t")]
    lane_error = files["p.bpmn"].replace("<bpmn:flowNodeRef>t</bpmn:flowNodeRef>", "")
    with pytest.raises(deployments.DeploymentError) as error:
        deployments.deploy({"p.bpmn": lane_error}, actor="d", warnings_note="x")
    assert [p.element_id for p in error.value.problems] == ["t"]


def test_ombudsflow_deploy_runs_the_same_checks(app, db, runner, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    event, timer = _unquoted_timer(standard_files())
    for name, text in changed_files(timer).items():
        (broken / name).parent.mkdir(parents=True, exist_ok=True)
        (broken / name).write_text(text)
    check = runner.invoke(args=["deploy", "--check", str(broken)])
    assert check.exit_code == 1
    assert (
        f"error: recommendation.bpmn [{event}]: timer: timer expression 'P30D' is not quoted" in check.output
    )
    refused = runner.invoke(args=["deploy", str(broken)])
    assert refused.exit_code != 0
    assert event in str(refused.exception)
    warned = tmp_path / "warned"
    warned.mkdir()
    text = standard_files()["recommendation.bpmn"].replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="verify.schema.json" />', ""
    )
    (warned / "recommendation.bpmn").write_text(text)
    for name, content in standard_files().items():
        if name != "recommendation.bpmn":
            (warned / name).parent.mkdir(parents=True, exist_ok=True)
            (warned / name).write_text(content)
    without = runner.invoke(args=["deploy", str(warned)])
    assert without.exit_code == 1
    assert (
        "warning: recommendation.bpmn [verify]: user task 'Перевірити виконання' has no form"
        in without.output
    )
    assert "--accept-warnings" in without.output
    accepted = runner.invoke(
        args=["deploy", str(warned), "--comment", "Без форми", "--accept-warnings", "Тимчасово"]
    )
    assert accepted.exit_code == 0, accepted.output
    assert "deployment 1 created: " in accepted.output and "recommendation v1" in accepted.output
    assert db.session.get(Deployment, 1).warnings_note == "Тимчасово"


def test_the_api_deploys_with_a_comment_and_refuses_unaccepted_warnings(app, db, client):
    user = users.create_user("designer@ombudsman.example", name="Д", role="designer", password="x" * 12)
    token = users.issue_token(user, label="t", actor="test")
    db.session.commit()
    api = Api(client, token)
    files = standard_files()
    files["recommendation.bpmn"] = files["recommendation.bpmn"].replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="verify.schema.json" />', ""
    )
    refused = api.post("/api/v1/deployments", json={"files": files})
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "warnings_not_accepted"
    assert list(refused.json["error"]["fields"]) == ["recommendation.bpmn#verify"]
    deployed = api.post(
        "/api/v1/deployments", json={"files": files, "comment": "Без форми", "accept_warnings": "Тимчасово"}
    )
    assert deployed.status_code == 201
    assert (deployed.json["comment"], deployed.json["warnings_note"]) == ("Без форми", "Тимчасово")
    assert [w["element_id"] for w in deployed.json["warnings"]] == ["verify"]
