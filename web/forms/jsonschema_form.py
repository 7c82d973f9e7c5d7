"""User-task forms from their JSON Schema: what to draw, and how to read the submitted form back.

The schemas in `bpmn/forms/` are data a process designer writes. Besides JSON Schema they carry:
`title` (Ukrainian) and `x-title-en`, `description` and `x-description-en`, `x-widget`
(textarea | radio | select | date | lines) and `x-enum-labels` ({"uk": {value: label}, "en": {…}}).
Conditional requirements (`allOf` with `if`/`then`) are checked by the server, like everything else;
here they only become a hint beside the field ("Required when “Decision” is “Return for revision”").

`build` turns a schema, the values to show and the server's messages per field into plain
`FormView`/`FieldView` objects that the `task_form` macro draws; `parse` turns the posted form back
into typed data for `workflows.tasks` (booleans, lists of lines; empty inputs are left out, so that
a missing answer is reported as "required" rather than as "too short").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from . import dates

WIDGETS = ("text", "textarea", "date", "radio", "select", "lines", "number", "hidden")
# Enumerations up to this many options are radio buttons unless the schema asks for a select.
RADIO_MAX = 5


def date_message() -> str:
    return _("Enter the date as day.month.year, e.g. 23.11.2026.")


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class FieldView:
    name: str
    label: str
    widget: str
    required: bool = False
    value: str = ""
    choices: list[Choice] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    description: str = ""
    required_when: list[str] = field(default_factory=list)
    min_length: int | None = None
    max_length: int | None = None

    @property
    def id(self) -> str:
        return f"field-{self.name}"

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def described_by(self) -> str:
        ids = []
        if self.description or self.required_when or self.widget in ("lines", "date"):
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)


@dataclass
class FormView:
    title: str
    description: str
    fields: list[FieldView]
    errors: list[str] = field(default_factory=list)

    def field(self, name: str) -> FieldView:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(f.errors for f in self.fields)


def _text(node: Mapping[str, Any], key: str, language: str) -> str:
    """`title`/`description` in Ukrainian, `x-title-en`/`x-description-en` in English."""
    if language == "en" and node.get(f"x-{key}-en"):
        return str(node[f"x-{key}-en"])
    return str(node.get(key) or "")


def widget_of(prop: Mapping[str, Any]) -> str:
    asked = prop.get("x-widget")
    kind = prop.get("type")
    if asked == "hidden":  # carried by the step, not typed (e.g. the document a task works on)
        return "hidden"
    if kind == "boolean" or "enum" in prop:
        if asked in ("radio", "select"):
            return asked
        count = 2 if kind == "boolean" else len(prop.get("enum") or [])
        return "radio" if count <= RADIO_MAX else "select"
    if kind == "array":
        return "lines"
    if kind in ("integer", "number"):
        return "number"
    if asked in ("textarea", "date", "lines"):
        return asked
    if prop.get("format") == "date":
        return "date"
    return "text"


def _choice_label(prop: Mapping[str, Any], value: str, language: str) -> str:
    labels = prop.get("x-enum-labels") or {}
    for lang in (language, "uk", "en"):
        label = (labels.get(lang) or {}).get(value)
        if label:
            return str(label)
    if prop.get("type") == "boolean":
        return _("Yes") if value == "true" else _("No")
    return value


def _choices(prop: Mapping[str, Any], language: str) -> list[Choice]:
    if prop.get("type") == "boolean":
        values = ["true", "false"]
    elif "enum" in prop:
        values = [_as_text(v) for v in prop["enum"]]
    else:
        return []
    return [Choice(v, _choice_label(prop, v, language)) for v in values]


def _as_text(value: Any) -> str:
    """How a value sits in an input: booleans as true/false, lists one item a line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n".join(_as_text(v) for v in value)
    return str(value)


def _conditions(schema: Mapping[str, Any], language: str) -> dict[str, list[str]]:
    """Hints from `allOf: [{if: {properties: {X: {const: V}}}, then: {required: [...]}}]`."""
    properties = schema.get("properties") or {}
    hints: dict[str, list[str]] = {}
    for rule in schema.get("allOf") or []:
        condition = (rule.get("if") or {}).get("properties") or {}
        required = (rule.get("then") or {}).get("required") or []
        for name, test in condition.items():
            if "const" not in test or name not in properties:
                continue
            prop = properties[name]
            hint = _(
                "Required when “%(field)s” is “%(value)s”.",
                field=_text(prop, "title", language) or name,
                value=_choice_label(prop, _as_text(test["const"]), language),
            )
            for target in required:
                hints.setdefault(target, []).append(hint)
    return hints


def build(
    schema: Mapping[str, Any] | None,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    language: str = "uk",
) -> FormView:
    """The form to draw: one field per schema property, in the schema's order."""
    schema = schema or {}
    values = values or {}
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    conditions = _conditions(schema, language)
    fields = []
    for name, prop in properties.items():
        widget = widget_of(prop)
        value = values.get(name)
        fields.append(
            FieldView(
                name=name,
                label=_text(prop, "title", language) or name,
                widget=widget,
                required=name in required,
                value=dates.shown(value) if widget == "date" else _as_text(value),
                choices=_choices(prop, language),
                description=_text(prop, "description", language),
                required_when=[] if name in required else conditions.get(name, []),
                min_length=prop.get("minLength"),
                max_length=prop.get("maxLength"),
            )
        )
    view = FormView(
        title=_text(schema, "title", language),
        description=_text(schema, "description", language),
        fields=fields,
    )
    by_name = {f.name: f for f in fields}
    for key, messages in (errors or {}).items():
        # Errors inside a value ("attachments.3") belong to the field that holds it.
        target = by_name.get(str(key).split(".")[0])
        if target is None:
            view.errors.extend(m for m in messages if m not in view.errors)
        elif target.widget == "date" and target.value and dates.parse(target.value) is None:
            # The server checked an ISO date and says so; the person typed the Office's format.
            target.errors = [date_message()]
        else:
            target.errors.extend(m for m in messages if m not in target.errors)
    return view


def parse(schema: Mapping[str, Any] | None, form: Mapping[str, str]) -> dict[str, Any]:
    """The submitted inputs as task data. Only the schema's own fields are read; a value that does
    not fit its type is passed on as text, so that the server's validation names the field."""
    data: dict[str, Any] = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        raw = form.get(name)
        if raw is None:
            continue
        raw = raw.replace("\r\n", "\n").strip()
        kind = prop.get("type")
        if kind == "array":
            items = [line.strip() for line in raw.split("\n") if line.strip()]
            if items:
                data[name] = items
            continue
        if raw == "":
            continue
        if kind == "boolean":
            data[name] = {"true": True, "false": False}.get(raw, raw)
        elif widget_of(prop) == "date":
            parsed = dates.parse(raw)
            data[name] = parsed.isoformat() if parsed else raw
        elif kind == "integer":
            data[name] = _number(raw, int)
        elif kind == "number":
            data[name] = _number(raw, float)
        else:
            data[name] = raw
    return data


def _number(raw: str, kind):
    try:
        return kind(raw.replace(",", ".") if kind is float else raw)
    except ValueError:
        return raw


def title(schema: Mapping[str, Any] | None, language: str) -> str:
    return _text(schema or {}, "title", language)


def answer(schema: Mapping[str, Any] | None, name: str, value: Any, language: str) -> str:
    """A submitted value as a person reads it: the label of a choice, lines joined by commas."""
    prop = ((schema or {}).get("properties") or {}).get(name) or {}
    if prop.get("type") == "boolean" or "enum" in prop:
        return _choice_label(prop, _as_text(value), language)
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    return _as_text(value)
