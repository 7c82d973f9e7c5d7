"""Checking submitted task data against the task's JSON Schema form.

Errors are returned per field as (rule, params) so the web layer can say them in the user's
language; jsonschema's own English message goes along for API clients and logs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jsonschema
import orjson

from .errors import FormInvalid


@lru_cache(maxsize=256)
def _validator(schema_json: bytes) -> jsonschema.Draft202012Validator:
    schema = orjson.loads(schema_json)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def field_errors(schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    if not schema:
        return {}
    validator = _validator(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS))
    fields: dict[str, list[dict[str, Any]]] = {}
    reported_missing: set[str] = set()
    for error in validator.iter_errors(data):
        path = [str(p) for p in error.absolute_path]
        params: dict[str, Any] = {}
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in (error.instance or {})]
            for name in missing:
                key = ".".join([*path, name])
                if key in reported_missing:
                    continue  # jsonschema reports one error per missing name, each listing them all
                reported_missing.add(key)
                fields.setdefault(key, []).append(
                    {"rule": "required", "params": {}, "message": f"'{name}' is a required property"}
                )
            continue
        if error.validator in {
            "minLength",
            "maxLength",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minItems",
            "maxItems",
            "pattern",
            "format",
            "type",
            "enum",
            "const",
            "multipleOf",
        }:
            params["limit"] = error.validator_value
        key = ".".join(path) or "_form"
        fields.setdefault(key, []).append(
            {"rule": error.validator, "params": params, "message": error.message}
        )
    return fields


def validate(schema: dict[str, Any] | None, data: dict[str, Any]) -> None:
    fields = field_errors(schema, data)
    if fields:
        raise FormInvalid("the submitted data does not satisfy the task's form", fields)


# --- rules a schema cannot say -----------------------------------------------------------------------
#
# JSON Schema cannot say "after the current deadline" or "not in the future". Packages register
# validators by form name (the form file without `.schema.json`); `instances.complete` calls them
# right after restoring the workflow with the submitted data and the task's current data (which
# holds the deadlines the rule compares with), so a page and the API are checked alike, in the
# command's own transaction, without reading anything more.

RuleValidator = Callable[[dict[str, Any], dict[str, Any]], dict[str, list[str]] | None]
_rules: dict[str, list[RuleValidator]] = {}


def form_name(form_ref: str | None) -> str | None:
    """`decide_extension.schema.json` (or `forms/decide_extension.json`) -> `decide_extension`."""
    if not form_ref:
        return None
    name = form_ref.rsplit("/", 1)[-1]
    for suffix in (".schema.json", ".json"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def rule(name: str) -> Callable[[RuleValidator], RuleValidator]:
    """Decorator: `@forms.rule("decide_extension")` on
    `def check(submitted, task_data) -> {field: [message]}`."""

    def register(func: RuleValidator) -> RuleValidator:
        _rules.setdefault(name, [])
        if func not in _rules[name]:
            _rules[name].append(func)
        return func

    return register


def check_rules(form_ref: str | None, submitted: dict[str, Any], task_data: dict[str, Any]) -> None:
    """Raise FormInvalid with every field a registered rule refuses (messages as the rule wrote them)."""
    validators = _rules.get(form_name(form_ref) or "")
    if not validators:
        return
    fields: dict[str, list[dict[str, Any]]] = {}
    for validator in validators:
        for name, messages in (validator(submitted, task_data) or {}).items():
            for message in messages:
                fields.setdefault(name, []).append({"rule": "rule", "params": {}, "message": message})
    if fields:
        raise FormInvalid("the submitted data breaks a rule of the form", fields)
