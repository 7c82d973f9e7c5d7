"""Evaluating a deployed DMN decision table outside a process.

Business rule tasks evaluate their tables inside a workflow. Some rules are wanted without one: a
risk score per place, whether a kind of document needs a manager's approval, the designer's "try
it" panel. They run here through the same DMN engine and the same sandbox as inside a process, on
the newest deployment that holds the decision, and say which rows fired (a score must show why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import g
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.model import HitPolicy
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import deployments
from .db import db
from .errors import NotFound, ProcessError
from .models import Deployment
from .scripting import SandboxError


@dataclass(frozen=True)
class FiredRule:
    id: str
    row_number: int
    description: str


@dataclass
class DecisionResult:
    decision_id: str
    deployment_id: int
    # UNIQUE: the outputs of the rule that fired ({} when none did); COLLECT: each output's list.
    outputs: dict[str, Any]
    rules: list[FiredRule] = field(default_factory=list)


class _Workflow:
    def __init__(self, script_engine, decision_id: str) -> None:
        self.script_engine = script_engine
        self.spec = SimpleNamespace(file=decision_id, name=decision_id)
        self.top_workflow = self


class _Task:
    """What SpiffWorkflow's DMN engine (and its exceptions) read of a task: data, a spec name, the
    workflow's script engine."""

    def __init__(self, data: dict[str, Any], script_engine, decision_id: str) -> None:
        self.data = data
        self.workflow = _Workflow(script_engine, decision_id)
        self.task_spec = SimpleNamespace(bpmn_id=decision_id, bpmn_name=decision_id, name=decision_id)


def parse_tables(files: dict[str, str]) -> dict[str, Any]:
    """The decisions of the DMN files among `files`, parsed in memory (a designer's draft: nothing
    needs to be deployed, and a broken diagram elsewhere in the bundle does not matter here)."""
    from lxml import etree
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    parser = SpiffBpmnParser()
    for name, text in sorted(files.items()):
        if deployments.kind_of(name) != "dmn":
            continue
        try:
            parser.add_dmn_xml(etree.fromstring(text.encode("utf-8")), filename=name)
        except (etree.XMLSyntaxError, ValidationException, SpiffWorkflowException, ValueError) as exc:
            raise ProcessError(f"{name}: {exc}", element_id=None) from exc
    tables = {}
    for decision_id, dmn_parser in parser.dmn_parsers.items():
        try:
            dmn_parser.parse()
        except (ValidationException, SpiffWorkflowException, ValueError, KeyError) as exc:
            raise ProcessError(f"{dmn_parser.filename}: {exc}", element_id=decision_id) from exc
        tables[decision_id] = dmn_parser.decision
    return tables


def find(decision_id: str, deployment_id: int | None = None) -> tuple[int, Any]:
    """(deployment id, parsed decision): from `deployment_id`, or the newest deployment holding it."""
    if deployment_id is not None:
        candidates = [deployment_id]
    else:
        candidates = db.session.scalars(sa.select(Deployment.id).order_by(Deployment.id.desc())).all()
    for candidate in candidates:
        decision = deployments.loaded(candidate).decisions.get(decision_id)
        if decision is not None:
            return candidate, decision
    raise NotFound(f"no deployed decision with id {decision_id!r}", decision_id=decision_id)


def evaluate(
    decision_id: str,
    data: dict[str, Any],
    *,
    deployment_id: int | None = None,
    tables: dict[str, Any] | None = None,
) -> DecisionResult:
    """Evaluate the decision's (first) table for `data` in the sandbox: from `tables` (a draft's,
    see `parse_tables`; deployment id 0), else from a deployment."""
    if tables is not None:
        if decision_id not in tables:
            raise NotFound(f"no decision with id {decision_id!r}", decision_id=decision_id)
        found_in, decision = 0, tables[decision_id]
    else:
        found_in, decision = find(decision_id, deployment_id)
    table = decision.decisionTables[0]
    task = _Task(dict(data), _script_engine(), decision_id)
    engine = DMNEngine(table)
    try:
        fired = engine.decide(task)
        outputs = _outputs(table, fired, task)
    except (SpiffWorkflowException, SandboxError) as exc:
        notes = "; ".join(getattr(exc, "__notes__", []) or [])
        raise ProcessError(f"{exc}{f' ({notes})' if notes else ''}", element_id=decision_id) from exc
    if table.hit_policy != HitPolicy.COLLECT.value:
        fired = fired[:1]
    return DecisionResult(
        decision_id=decision_id,
        deployment_id=found_in,
        outputs=dict(outputs),
        rules=[FiredRule(r.id, r.row_number, (r.description or "").strip()) for r in fired],
    )


def _script_engine():
    """One sandboxed script engine per app context: it keeps no state between evaluations, and
    building one (its guarded builtins) costs more than a small table's evaluation."""
    from .instances import make_script_engine

    if "decision_script_engine" not in g:
        g.decision_script_engine = make_script_engine()
    return g.decision_script_engine


def _outputs(table, fired: list, task: _Task) -> dict[str, Any]:
    """The outputs of the rules that fired, as `DMNEngine.result` gives them — without deciding a
    second time (`result` runs every rule again: twice the cost for a table scored per place)."""
    if table.hit_policy == HitPolicy.COLLECT.value:
        collected: dict[str, list[Any]] = {}
        for rule in fired:
            for key, value in rule.output_as_dict(task).items():
                collected.setdefault(key, []).append(value)
        return collected
    return dict(fired[0].output_as_dict(task)) if fired else {}


__all__ = ["DecisionResult", "FiredRule", "evaluate", "find", "parse_tables"]
