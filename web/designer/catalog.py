"""What the designer's editors offer to choose from: the draft's forms and decision tables, the
service operators the engine's registry knows (with their parameters), and element names for
messages about elements."""

from __future__ import annotations

import inspect
from typing import Any

from lxml import etree

from engine import deployments, services

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _xml(text: str):
    try:
        return etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None


def forms(files: dict[str, str]) -> list[str]:
    """Form names as user tasks refer to them (`formJsonSchemaFilename`, relative to forms/)."""
    return sorted(n.removeprefix("forms/") for n in files if deployments.kind_of(n) == "form")


def decisions(files: dict[str, str]) -> list[dict[str, Any]]:
    """Decision tables of the draft: id, name, file, inputs (label and expression), outputs."""
    out = []
    for name in sorted(files):
        if deployments.kind_of(name) != "dmn":
            continue
        root = _xml(files[name])
        if root is None:
            continue
        for decision in root.iter(f"{{{DMN_NS}}}decision", "{*}decision"):
            table = decision.find("{*}decisionTable")
            inputs = []
            outputs = []
            if table is not None:
                for item in table.findall("{*}input"):
                    expression = item.findtext("{*}inputExpression/{*}text") or ""
                    inputs.append(
                        {"label": item.get("label") or expression, "expression": expression.strip()}
                    )
                for item in table.findall("{*}output"):
                    outputs.append({"label": item.get("label") or item.get("name"), "name": item.get("name")})
            out.append(
                {
                    "id": decision.get("id"),
                    "name": decision.get("name") or "",
                    "file": name,
                    "inputs": inputs,
                    "outputs": outputs,
                }
            )
    unique = {d["id"]: d for d in out}
    return list(unique.values())


def operators(files: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The engine's registered service operators, with the parameters diagrams pass them.

    The registry names the operators; their parameters are those the handler declares
    (`services.register(name, params=…)`) and those the bundle's diagrams already pass."""
    seen: dict[str, set[str]] = {}
    for name, text in (files or {}).items():
        if deployments.kind_of(name) != "bpmn":
            continue
        root = _xml(text)
        if root is None:
            continue
        for operator in root.iter(f"{{{SPIFF_NS}}}serviceTaskOperator"):
            params = {p.get("id") for p in operator.iter(f"{{{SPIFF_NS}}}parameter") if p.get("id")}
            seen.setdefault(operator.get("id"), set()).update(params)
    out = []
    for name in services.names():
        handler = services.get(name)
        doc = inspect.getdoc(handler) or ""
        declared = list(services.parameters(name))
        extra = sorted(seen.get(name, set()) - set(declared))
        out.append(
            {"name": name, "description": doc.splitlines()[0] if doc else "", "parameters": declared + extra}
        )
    return out


def element_names(files: dict[str, str]) -> dict[str, str]:
    """id → name of every named BPMN element of the draft."""
    names: dict[str, str] = {}
    for name, text in files.items():
        if deployments.kind_of(name) != "bpmn":
            continue
        root = _xml(text)
        if root is None:
            continue
        for node in root.iter():
            if isinstance(node.tag, str) and node.get("id") and node.get("name"):
                names[node.get("id")] = " ".join(node.get("name").split())
    return names


def bpmn_files(files: dict[str, str]) -> list[str]:
    return sorted(n for n in files if deployments.kind_of(n) == "bpmn")


def process_ids(files: dict[str, str]) -> list[tuple[str, str]]:
    """(id, name) of the executable processes in the draft's BPMN files."""
    out = []
    for name in bpmn_files(files):
        root = _xml(files[name])
        if root is None:
            continue
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("isExecutable") == "true":
                out.append((process.get("id"), process.get("name") or process.get("id")))
    return out
