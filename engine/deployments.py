"""Deploying BPMN, DMN, form and template files, and the per-deployment cache of parsed specs.

A deployment is all-or-nothing: every file is parsed, every process built, every expression
compiled in the sandbox and every form reference checked before a single row is written. Problems
come back together, each naming its file, element and reason, because a designer fixing a diagram
wants the whole list, not one error per attempt.

Templates (`documents/*.j2`) are text the host renders outside any process (letters, for one).
They are deployed and versioned with the diagrams; the engine does not know what they are for:
whoever renders them registers a checker (`register_checker("template", …)`) that refuses a
broken one at deploy time, and reads the newest with `latest_template(name)`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import sqlalchemy as sa
from flask import current_app
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent, ThrowingEvent
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import audit, jsonlimits, scripting, services
from .clock import clock
from .db import db
from .models import Deployment, DeploymentFile, ProcessDefinition

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml")
DMN_SUFFIXES = (".dmn",)
FORM_SUFFIXES = (".json",)
TEMPLATE_SUFFIXES = (".j2",)
TEMPLATE_DIR = "documents/"

# Properties of a user task that the engine reads (SpiffArena's names, so diagrams move between them).
FORM_PROPERTY = "formJsonSchemaFilename"
UI_FORM_PROPERTY = "formUiSchemaFilename"
# A deployment is a handful of diagrams, forms and templates; thousands of files are an accident or
# an attack (OMBUDSFLOW_DEPLOY_MAX_FILES overrides).
MAX_FILES = 300

# Namespaces of the elements the engine (SpiffWorkflow's parser) and the editors read. Anything else
# — `<html:script>`, an `<iframe>`, a vendor's extension — is read by nobody here and is refused, so
# that a diagram served back to a browser can never carry a page of its own.
_READ_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/",
    "http://www.omg.org/spec/DD/20100524/",
    "http://www.omg.org/spec/DMN/",
    "https://www.omg.org/spec/DMN/",
    "http://www.omg.org/spec/DMN/20180521/",
    "https://www.omg.org/spec/DMN/20191111/",
    "http://spiffworkflow.org/bpmn/schema/1.0/core",
)
# Namespaces of attributes the editors write on diagram elements (colours); read by nobody else.
_EDITOR_ATTRIBUTE_NAMESPACES = (
    "http://bpmn.io/schema/bpmn/biocolor/1.0",
    "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
    "http://bpmn.io/schema/dmn/biodi/",
    "http://camunda.org/schema/modeler/1.0",
    "http://www.w3.org/2001/XMLSchema-instance",
)
_HANDLER = re.compile(r"^on[a-z]+$", re.IGNORECASE)

# Properties of a user task that are expressions over its data (engine.projections evaluates them
# when the task becomes ready); checked at deploy like scripts.
PROPERTY_EXPRESSIONS = ("candidateGroup", "assignee", "dueAt", "priority")


@dataclass
class Problem:
    file: str
    element_id: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.element_id}]" if self.element_id else "")
        return f"{where}: {self.reason}"


class DeploymentError(Exception):
    def __init__(self, problems: list[Problem], findings: list | None = None) -> None:
        self.problems = problems
        # The checks' findings (engine.lint.Finding) behind the problems, with rule and hint.
        self.findings = findings or []
        super().__init__("; ".join(str(p) for p in problems))


class WarningsNotAccepted(DeploymentError):
    """The checks found only warnings, and the caller asked for them to be accepted with a note."""


@dataclass
class DeployResult:
    deployment: Deployment
    created: bool
    versions: dict[str, int] = field(default_factory=dict)
    # Warnings of the checks that were accepted (engine.lint.Finding), kept with the deployment.
    warnings: list = field(default_factory=list)


@dataclass
class ParsedDeployment:
    """What a deployment becomes in memory: process specs ready to run, and its forms."""

    specs: dict[str, tuple[Any, dict[str, Any]]]
    forms: dict[str, dict[str, Any]]
    names: dict[str, str | None]
    # Decision tables by decision id, for evaluating a DMN outside a process (engine.decisions).
    decisions: dict[str, Any] = field(default_factory=dict)


def kind_of(filename: str) -> str | None:
    lower = filename.lower()
    if lower.endswith(BPMN_SUFFIXES):
        return "bpmn"
    if lower.endswith(DMN_SUFFIXES):
        return "dmn"
    if lower.endswith(FORM_SUFFIXES):
        return "form"
    if lower.endswith(TEMPLATE_SUFFIXES):
        return "template"
    return None


# Checkers of file kinds the engine stores without understanding (templates): each gets the file
# name and text and returns reasons to refuse it, each naming the line where it can.
FileChecker = Callable[[str, str], list[str]]
_checkers: dict[str, list[FileChecker]] = {}


def register_checker(kind: str, checker: FileChecker) -> FileChecker:
    """Have `checker` look at every deployed file of `kind` ("template"); registering twice is a no-op."""
    registered = _checkers.setdefault(kind, [])
    if checker not in registered:
        registered.append(checker)
    return checker


_SUBDIRS = {"form": "forms/", "template": TEMPLATE_DIR}


def collect_files(paths: Iterable[str | Path]) -> dict[str, str]:
    """Files to deploy from paths: a directory contributes its BPMN/DMN, `forms/**/*.json` and
    `documents/**/*.j2`, named relative to it; a single file keeps its own name (in `forms/` or
    `documents/` for a form or a template)."""
    files: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).as_posix()
                kind = kind_of(rel)
                if child.is_file() and kind and rel.startswith(_SUBDIRS.get(kind, "")):
                    files[rel] = _read_text(child, rel)
        elif path.is_file():
            kind = kind_of(path.name)
            if kind is None:
                raise DeploymentError([Problem(str(path), None, "not a .bpmn, .dmn, .json or .j2 file")])
            files[_SUBDIRS.get(kind, "") + path.name] = _read_text(path, str(path))
        else:
            raise DeploymentError([Problem(str(path), None, "no such file or directory")])
    if not files:
        raise DeploymentError(
            [Problem(", ".join(map(str, paths)) or "-", None, "no BPMN or DMN files found")]
        )
    return files


def _read_text(path: Path, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DeploymentError([Problem(name, None, f"not UTF-8 text (byte {exc.start})")]) from None


def max_files() -> int:
    try:
        return int(current_app.config.get("OMBUDSFLOW_DEPLOY_MAX_FILES", MAX_FILES))
    except RuntimeError:  # outside an application (a script using the engine directly)
        return MAX_FILES


def _foreign_content(name: str, xml) -> list[Problem]:
    """Elements and attributes in namespaces nobody here reads, and event-handler attributes,
    each named by the element (the nearest one with an id) and the line."""
    problems: list[Problem] = []
    for node in xml.iter():
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions are never served as markup
        owner = next((n.get("id") for n in (node, *node.iterancestors()) if n.get("id")), None)
        qname = etree.QName(node)
        if not (qname.namespace or "").startswith(_READ_NAMESPACES):
            tag = f"{node.prefix}:{qname.localname}" if node.prefix else qname.localname
            where = f"<{tag}> ({qname.namespace or 'no namespace'}) at line {node.sourceline}"
            problems.append(Problem(name, owner, f"{where} is not read by the engine; remove it"))
            continue
        for attribute in node.attrib:
            attr = etree.QName(attribute)
            foreign = attr.namespace and not attr.namespace.startswith(
                _READ_NAMESPACES + _EDITOR_ATTRIBUTE_NAMESPACES
            )
            if _HANDLER.match(attr.localname) or foreign:
                problems.append(
                    Problem(
                        name,
                        owner,
                        f"attribute {attr.localname!r} ({attr.namespace or 'no namespace'}) at line "
                        f"{node.sourceline} is not read by the engine; remove it",
                    )
                )
    return problems


def content_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(files[name].encode()).hexdigest().encode())
        digest.update(b"\n")
    return digest.hexdigest()


# --- parsing and validation -----------------------------------------------------------------------


def parse(files: dict[str, str], *, validate_schema: bool = True) -> ParsedDeployment:
    """Parse and check a set of files; raise DeploymentError listing every problem found.

    `validate_schema=False` (a stored deployment, checked when it was deployed) also skips the
    registered file checkers."""
    if validate_schema and len(files) > max_files():
        raise DeploymentError(
            [Problem(f"{len(files):,} files", None, f"a deployment holds at most {max_files():,} files")]
        )
    try:
        return _parse(files, validate_schema=validate_schema)
    except RecursionError:  # a last line: every parser below has its own depth limit
        raise DeploymentError([Problem(", ".join(sorted(files))[:200], None, "nested too deep")]) from None


def _parse(files: dict[str, str], *, validate_schema: bool) -> ParsedDeployment:
    problems: list[Problem] = []
    parser = SpiffBpmnParser(validator=VALIDATOR if validate_schema else None)
    forms: dict[str, dict[str, Any]] = {}

    for name in sorted(files):
        kind = kind_of(name)
        text = files[name]
        if kind is None:
            continue  # a text resource of the bundle (e.g. a document template): nothing to parse here
        if kind == "form":
            try:
                schema = jsonlimits.loads(text) if validate_schema else json.loads(text)
                jsonschema.Draft202012Validator.check_schema(schema)
                forms[name] = schema
            except json.JSONDecodeError as exc:
                problems.append(Problem(name, None, f"invalid JSON at line {exc.lineno}: {exc.msg}"))
            except jsonlimits.JsonRefused as exc:
                problems.append(Problem(name, None, f"refused JSON: {exc}"))
            except jsonschema.SchemaError as exc:
                problems.append(Problem(name, None, f"not a valid JSON Schema: {exc.message}"))
            continue
        if kind == "template":
            if validate_schema:
                for checker in _checkers.get("template", []):
                    problems.extend(Problem(name, None, reason) for reason in checker(name, text))
            continue
        try:
            xml = etree.fromstring(text.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            problems.append(Problem(name, None, f"invalid XML at line {exc.lineno}: {exc.msg}"))
            continue
        if validate_schema:
            foreign = _foreign_content(name, xml)
            if foreign:
                problems.extend(foreign)
                continue
        if kind == "bpmn":
            clashes = _operator_id_clashes(xml)
            if clashes:
                problems.extend(
                    Problem(
                        name,
                        element,
                        f"service operator {element!r} has the same id as a diagram element; "
                        "rename the element (SpiffWorkflow looks elements up by id)",
                    )
                    for element in clashes
                )
                continue
        try:
            if kind == "bpmn":
                parser.add_bpmn_xml(xml, filename=name)
            elif kind == "dmn":
                parser.add_dmn_xml(xml, filename=name)
        except ValidationException as exc:
            problems.append(_problem_from(exc, name))
        except (SpiffWorkflowException, etree.LxmlError, ValueError, KeyError) as exc:
            problems.append(Problem(name, None, _reason(exc)))

    specs: dict[str, tuple[Any, dict[str, Any]]] = {}
    names: dict[str, str | None] = {}
    if not problems:
        process_ids = parser.get_process_ids()
        if not process_ids:
            problems.append(
                Problem(", ".join(sorted(files)), None, 'no executable process (isExecutable="true")')
            )
        for process_id in process_ids:
            process_file = parser.get_process_parser(process_id).filename or "?"
            try:
                spec = parser.get_spec(process_id)
                subprocess_specs = parser.get_subprocess_specs(process_id)
            except ValidationException as exc:
                problems.append(_problem_from(exc, process_file))
                continue
            except (SpiffWorkflowException, KeyError, ValueError, TypeError) as exc:
                problems.append(Problem(process_file, process_id, _reason(exc)))
                continue
            specs[process_id] = (spec, subprocess_specs)
            names[process_id] = parser.get_process_parser(process_id).get_name()
            for sub in [spec, *subprocess_specs.values()]:
                if sub is not None:
                    problems.extend(lint_spec(sub, forms))
    decisions: dict[str, Any] = {}
    if not problems:
        for decision_id, dmn_parser in parser.dmn_parsers.items():
            try:
                dmn_parser.parse()
                decisions[decision_id] = dmn_parser.decision
            except ValidationException as exc:
                problems.append(_problem_from(exc, dmn_parser.filename or "?"))
    if problems:
        raise DeploymentError(_unique(problems))
    return ParsedDeployment(specs=specs, forms=forms, names=names, decisions=decisions)


_SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _operator_id_clashes(xml) -> list[str]:
    operators = {node.get("id") for node in xml.iter(f"{{{_SPIFF_NS}}}serviceTaskOperator")}
    elements = {
        node.get("id")
        for node in xml.iter()
        if isinstance(node.tag, str) and node.tag.startswith("{http://www.omg.org/spec/BPMN/20100524/MODEL}")
    }
    return sorted(operators & elements - {None})


def _problem_from(exc: ValidationException, default_file: str) -> Problem:
    element = getattr(exc, "id", "") or None
    file = getattr(exc, "file_name", "") or default_file
    reason = _readable(str(exc.args[0]) if exc.args else str(exc))
    line = getattr(exc, "line_number", "")
    if line:
        reason = f"{reason} (line {line})"
    return Problem(file, element, reason)


_LXML_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>")


def _readable(text: str) -> str:
    """lxml element reprs (with memory addresses) say nothing to a designer; keep the tag name."""
    return _LXML_REPR.sub(lambda m: f"<{m.group(1)}>", " ".join(text.split()))


def _reason(exc: BaseException) -> str:
    text = str(exc.args[0]) if getattr(exc, "args", None) else str(exc)
    return _readable(text) or exc.__class__.__name__


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, result = set(), []
    for problem in problems:
        key = (problem.file, problem.element_id, problem.reason)
        if key not in seen:
            seen.add(key)
            result.append(problem)
    return result


_BARE_ISO = re.compile(
    r"^\s*(R\d*/)?P[\dYMWDTHS.,]+\s*$|^\s*\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?\s*$"
)


def _expressions_of(task_spec) -> Iterator[tuple[str, str, str]]:
    """(kind, mode, text) of every diagram expression a task spec will hand to the script engine."""
    for attr in ("prescript", "postscript"):
        text = getattr(task_spec, attr, None)
        if text:
            yield attr, "exec", text
    script = getattr(task_spec, "script", None)
    if isinstance(script, str) and script.strip():
        yield "script", "exec", script
    for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
        text = (
            condition.args[0] if hasattr(condition, "args") else condition
        )  # SpiffWorkflow's _BpmnCondition
        if isinstance(text, str) and text.strip():
            yield "condition", "eval", text
    event_definition = getattr(task_spec, "event_definition", None)
    if event_definition is not None:
        if isinstance(event_definition, TimerEventDefinition):
            yield "timer", "eval", event_definition.expression
        expression = getattr(event_definition, "expression", None)
        if isinstance(expression, str) and not isinstance(event_definition, TimerEventDefinition):
            yield "message payload", "eval", expression
    for param in (getattr(task_spec, "operation_params", None) or {}).values():
        if isinstance(param, dict) and param.get("value"):
            yield "service parameter", "eval", param["value"]
    for attr in ("condition", "cardinality", "data_input_expression"):
        text = getattr(task_spec, attr, None)
        if isinstance(text, str) and text.strip():
            yield attr, "eval", text
    if getattr(task_spec, "manual", False):
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        for name in PROPERTY_EXPRESSIONS:
            text = properties.get(name)
            if isinstance(text, str) and text.strip():
                yield f"property {name}", "eval", text
    if isinstance(task_spec, BusinessRuleTaskMixin):
        table = task_spec.dmnEngine.decision_table
        for decision_input in table.inputs:
            if decision_input.expression:
                yield "decision input", "eval", decision_input.expression
        for rule in table.rules:
            for entry in rule.inputEntries:
                for lhs in entry.lhs:
                    if lhs and lhs.strip() and lhs.strip() != "-":
                        text = lhs.replace("?", "dmninputexpr")
                        if scripting.check_expression(text) is not None:
                            text = f"dmninputexpr {text}"
                        yield f"decision rule {rule.row_number}", "eval", text
            for entry in rule.outputEntries:
                if entry.text and entry.text.strip():
                    yield f"decision rule {rule.row_number} output", "eval", entry.text


def lint_spec(spec, forms: dict[str, dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    file = getattr(spec, "file", None) or spec.name
    for task_spec in spec.task_specs.values():
        element = getattr(task_spec, "bpmn_id", None) or task_spec.name
        for kind, mode, text in _expressions_of(task_spec):
            check = scripting.check_script if mode == "exec" else scripting.check_expression
            reason = check(text)
            if (kind == "timer" and reason is None and _BARE_ISO.match(text)) or (
                kind == "timer" and reason is not None and _BARE_ISO.match(text)
            ):
                reason = f'timer expression {text.strip()!r} is not quoted; write "{text.strip()}"'
            if reason:
                problems.append(Problem(file, element, f"{kind}: {reason}"))
            elif kind == "timer":
                problems.extend(_check_timer_literal(file, element, text))
        operation = getattr(task_spec, "operation_name", None)
        if operation:
            try:
                services.get(operation)
            except services.UnknownService:
                known = ", ".join(services.names()) or "none registered"
                problems.append(
                    Problem(file, element, f"unknown service operation {operation!r} (known: {known})")
                )
        if getattr(task_spec, "manual", False) and not isinstance(task_spec, CatchingEvent | ThrowingEvent):
            properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            for prop in (FORM_PROPERTY, UI_FORM_PROPERTY):
                ref = properties.get(prop)
                if ref and f"forms/{ref}" not in forms and ref not in forms:
                    problems.append(Problem(file, element, f"form {ref!r} is not among the deployed files"))
    return problems


def _check_timer_literal(file: str, element: str, text: str) -> list[Problem]:
    """A quoted literal can be checked now; an expression over task data only at run time."""
    try:
        value = scripting.SandboxEnvironment().evaluate(text, {}, None)
    except Exception:
        return []
    if not isinstance(value, str):
        return [Problem(file, element, f"timer expression {text!r} gives {type(value).__name__}, not text")]
    try:
        if value.upper().startswith("R"):
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.parse_time_or_duration(value)
    except Exception:
        return [Problem(file, element, f"timer value {value!r} is not an ISO 8601 date, duration or cycle")]
    return []


# --- deploying and loading ------------------------------------------------------------------------


def deploy(
    files: dict[str, str],
    *,
    actor: str,
    name: str = "",
    comment: str = "",
    warnings_note: str | None = None,
    require_note: bool = False,
) -> DeployResult:
    """Store a new deployment unless identical content is already deployed (then a no-op).

    The checks of `engine.lint` run first: errors refuse the deployment, warnings are kept with it
    together with `warnings_note`. A designer must accept warnings with a note (`require_note`);
    start-up and tests deploy known files without one.
    """
    from . import lint

    sha = content_hash(files)
    session = db.session
    existing = session.scalar(sa.select(Deployment).where(Deployment.sha256 == sha))
    if existing is not None:
        versions = {d.process_id: d.version for d in existing.definitions}
        return DeployResult(existing, created=False, versions=versions)

    report = lint.check(files)
    if report.errors:
        raise DeploymentError([lint.as_problem(f) for f in report.errors], report.findings)
    note = (warnings_note or "").strip()
    if report.warnings and require_note and not note:
        raise WarningsNotAccepted([lint.as_problem(f) for f in report.warnings], report.findings)
    parsed = report.parsed
    now = clock.now()
    deployment = Deployment(
        name=(name or ", ".join(sorted(f for f in files if kind_of(f) in ("bpmn", "dmn"))))[:200],
        sha256=sha,
        process_ids=sorted(parsed.specs),
        created_at=now,
        created_by=actor,
        comment=comment.strip(),
        warnings=[f.as_dict() for f in report.warnings],
        warnings_note=note or None,
    )
    for filename, content in sorted(files.items()):
        deployment.files.append(
            DeploymentFile(
                filename=filename,
                kind=kind_of(filename) or "text",
                sha256=hashlib.sha256(content.encode()).hexdigest(),
                content=content,
            )
        )
    session.add(deployment)
    session.flush()
    versions: dict[str, int] = {}
    for process_id in sorted(parsed.specs):
        latest = session.scalar(
            sa.select(sa.func.max(ProcessDefinition.version)).where(
                ProcessDefinition.process_id == process_id
            )
        )
        version = (latest or 0) + 1
        versions[process_id] = version
        session.add(
            ProcessDefinition(
                deployment_id=deployment.id,
                process_id=process_id,
                name=parsed.names.get(process_id),
                version=version,
                created_at=now,
            )
        )
    session.flush()
    # Not cached here: if the caller rolls back, SQLite may hand this id to another deployment.
    audit.record(
        "deployed",
        actor=actor,
        subject=f"deployment:{deployment.id}",
        details={
            "sha256": sha,
            "files": sorted(files),
            "versions": versions,
            "comment": comment.strip(),
            "warnings": len(report.warnings),
            "warnings_note": note,
        },
    )
    return DeployResult(deployment, created=True, versions=versions, warnings=report.warnings)


def latest_definition(process_id: str) -> ProcessDefinition | None:
    """The version new instances start on: the one a designer marked to start, else the newest."""
    return db.session.scalar(
        sa.select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.start_marked.desc(), ProcessDefinition.version.desc())
        .limit(1)
    )


def newest_definition(process_id: str) -> ProcessDefinition | None:
    """The newest version, marked or not."""
    return db.session.scalar(
        sa.select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    )


def latest_template(name: str) -> tuple[int, str] | None:
    """(deployment id, text) of the newest deployed template `name` ("documents/letter.uk.j2", or
    "letter.uk.j2"), or None. One indexed query; no deployment is parsed."""
    filename = name if name.startswith(TEMPLATE_DIR) else TEMPLATE_DIR + name
    row = db.session.execute(
        sa.select(DeploymentFile.deployment_id, DeploymentFile.content)
        .where(DeploymentFile.filename == filename, DeploymentFile.kind == "template")
        .order_by(DeploymentFile.deployment_id.desc())
        .limit(1)
    ).first()
    return (row.deployment_id, row.content) if row is not None else None


def template(deployment_id: int, name: str) -> str | None:
    """The text of template `name` as deployment `deployment_id` holds it (an older version)."""
    filename = name if name.startswith(TEMPLATE_DIR) else TEMPLATE_DIR + name
    return db.session.scalar(
        sa.select(DeploymentFile.content).where(
            DeploymentFile.deployment_id == deployment_id,
            DeploymentFile.filename == filename,
            DeploymentFile.kind == "template",
        )
    )


_cache_lock = threading.Lock()


def _cache() -> dict[int, ParsedDeployment]:
    """Parsed deployments of this app (per app, so tests with fresh databases never share ids)."""
    return current_app.extensions.setdefault("ombudsflow_specs", {})


def _cache_put(deployment_id: int, parsed: ParsedDeployment) -> None:
    with _cache_lock:
        _cache()[deployment_id] = parsed


def loaded(deployment_id: int) -> ParsedDeployment:
    """The parsed deployment, from this process's cache or parsed once from the stored files.

    Deployments never change after they are written, so a cache entry is valid forever; a worker
    that starts later parses on first use.
    """
    parsed = _cache().get(deployment_id)
    if parsed is not None:
        return parsed
    rows = db.session.execute(
        sa.select(DeploymentFile.filename, DeploymentFile.content).where(
            DeploymentFile.deployment_id == deployment_id
        )
    ).all()
    if not rows:
        raise LookupError(f"deployment {deployment_id} has no files")
    # Stored deployments were validated when deployed; skipping the XSD check saves start-up time.
    parsed = parse({name: content for name, content in rows}, validate_schema=False)
    _cache_put(deployment_id, parsed)
    return parsed


def spec_for(deployment_id: int, process_id: str):
    try:
        return loaded(deployment_id).specs[process_id]
    except KeyError:
        raise LookupError(f"process {process_id!r} is not in deployment {deployment_id}") from None


def form(deployment_id: int, ref: str | None) -> dict[str, Any] | None:
    if not ref:
        return None
    forms = loaded(deployment_id).forms
    return forms.get(f"forms/{ref}") or forms.get(ref)


def clear_cache() -> None:
    with _cache_lock:
        _cache().clear()
