"""Internal stays internal: the one rule for what of a task's data may leave the Office.

A form field marked `"x-internal": true` in its JSON Schema (bpmn/forms/*.schema.json) — the
lawyer's reasoning ("Обґрунтування"), a manager's comment, a note on a paper receipt — is the
Office's own working text. It never reaches a document, an e-mail, a webhook, an authority's page
or the public export. Every place that sends task data out asks this module, by the marks of the
forms of the instance's own deployment (a designer marks a field and redeploys; no code changes):

    internal_fields(schema)          the names a form marks internal
    withhold(data, deployment_id)    task data without any field a form of the deployment marks
    is_internal(text, data, dep_id)  whether a text handed on (a BPMN parameter, say) is one of them
"""

from __future__ import annotations

from typing import Any

from engine import deployments

MARK = "x-internal"


def internal_fields(schema: dict[str, Any] | None) -> frozenset[str]:
    """The top-level properties `schema` marks internal."""
    properties = (schema or {}).get("properties") or {}
    return frozenset(name for name, spec in properties.items() if isinstance(spec, dict) and spec.get(MARK))


def internal_names(deployment_id: int | None) -> frozenset[str]:
    """Every field any form of the deployment marks internal (task data is one namespace)."""
    if deployment_id is None:
        return frozenset()
    names: set[str] = set()
    for schema in deployments.loaded(deployment_id).forms.values():
        names |= internal_fields(schema)
    return frozenset(names)


def withhold(data: dict[str, Any], deployment_id: int | None) -> dict[str, Any]:
    """`data` without the fields the deployment's forms mark internal: what may go out."""
    hidden = internal_names(deployment_id)
    return {key: value for key, value in data.items() if key not in hidden}


def internal_texts(data: dict[str, Any], deployment_id: int | None) -> list[str]:
    hidden = internal_names(deployment_id)
    return [str(data[k]).strip() for k in hidden if isinstance(data.get(k), str) and str(data[k]).strip()]


def is_internal(text: Any, data: dict[str, Any], deployment_id: int | None) -> bool:
    """Whether `text` (handed on under another name, e.g. a service task's `reason` parameter) is
    the value of an internal field of `data`."""
    if not isinstance(text, str) or not text.strip():
        return False
    return text.strip() in internal_texts(data, deployment_id)
