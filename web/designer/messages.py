"""The designer's words for what the engine reports in codes: check findings, migration reasons,
changed attributes, kinds of elements and files — in the user's language (the engine's English
message stays beside them in the API and the CLI)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.lint import Finding

SEVERITY = {"error": _l("Error"), "warning": _l("Warning")}


def finding_message(finding: Finding) -> tuple[str, str]:
    """(message, what to do) of a check finding in the user's language."""
    name = finding.params.get("name", finding.element_id or "")
    rule = finding.rule
    if rule == "no-executable-process":
        return (
            _("The process “%(name)s” is not executable.", name=name),
            _("Mark the process executable before deploying it."),
        )
    if rule == "user-task-lane":
        return (
            _(
                "The user task “%(name)s” is in no lane and names no candidate group: "
                "nobody would be offered it.",
                name=name,
            ),
            _("Put the task in a lane named like “Юрист (lawyer)”, or give it a candidate group."),
        )
    if rule == "user-task-form":
        return (
            _("The user task “%(name)s” has no form: its page would show no fields.", name=name),
            _("Choose a form for the task in the properties panel."),
        )
    if rule == "dead-end":
        return (
            _("“%(name)s” has no outgoing flow and is not an end event: the path stops here.", name=name),
            _("Connect it to the next step or to an end event."),
        )
    if rule == "unreachable":
        return (
            _("“%(name)s” cannot be reached from a start event.", name=name),
            _("Connect it into the flow, or remove it."),
        )
    if rule == "gateway-default":
        return (
            _(
                "The gateway “%(name)s” has no default flow: when no condition holds, "
                "the process stops with an error.",
                name=name,
            ),
            _("Mark one outgoing flow as the default flow."),
        )
    return refused_message(finding.message)


_REFUSED_HINTS = (
    ("is not quoted", _l('Timer texts are Python expressions: put a duration in quotes, e.g. "P30D".')),
    (
        "service task must have an operator",
        _l("Choose the service operator of the step in the properties panel."),
    ),
    ("unknown service operation", _l("Choose one of the operators the system offers.")),
    (
        "no dmn diagram available",
        _l("Add the decision table to the bundle, or choose a decision table that exists."),
    ),
    ("is not among the deployed files", _l("Add the form to the bundle, or choose an existing form.")),
    (
        "data store",
        _l("Data stores are not executed by this engine: remove the data store or its reference."),
    ),
    ("cardinality", _l("Give the multi-instance activity a cardinality or an input collection.")),
    ("start event", _l("Give the process or subprocess exactly one start event.")),
    ("invalid xml", _l("Fix the XML at the line given.")),
    ("not a valid json schema", _l("Fix the form's JSON Schema.")),
    ("invalid json", _l("Fix the form's JSON at the line given.")),
    ("timer value", _l('Write an ISO 8601 date, duration ("P30D") or cycle ("R3/P1D").')),
    (
        "imports are not allowed",
        _l("Diagram expressions may not import modules; use the offered helper functions."),
    ),
    ("is an invalid", _l("Names starting with an underscore are not allowed in diagram expressions.")),
)


def refused_message(reason: str) -> tuple[str, str]:
    """The engine refuses in English (parsers, XSD, sandbox): keep its words, add what to do."""
    lower = reason.lower()
    for needle, hint in _REFUSED_HINTS:
        if needle in lower:
            return _("The engine refuses this: %(reason)s", reason=reason), str(hint)
    return _("The engine refuses this: %(reason)s", reason=reason), ""


def finding_view(finding: Finding, names: dict[str, str] | None = None) -> dict[str, Any]:
    message, hint = finding_message(finding)
    element_name = (names or {}).get(finding.element_id or "") or finding.params.get("name")
    return {
        **finding.as_dict(),
        "message": message,
        "hint": hint,
        "engine_message": finding.message,
        "severity_label": str(SEVERITY.get(finding.severity, finding.severity)),
        "element_name": element_name if element_name and element_name != finding.element_id else None,
    }


