"""The form editor: a user task's JSON Schema beside its preview, drawn by the very code that draws
the task page (`web.forms.jsonschema_form` and the `schema_form` macro), in Ukrainian or English,
with the same messages when the preview's inputs are checked. Also new files for a draft and the
"try it" inputs of decision tables."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import jsonschema
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import forms as engine_forms
from engine.models import DesignDraft

from ..forms import jsonschema_form
from ..labels import language
from . import catalog, samples

FIELD_TYPES = {
    "text": _l("Short text"),
    "textarea": _l("Long text"),
    "date": _l("Date"),
    "number": _l("Number"),
    "boolean": _l("Yes or no"),
    "choice": _l("One of several options"),
    "lines": _l("List (one item per line)"),
}
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def schema_problem(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The schema, or what is wrong with it in the user's language."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, _(
            "Not valid JSON (line %(line)s, column %(column)s).", line=exc.lineno, column=exc.colno
        )
    if not isinstance(schema, dict):
        return None, _('A form is a JSON object with "properties".')
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return None, _("Not a valid JSON Schema: %(reason)s", reason=exc.message)
    return schema, None


def render(
    draft: DesignDraft, filename: str, content: str, common: dict, field_errors=None, status: int = 200
):
    schema, problem = schema_problem(content)
    preview_form = jsonschema_form.build(schema, {}, None, language()) if schema else None
    return render_template(
        "designer/form.html",
        content=content,
        schema_problem=problem,
        preview_form=preview_form,
        preview_language=language(),
        field_types=FIELD_TYPES,
        add_errors=field_errors or {},
        values={},
        **common,
    ), status


def preview(form: Mapping[str, str]):
    """The preview fragment: the schema drawn as the task page draws it; with `check`, the inputs
    checked against the schema and the messages the task page would say."""
    text = form.get("content", "")
    lang = form.get("preview_language") if form.get("preview_language") in ("uk", "en") else language()
    schema, problem = schema_problem(text)
    with force_locale(lang):
        if problem:
            return render_template("designer/_form_preview.html", problem=problem, preview_form=None)
        values: dict[str, Any] = {}
        errors = None
        if form.get("check"):
            from workflows.tasks import form_messages

            values = jsonschema_form.parse(schema, form)
            errors = form_messages(engine_forms.field_errors(schema, values)) or None
        view = jsonschema_form.build(schema, values, errors, lang)
        return render_template(
            "designer/_form_preview.html",
            problem=None,
            preview_form=view,
            checked=bool(form.get("check")),
            valid=form.get("check") and not errors,
        )


def add_field(content: str, form: Mapping[str, str]) -> tuple[str, dict[str, list[str]]]:
    """Add a field to the schema from the small form beside the editor (no JSON typing needed)."""
    errors: dict[str, list[str]] = {}
    schema, problem = schema_problem(content)
    if problem:
        return content, {"content": [problem]}
    name = form.get("field_name", "").strip()
    title = form.get("field_title", "").strip()
    title_en = form.get("field_title_en", "").strip()
    kind = form.get("field_type", "text")
    if not _IDENTIFIER.match(name):
        errors["field_name"] = [_("Latin lower-case letters, digits and _, starting with a letter.")]
    elif name in (schema.get("properties") or {}):
        errors["field_name"] = [_("The form already has a field %(name)s.", name=name)]
    if not title:
        errors["field_title"] = [_("This field is required.")]
    if kind not in FIELD_TYPES:
        errors["field_type"] = [_("Choose one of the offered options.")]
    choices = [line.strip() for line in form.get("field_choices", "").splitlines() if line.strip()]
    if kind == "choice" and len(choices) < 2:
        errors["field_choices"] = [_("Give at least two options, one per line.")]
    if errors:
        return content, errors
    prop: dict[str, Any] = {"title": title}
    if title_en:
        prop["x-title-en"] = title_en
    if kind in ("text", "textarea"):
        prop["type"] = "string"
        if kind == "textarea":
            prop["x-widget"] = "textarea"
        prop["maxLength"] = 5000
    elif kind == "date":
        prop.update({"type": "string", "format": "date", "x-widget": "date"})
    elif kind == "number":
        prop["type"] = "number"
    elif kind == "boolean":
        prop["type"] = "boolean"
    elif kind == "lines":
        prop.update({"type": "array", "items": {"type": "string"}})
    elif kind == "choice":
        values, labels = [], {}
        for line in choices:
            value, _sep, label = line.partition("=")
            value = value.strip()
            values.append(value)
            labels[value] = label.strip() or value
        prop.update({"type": "string", "enum": values, "x-enum-labels": {"uk": labels}})
    properties = dict(schema.get("properties") or {})
    properties[name] = prop
    schema["properties"] = properties
    if form.get("field_required"):
        schema["required"] = [*(schema.get("required") or []), name]
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n", {}


def new_file(name: str, kind: str) -> tuple[str, str]:
    """A new file's name and starting text for its kind."""
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", name.strip()) or "new"
    if kind == "form":
        stem = base.removeprefix("forms/").removesuffix(".json").removesuffix(".schema")
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": stem,
            "type": "object",
            "properties": {},
            "required": [],
            "additionalProperties": False,
        }
        return f"forms/{stem}.schema.json", json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    if kind == "dmn":
        stem = base.removesuffix(".dmn")
        return f"{stem}.dmn", _DMN_TEMPLATE.format(id=stem)
    return name.strip(), ""


_DMN_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="{id}_definitions" name="{id}" namespace="https://ombudsflow.example/dmn">
  <decision id="{id}" name="{id}">
    <decisionTable id="{id}_table" hitPolicy="UNIQUE">
      <input id="{id}_input_1" label="Input">
        <inputExpression id="{id}_input_1_expr" typeRef="string"><text>severity</text></inputExpression>
      </input>
      <output id="{id}_output_1" label="Output" name="result" typeRef="string" />
      <rule id="{id}_rule_1">
        <description>Legal basis of the row</description>
        <inputEntry id="{id}_rule_1_in"><text>-</text></inputEntry>
        <outputEntry id="{id}_rule_1_out"><text>"value"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def typed_inputs(raw: Mapping[str, Any]) -> dict[str, Any]:
    """ "try it" inputs: JSON where it parses (3, true, null, "text"), else the text as typed."""
    data = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            data[str(key)] = value
            continue
        text = value.strip()
        try:
            data[str(key)] = json.loads(text) if text else None
        except json.JSONDecodeError:
            data[str(key)] = text
    return data


def sample_start_data(draft: DesignDraft) -> dict[str, Any]:
    return samples.start_data(draft, [pid for pid, _name in catalog.process_ids(draft.files)])
