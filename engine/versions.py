"""Versions of deployed processes: who deployed what and why, which one new instances start on,
and what changed from one version to the next.

Every deployment is a version of each process it holds. The diff has two parts: the diagram's
elements added, removed and changed (SpiffWorkflow's `SpecDiff`, the same alignment the bulk
migration uses), and the other files of the bundle — decision-table rows, form fields, texts —
so that a designer who changed a term in a DMN table sees that row, not just "a file changed".
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from lxml import etree
from SpiffWorkflow.bpmn.util.diff import SpecDiff

from . import audit, deployments, serialization
from .clock import clock
from .db import db
from .errors import NotFound
from .models import Deployment, DeploymentFile, ProcessDefinition, ProcessInstance

DMN_NS = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"


@dataclass
class Version:
    definition: ProcessDefinition
    deployment: Deployment
    running: int
    is_start: bool

    @property
    def number(self) -> int:
        return self.definition.version


@dataclass
class ProcessSummary:
    process_id: str
    name: str | None
    newest: int
    starts_on: int
    versions: int
    running: int
    deployment_id: int


def running_counts(process_id: str | None = None) -> dict[int, int]:
    """Running instances per definition id (one GROUP BY over an indexed column)."""
    query = sa.select(ProcessInstance.definition_id, sa.func.count()).where(
        ProcessInstance.status == "running"
    )
    if process_id is not None:
        query = query.where(ProcessInstance.process_id == process_id)
    return dict(db.session.execute(query.group_by(ProcessInstance.definition_id)).all())


def processes() -> list[ProcessSummary]:
    """Every deployed process with its newest version, the one new instances start on, and how many
    instances run (on any version)."""
    definitions = db.session.scalars(
        sa.select(ProcessDefinition).order_by(ProcessDefinition.process_id, ProcessDefinition.version)
    ).all()
    counts = running_counts()
    by_process: dict[str, list[ProcessDefinition]] = {}
    for definition in definitions:
        by_process.setdefault(definition.process_id, []).append(definition)
    out = []
    for process_id, versions in by_process.items():
        newest = versions[-1]
        start = next((d for d in versions if d.start_marked), newest)
        out.append(
            ProcessSummary(
                process_id=process_id,
                name=newest.name,
                newest=newest.version,
                starts_on=start.version,
                versions=len(versions),
                running=sum(counts.get(d.id, 0) for d in versions),
                deployment_id=start.deployment_id,
            )
        )
    return out


def history(process_id: str) -> list[Version]:
    """The versions of a process, newest first."""
    rows = db.session.execute(
        sa.select(ProcessDefinition, Deployment)
        .join(Deployment, Deployment.id == ProcessDefinition.deployment_id)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc())
    ).all()
    if not rows:
        raise NotFound(f"no deployed process with id {process_id!r}", process_id=process_id)
    counts = running_counts(process_id)
    start = deployments.latest_definition(process_id)
    return [Version(d, dep, counts.get(d.id, 0), start is not None and d.id == start.id) for d, dep in rows]


def definition(process_id: str, version: int) -> ProcessDefinition:
    found = db.session.scalar(
        sa.select(ProcessDefinition).where(
            ProcessDefinition.process_id == process_id, ProcessDefinition.version == version
        )
    )
    if found is None:
        raise NotFound(f"{process_id} has no version {version}", process_id=process_id, version=version)
    return found


def mark_to_start(process_id: str, version: int | None, *, actor: str) -> ProcessDefinition | None:
    """New instances of `process_id` start on `version` from now on; None: on the newest again."""
    table = ProcessDefinition.__table__
    target = definition(process_id, version) if version is not None else None
    previous = db.session.scalar(
        sa.select(ProcessDefinition.version).where(
            ProcessDefinition.process_id == process_id, ProcessDefinition.start_marked.is_(True)
        )
    )
    if target is None and previous is None:
        return None
    db.session.execute(
        table.update()
        .where(table.c.process_id == process_id, table.c.start_marked.is_(True))
        .values(start_marked=False, start_marked_at=None, start_marked_by=None)
    )
    db.session.flush()  # the partial unique index allows one mark per process at a time
    if target is not None:
        db.session.execute(
            table.update()
            .where(table.c.id == target.id)
            .values(start_marked=True, start_marked_at=clock.now(), start_marked_by=actor)
        )
    db.session.expire_all()
    audit.record(
        "version_marked_to_start" if target is not None else "version_mark_removed",
        actor=actor,
        subject=f"process:{process_id}",
        details={"process_id": process_id, "version": version, "previous": previous},
    )
    return target


# --- diffs -----------------------------------------------------------------------------------------


@dataclass
class ElementChange:
    element_id: str
    name: str | None
    kind: str
    change: str  # added | removed | changed
    attributes: list[str] = field(default_factory=list)
    # The element's id in the older version when the new one renamed it (aligned by structure).
    previous_id: str | None = None


@dataclass
class FileChange:
    filename: str
    kind: str | None
    change: str  # added | removed | changed
    # What changed inside (rows of a table, fields of a form, lines): dicts, see `detail_text`.
    details: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class VersionDiff:
    process_id: str
    version: int
    against: int | None
    elements: list[ElementChange]
    files: list[FileChange]

    @property
    def empty(self) -> bool:
        return not self.elements and not self.files

    def ids(self, change: str) -> list[str]:
        return [e.element_id for e in self.elements if e.change == change]


def previous_version(process_id: str, version: int) -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(ProcessDefinition.version)).where(
            ProcessDefinition.process_id == process_id, ProcessDefinition.version < version
        )
    )


def files_of(deployment_id: int) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(DeploymentFile.filename, DeploymentFile.content).where(
            DeploymentFile.deployment_id == deployment_id
        )
    ).all()
    return dict(rows)


def diff(process_id: str, version: int, against: int | None = None) -> VersionDiff:
    """What `version` changed compared with `against` (by default the version before it)."""
    new = definition(process_id, version)
    against = against if against is not None else previous_version(process_id, version)
    if against is None:
        return VersionDiff(process_id, version, None, [], [])
    old = definition(process_id, against)
    old_specs = deployments.spec_for(old.deployment_id, process_id)
    new_specs = deployments.spec_for(new.deployment_id, process_id)
    elements = spec_changes(old_specs, new_specs)
    files = file_changes(files_of(old.deployment_id), files_of(new.deployment_id))
    return VersionDiff(process_id, version, against, elements, files)


_IGNORED_ATTRIBUTES = {"inputs", "outputs", "name", "typename", "manual", "lookahead"}


def spec_changes(old: tuple[Any, dict[str, Any]], new: tuple[Any, dict[str, Any]]) -> list[ElementChange]:
    """Diagram elements added, removed and changed between two (spec, subprocess specs) pairs."""
    registry = serialization.registry()
    pairs = [(old[0], new[0])]
    for name, spec in old[1].items():
        if name in new[1]:
            pairs.append((spec, new[1][name]))
    changes: dict[tuple[str, str], ElementChange] = {}
    for old_spec, new_spec in pairs:
        spec_diff = SpecDiff(registry, old_spec, new_spec)
        for task_spec in spec_diff.added:
            _note(changes, task_spec, "added", [])
        for task_spec in spec_diff.removed:
            _note(changes, task_spec, "removed", [])
        for task_spec, attributes in spec_diff.changed.items():
            shown = sorted(set(attributes) - _IGNORED_ATTRIBUTES)
            if shown:
                _note(changes, spec_diff.alignment.get(task_spec) or task_spec, "changed", shown, task_spec)
    for name in new[1]:
        if name not in old[1]:
            for task_spec in new[1][name].task_specs.values():
                _note(changes, task_spec, "added", [])
    order = {"removed": 0, "changed": 1, "added": 2}
    return sorted(changes.values(), key=lambda c: (order[c.change], c.element_id))


def _note(changes, task_spec, change: str, attributes: list[str], old_spec=None) -> None:
    element = getattr(task_spec, "bpmn_id", None)
    if not element:
        return  # SpiffWorkflow's own Start/End/join specs are not diagram elements
    previous = getattr(old_spec, "bpmn_id", None)
    changes[(element, change)] = ElementChange(
        element_id=element,
        name=getattr(task_spec, "bpmn_name", None),
        kind=type(task_spec).__name__,
        change=change,
        attributes=attributes,
        previous_id=previous if previous and previous != element else None,
    )


def file_changes(old: dict[str, str], new: dict[str, str]) -> list[FileChange]:
    out = []
    for name in sorted(set(old) | set(new)):
        kind = deployments.kind_of(name)
        if name not in old:
            out.append(FileChange(name, kind, "added"))
        elif name not in new:
            out.append(FileChange(name, kind, "removed"))
        elif old[name] != new[name]:
            out.append(FileChange(name, kind, "changed", _details(kind, old[name], new[name])))
    return out


def _details(kind: str | None, old: str, new: str) -> list[dict[str, Any]]:
    """What changed inside a file, as data: rows of a decision table, fields of a form, lines of text."""
    try:
        if kind == "dmn":
            return _dmn_details(old, new)
        if kind == "form":
            return _form_details(old, new)
    except (ValueError, etree.XMLSyntaxError):
        pass
    if kind == "bpmn":
        return []
    changed = [
        {"kind": "line", "change": "added" if line[0] == "+" else "removed", "text": line[1:]}
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return changed[:40]


def detail_text(detail: dict[str, Any]) -> str:
    """A detail in English (the CLI; the pages say it in the user's language)."""
    kind, change = detail["kind"], detail["change"]
    if kind == "rule":
        label = f"rule {detail['row']}" + (f" ({detail['description']})" if detail["description"] else "")
        if change == "changed":
            return f"changed {label}: {detail['before']} → {detail['after']}"
        return f"{change} {label}: {detail['after'] or detail['before']}"
    if kind == "field":
        return f"{change} field {detail['name']}"
    if kind == "required":
        return f"{'now required' if change == 'added' else 'no longer required'}: {detail['name']}"
    return f"{'+' if change == 'added' else '-'} {detail['text']}"


def _rules(text: str) -> dict[str, dict[str, Any]]:
    root = etree.fromstring(text.encode("utf-8"))
    rules = {}
    for number, rule in enumerate(root.iter(f"{DMN_NS}rule"), start=1):
        entries = [
            " ".join((node.findtext(f"{DMN_NS}text") or "").split())
            for node in rule
            if not node.tag.endswith("description")
        ]
        rules[rule.get("id")] = {
            "row": number,
            "description": " ".join((rule.findtext(f"{DMN_NS}description") or "").split()),
            "entries": " | ".join(entries),
        }
    return rules


def _dmn_details(old: str, new: str) -> list[dict[str, Any]]:
    before, after = _rules(old), _rules(new)
    details = []
    for rule_id, rule in after.items():
        was = before.get(rule_id)
        if was is None:
            change = "added"
        elif (was["entries"], was["description"]) != (rule["entries"], rule["description"]):
            change = "changed"
        else:
            continue
        details.append(
            {
                "kind": "rule",
                "change": change,
                "row": rule["row"],
                "description": rule["description"],
                "before": was["entries"] if was else "",
                "after": rule["entries"],
            }
        )
    for rule_id, rule in before.items():
        if rule_id not in after:
            details.append(
                {
                    "kind": "rule",
                    "change": "removed",
                    "row": rule["row"],
                    "description": rule["description"],
                    "before": rule["entries"],
                    "after": "",
                }
            )
    return details


def _form_details(old: str, new: str) -> list[dict[str, Any]]:
    old_schema = json.loads(old) if old.strip() else {}
    new_schema = json.loads(new) if new.strip() else {}
    before = old_schema.get("properties") or {}
    after = new_schema.get("properties") or {}
    details = [{"kind": "field", "change": "added", "name": n} for n in after if n not in before]
    details += [{"kind": "field", "change": "removed", "name": n} for n in before if n not in after]
    details += [
        {"kind": "field", "change": "changed", "name": n}
        for n in after
        if n in before and after[n] != before[n]
    ]
    old_required = set(old_schema.get("required") or [])
    new_required = set(new_schema.get("required") or [])
    details += [
        {"kind": "required", "change": "added", "name": n} for n in sorted(new_required - old_required)
    ]
    details += [
        {"kind": "required", "change": "removed", "name": n} for n in sorted(old_required - new_required)
    ]
    return details


__all__ = [
    "ElementChange",
    "FileChange",
    "ProcessSummary",
    "Version",
    "VersionDiff",
    "definition",
    "detail_text",
    "diff",
    "file_changes",
    "files_of",
    "history",
    "mark_to_start",
    "previous_version",
    "processes",
    "running_counts",
    "spec_changes",
]