REASON = {
    "element_removed": _l("it waits in “%(element)s”, which the new version removed"),
    "timer_changed": _l("the timer “%(element)s” it waits for changed"),
    "boundary_changed": _l("the step “%(element)s” it waits in has other boundary events now (%(detail)s)"),
    "subprocess_removed": _l("it waits inside “%(element)s”, which the new version removed"),
    "timer_due": _l("its timer “%(element)s” is due: let the sweep fire it first"),
    "open_incident": _l("it has an open incident: resolve it first"),
    "failed": _l("moving it failed: %(detail)s"),
    "changed": _l("“%(element)s” changed (%(detail)s); the step is offered anew"),
    "ran_since": _l("something ran on the new version since the migration"),
}


def reason_text(reason: dict[str, Any] | Any, names: dict[str, str] | None = None) -> str:
    data = reason if isinstance(reason, dict) else reason.as_dict()
    template = REASON.get(data.get("code"))
    element = data.get("element_id") or ""
    label = (names or {}).get(element) or element
    detail = ", ".join(attribute_label(a.strip()) for a in (data.get("detail") or "").split(",") if a.strip())
    if data.get("code") in ("failed", "boundary_changed"):
        detail = data.get("detail") or ""
    if template is None:
        return data.get("detail") or data.get("code") or ""
    return str(template) % {"element": label, "detail": detail}


ATTRIBUTES = {
    "bpmn_id": _l("identifier"),
    "bpmn_name": _l("name"),
    "lane": _l("lane"),
    "extensions": _l("properties"),
    "event_definition": _l("event"),
    "decision_table": _l("decision table"),
    "script": _l("script"),
    "cond_task_specs": _l("conditions"),
    "default_task_spec": _l("default flow"),
    "operation_name": _l("service operator"),
    "operation_params": _l("parameters"),
    "prescript": _l("script before"),
    "postscript": _l("script after"),
    "cancel_activity": _l("interrupting"),
    "documentation": _l("documentation"),
    "data_input_associations": _l("data inputs"),
    "data_output_associations": _l("data outputs"),
    "io_specification": _l("data inputs and outputs"),
}


def attribute_label(name: str) -> str:
    return str(ATTRIBUTES.get(name, name))


CHANGE = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}

KIND = {
    "bpmn": _l("Process (BPMN)"),
    "dmn": _l("Decision table (DMN)"),
    "form": _l("Form (JSON Schema)"),
    "template": _l("Document template"),
}


def kind_label(kind: str | None) -> str:
    return str(KIND.get(kind or "", _l("Text resource")))


OUTCOME = {
    "moved": _l("moved"),
    "skipped": _l("stayed"),
    "failed": _l("failed"),
    "undone": _l("moved back"),
    "kept": _l("kept on the new version"),
}


def detail_text(detail: dict[str, Any]) -> str:
    """What changed inside a file of a version, in the user's language."""
    kind, change = detail.get("kind"), detail.get("change")
    if kind == "rule":
        description = detail.get("description") or ""
        row = _("row %(row)s", row=detail.get("row")) + (f" ({description})" if description else "")
        if change == "changed":
            return _(
                "changed %(row)s: %(before)s → %(after)s",
                row=row,
                before=detail["before"],
                after=detail["after"],
            )
        if change == "added":
            return _("added %(row)s: %(after)s", row=row, after=detail["after"])
        return _("removed %(row)s: %(before)s", row=row, before=detail["before"])
    if kind == "field":
        return {
            "added": _("added field %(name)s", name=detail["name"]),
            "removed": _("removed field %(name)s", name=detail["name"]),
        }.get(change, _("changed field %(name)s", name=detail["name"]))
    if kind == "required":
        if change == "added":
            return _("now required: %(name)s", name=detail["name"])
        return _("no longer required: %(name)s", name=detail["name"])
    return ("+ " if change == "added" else "- ") + str(detail.get("text", ""))
