"""The kinds of user task of the standard process, named in the user's language.

A task's name in the diagram is Ukrainian ("Підготувати акт реагування"); its form says the same in
both languages (`title`, `x-title-en`). The names come from the newest deployment of the process,
parsed once per deployment by the engine's cache, so a designer's new task shows up without code.
"""

from __future__ import annotations

from flask import current_app, g

from engine import deployments
from engine.deployments import FORM_PROPERTY
from workflows.recommendations.services import PROCESS_ID

from ..forms import jsonschema_form
from ..labels import language


def task_kinds(process_id: str = PROCESS_ID) -> list[tuple[str, str]]:
    """(element id, name) of every user task of the newest deployment of a process, in diagram order
    (the standard process unless another is named: plan approval has its own)."""
    per_request = g.setdefault("task_kinds", {})
    if process_id in per_request:  # asked once per row of a list: look the deployment up once per request
        return per_request[process_id]
    definition = deployments.latest_definition(process_id)
    if definition is None:
        return []
    lang = language()
    cache = current_app.extensions.setdefault("ombudsflow_task_kinds", {})
    key = (definition.deployment_id, process_id, lang)
    if key not in cache:
        spec, _subprocesses = deployments.spec_for(definition.deployment_id, process_id)
        kinds = []
        for task_spec in spec.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            if not element or not getattr(task_spec, "manual", False):
                continue
            properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            form = deployments.form(definition.deployment_id, properties.get(FORM_PROPERTY))
            kinds.append((element, jsonschema_form.title(form, lang) or task_spec.bpmn_name or element))
        cache[key] = kinds
    per_request[process_id] = cache[key]
    return cache[key]


def task_label(element_id: str, name: str | None, process_id: str = PROCESS_ID) -> str:
    """The task's name in the user's language (from its form), else the diagram's own name."""
    return dict(task_kinds(process_id)).get(element_id) or name or element_id


def form_of_element(deployment_id: int, process_id: str, element_id: str | None) -> dict | None:
    """The form a user task of a deployment shows (to say a completed task's answers in words)."""
    if not element_id:
        return None
    try:
        spec, _subprocesses = deployments.spec_for(deployment_id, process_id)
    except LookupError:
        return None
    for task_spec in spec.task_specs.values():
        if getattr(task_spec, "bpmn_id", None) == element_id:
            properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            return deployments.form(deployment_id, properties.get(FORM_PROPERTY))
    return None
