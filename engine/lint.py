"""Checks before deploy: everything the engine refuses, plus lint rules a designer should hear about.

`check(files)` runs the deployment parser (its problems are errors: the engine cannot run what it
refuses) and our own rules over the BPMN XML. Each finding names its file, the diagram element and
what to do, so the designer can show it at the element and `ombudsflow deploy` can print it. Errors
block a deployment; warnings may be accepted with a note that is kept with the version.

Our rules read the XML rather than the parsed specs, so they also speak about diagrams the parser
refuses (models from other tools) and about elements SpiffWorkflow drops (an unreachable task).
They are kept apart from `deployments.py` on purpose: refusals that protect the engine live there,
advice for designers lives here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import deployments

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

ERROR, WARNING = "error", "warning"

# Rules (code → severity). The code is the contract between the engine, the designer's messages in
# the user's language (web/designer/messages.py) and `ombudsflow deploy`.
RULES = {
    "refused": ERROR,  # the deployment parser refused it (XML, XSD, sandbox, forms, operators, …)
    "no-executable-process": ERROR,
    "user-task-lane": ERROR,
    "user-task-form": WARNING,
    "dead-end": WARNING,
    "unreachable": WARNING,
    "gateway-default": WARNING,
}

_FLOW_NODES = (
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
    "subProcess",
    "transaction",
    "adHocSubProcess",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
)
_CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")
_USER_TASKS = ("userTask", "manualTask")
_DECIDING_GATEWAYS = ("exclusiveGateway", "inclusiveGateway")


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    file: str
    element_id: str | None
    message: str
    hint: str = ""
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "file": self.file,
            "element_id": self.element_id,
            "message": self.message,
            "hint": self.hint,
            "params": dict(self.params),
        }

    def __str__(self) -> str:
        where = self.file + (f" [{self.element_id}]" if self.element_id else "")
        text = f"{self.severity}: {where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


@dataclass
class Report:
    findings: list[Finding]
    parsed: deployments.ParsedDeployment | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def check(files: dict[str, str]) -> Report:
    """Every finding for a set of files, errors first, each with its element where there is one."""
    findings: list[Finding] = []
    parsed = None
    documents = _documents(files)
    try:
        parsed = deployments.parse(files)
    except deployments.DeploymentError as exc:
        for problem in exc.problems:
            findings.append(_from_problem(problem, documents))
    for name, root in documents.items():
        findings.extend(_bpmn_rules(name, root, files))
    findings = _unique(findings)
    # "no executable process" is said at the process element by our own rule; the parser's
    # file-level sentence would say it twice.
    if any(f.rule == "no-executable-process" for f in findings):
        findings = [f for f in findings if not (f.rule == "refused" and "no executable process" in f.message)]
    findings.sort(key=lambda f: (f.severity != ERROR, f.file, f.element_id or "", f.rule))
    blocked = any(f.severity == ERROR for f in findings)
    return Report(findings=findings, parsed=None if blocked else parsed)


def _documents(files: dict[str, str]) -> dict[str, Any]:
    """Parsed BPMN documents by file name (files that are not well-formed XML are the parser's)."""
    documents = {}
    for name, text in sorted(files.items()):
        if deployments.kind_of(name) != "bpmn":
            continue
        try:
            documents[name] = etree.fromstring(text.encode("utf-8"))
        except etree.XMLSyntaxError:
            continue
    return documents


_NAMED = re.compile(r"(?:with name|named) (?P<name>.+?) has no|Data Store with name (?P<store>.+?) has")


def _from_problem(problem: deployments.Problem, documents: dict[str, Any]) -> Finding:
    element = problem.element_id
    if element is None and problem.file in documents:
        # Some parser messages name an element by its name only; find it, so the designer can
        # show the message at the element.
        match = _NAMED.search(problem.reason)
        name = match and (match.group("name") or match.group("store"))
        if name:
            for node in documents[problem.file].iter():
                if isinstance(node.tag, str) and " ".join((node.get("name") or "").split()) == name:
                    element = node.get("id")
                    if element:
                        break
    return Finding(
        ERROR,
        "refused",
        problem.file,
        element,
        problem.reason,
        _hint_for(problem.reason),
        {"reason": problem.reason},
    )


def _hint_for(reason: str) -> str:
    lower = reason.lower()
    if "is not quoted" in lower:
        return 'Timer texts are Python expressions: put a duration in quotes, e.g. "P30D".'
    if "service task must have an operator" in lower:
        return "Give the service task an operator (spiffworkflow:serviceTaskOperator)."
    if "unknown service operation" in lower:
        return "Choose one of the operators the system offers."
    if "no dmn diagram available" in lower:
        return "Add the decision table to the bundle, or choose a decision that exists."
    if "is not among the deployed files" in lower:
        return "Add the form to the bundle, or choose an existing form."
    if "data store" in lower:
        return "Data stores are not executed by this engine: remove the data store or its reference."
    if "multiinstance" in lower or "cardinality" in lower:
        return "Give the multi-instance activity a cardinality or an input collection."
    if "start event" in lower:
        return "Give the subprocess exactly one start event."
    if "invalid xml" in lower:
        return "Fix the XML at the line given."
    return ""


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen, out = set(), []
    for finding in findings:
        key = (finding.severity, finding.rule, finding.file, finding.element_id, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


# --- our rules over the BPMN XML ----------------------------------------------------------------


def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _label(node) -> str:
    return node.get("name") or node.get("id") or _local(node)


def _bpmn_rules(file: str, root, files: dict[str, str]) -> Iterator[Finding]:
    processes = root.findall(f"{{{BPMN}}}process")
    if processes and not any(p.get("isExecutable") == "true" for p in processes):
        for process in processes:
            yield Finding(
                ERROR,
                "no-executable-process",
                file,
                process.get("id"),
                f"process {_label(process)!r} is not executable",
                "Mark the process executable (isExecutable) before it can be deployed.",
                {"name": _label(process)},
            )
    for process in processes:
        if process.get("isExecutable") != "true":
            continue
        yield from _lanes_and_forms(file, process)
        yield from _flow_rules(file, process)


_PROPERTY_PATH = "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"


def _properties(node) -> dict[str, str]:
    return {prop.get("name"): prop.get("value", "") for prop in node.iterfind(_PROPERTY_PATH, NS)}


def _in_lanes(process) -> set[str]:
    """Elements a lane holds, and everything inside a subprocess a lane holds (its tasks take the
    subprocess's lane, as they do when the engine runs them)."""
    in_lane = {ref.text.strip() for ref in process.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS) if ref.text}
    for sub in process.iterfind(".//bpmn:subProcess", NS):
        if sub.get("id") in in_lane:
            in_lane.update(node.get("id") for node in sub.iter() if node.get("id"))
    return in_lane


def _lanes_and_forms(file: str, process) -> Iterator[Finding]:
    in_lane = _in_lanes(process)
    for kind in _USER_TASKS:
        for task in process.iterfind(f".//bpmn:{kind}", NS):
            task_id = task.get("id")
            properties = _properties(task)
            offered = properties.get("candidateGroup") or properties.get("assignee")
            if task_id not in in_lane and not offered:
                yield Finding(
                    ERROR,
                    "user-task-lane",
                    file,
                    task_id,
                    f"user task {_label(task)!r} is in no lane and names no candidate group: nobody "
                    "would be offered it",
                    'Put the task in a lane named like "Name (role)", or give it a candidateGroup.',
                    {"name": _label(task)},
                )
            if kind == "userTask" and not properties.get(deployments.FORM_PROPERTY):
                yield Finding(
                    WARNING,
                    "user-task-form",
                    file,
                    task_id,
                    f"user task {_label(task)!r} has no form: its page shows no fields",
                    "Give the task a form (the formJsonSchemaFilename property).",
                    {"name": _label(task)},
                )


def _flow_rules(file: str, process) -> Iterator[Finding]:
    """Dead ends, unreachable elements and deciding gateways without a default, per container."""
    for container in [process, *process.iterfind(".//bpmn:subProcess", NS)]:
        if container is not process and _local(container) not in _CONTAINERS:
            continue
        nodes = [n for n in container if _local(n) in _FLOW_NODES and n.get("id")]
        flows = [f for f in container if _local(f) == "sequenceFlow"]
        outgoing: dict[str, list] = {}
        for flow in flows:
            outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
        by_id = {n.get("id"): n for n in nodes}
        yield from _dead_ends(file, nodes, outgoing)
        yield from _unreachable(file, container, nodes, by_id, outgoing)
        yield from _gateways(file, nodes, outgoing)


def _dead_ends(file: str, nodes, outgoing) -> Iterator[Finding]:
    for node in nodes:
        kind = _local(node)
        if kind in ("endEvent",) or outgoing.get(node.get("id")):
            continue
        if kind == "subProcess" and node.get("triggeredByEvent") == "true":
            continue  # an event subprocess has no outgoing flow by definition
        if kind == "boundaryEvent" and node.find("bpmn:compensateEventDefinition", NS) is not None:
            continue
        yield Finding(
            WARNING,
            "dead-end",
            file,
            node.get("id"),
            f"{_label(node)!r} has no outgoing flow and is not an end event: the path stops here",
            "Connect it to the next step or to an end event.",
            {"name": _label(node)},
        )


def _unreachable(file: str, container, nodes, by_id, outgoing) -> Iterator[Finding]:
    roots = []
    for node in nodes:
        kind = _local(node)
        if kind == "startEvent" or (kind == "subProcess" and node.get("triggeredByEvent") == "true"):
            roots.append(node.get("id"))
        elif kind == "intermediateCatchEvent" and node.find("bpmn:linkEventDefinition", NS) is not None:
            roots.append(node.get("id"))  # reached by a link throw elsewhere in the container
    has_incoming = {f.get("targetRef") for flows in outgoing.values() for f in flows}
    if not any(_local(n) == "startEvent" for n in nodes) and container.tag != f"{{{BPMN}}}process":
        # A subprocess without a start event starts at every activity without incoming flows.
        roots.extend(n.get("id") for n in nodes if n.get("id") not in has_incoming)
    attached: dict[str, list[str]] = {}
    for node in nodes:
        if _local(node) == "boundaryEvent" and node.get("attachedToRef"):
            attached.setdefault(node.get("attachedToRef"), []).append(node.get("id"))
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        stack.extend(f.get("targetRef") for f in outgoing.get(current, []))
        stack.extend(attached.get(current, []))
    if not roots:
        return  # no start at all: the parser says so, everything would be "unreachable"
    for node in nodes:
        if node.get("id") not in seen:
            yield Finding(
                WARNING,
                "unreachable",
                file,
                node.get("id"),
                f"{_label(node)!r} cannot be reached from a start event",
                "Connect it into the flow, or remove it.",
                {"name": _label(node)},
            )


def _gateways(file: str, nodes, outgoing) -> Iterator[Finding]:
    for node in nodes:
        if _local(node) not in _DECIDING_GATEWAYS:
            continue
        flows = outgoing.get(node.get("id"), [])
        conditional = [f for f in flows if f.find("bpmn:conditionExpression", NS) is not None]
        if len(flows) < 2 or node.get("default") or not conditional:
            continue
        yield Finding(
            WARNING,
            "gateway-default",
            file,
            node.get("id"),
            f"gateway {_label(node)!r} has no default flow: when no condition holds the "
            "instance stops with an error",
            "Mark one outgoing flow as the default flow.",
            {"name": _label(node)},
        )


def as_problem(finding: Finding) -> deployments.Problem:
    """A finding as the deployment error's problem (file, element, reason with what to do)."""
    reason = finding.message if finding.rule == "refused" else f"{finding.message}. {finding.hint}".strip()
    return deployments.Problem(finding.file, finding.element_id, reason)


def summary(report: Report) -> str:
    return f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"


__all__ = ["ERROR", "RULES", "WARNING", "Finding", "Report", "as_problem", "check", "summary"]
