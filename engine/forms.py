"""Checking submitted task data against the task's JSON Schema form.

Errors are returned per field as (rule, params) so the web layer can say them in the user's
language; jsonschema's own English message goes along for API clients and logs.
"""

from __future__ import annotations

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
