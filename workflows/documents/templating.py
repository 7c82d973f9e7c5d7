"""The documents' Jinja2 templates: deployed with the bundle (`bpmn/documents/<kind>.<lang>.j2`),
checked when deployed, rendered in a sandbox.

A designer's template must not reach Python internals: it is compiled and run by Jinja2's
`ImmutableSandboxedEnvironment` (no underscore attributes, no unsafe methods, no changing the data
it is given), over a context of plain data only (dicts, lists, text, dates — never a database row,
whose methods would lead to the session), under the sandbox's CPU-time limit, with no access to
other templates (no include, import or extends) and a cap on the length of what it produces.
Names a template uses but the context lacks are errors (StrictUndefined), so a typo shows when the
draft is made rather than as a gap in a letter.
"""

from __future__ import annotations

import re
import types
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from engine import deployments
from engine.scripting import SandboxError, cpu_time_limit

from ..errors import Invalid
from .context import KEYS
from .formatting import format_date, format_datetime
from .kinds import KINDS, LANGUAGES

MAX_OUTPUT = 100_000  # characters of body text one template may produce
_NAME = re.compile(r"^documents/(?P<kind>[a-z_]+)\.(?P<language>[a-z]{2})\.j2$")
_FORBIDDEN_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,  # the output is plain text for a PDF, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["date"] = format_date
    env.filters["datetime"] = format_datetime
    return env


_env = environment()


class TemplateFailed(Invalid):
    """A template could not be found, compiled or filled; the message names the file and line."""


def check(filename: str, source: str) -> list[str]:
    """Reasons to refuse a template at deploy time, each with its line: the engine's checker."""
    match = _NAME.match(filename)
    problems = []
    if match is None or match["kind"] not in KINDS or match["language"] not in LANGUAGES:
        problems.append(
            "a document template is named documents/<kind>.<language>.j2 with kind one of "
            f"{', '.join(KINDS)} and language one of {', '.join(LANGUAGES)}"
        )
    try:
        tree = _env.parse(source, name=filename)
    except TemplateSyntaxError as exc:
        return [*problems, f"line {exc.lineno}: {exc.message}"]
    for node in tree.find_all(nodes.Filter):
        if node.name not in _env.filters:
            problems.append(f"line {node.lineno}: unknown filter {node.name!r}")
    for node in tree.find_all(nodes.Test):
        if node.name not in _env.tests:
            problems.append(f"line {node.lineno}: unknown test {node.name!r}")
    for name in sorted(meta.find_undeclared_variables(tree) - set(KEYS) - set(_env.globals)):
        line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == name), None)
        problems.append(f"line {line}: unknown name {name!r} (the context has: {', '.join(KEYS)})")
    for node in tree.find_all(_FORBIDDEN_NODES):
        problems.append(
            f"line {node.lineno}: {type(node).__name__.lower()} is not available in document templates"
        )
    try:
        _env.compile(source, name=filename, filename=filename)
    except TemplateSyntaxError as exc:
        problems.append(f"line {exc.lineno}: {exc.message}")
    return problems


@lru_cache(maxsize=64)
def _compiled(filename: str, source: str):
    """Compiled once per (name, text): a deployed template never changes, a new one has new text."""
    code = _env.compile(source, name=filename, filename=filename)
    return _env.template_class.from_code(_env, code, _env.make_globals(None))


def newest(kind: str, language: str) -> tuple[str, int, str]:
    """(file name, deployment id, text) of the newest deployed template of a kind in a language."""
    filename = f"documents/{kind}.{language}.j2"
    found = deployments.latest_template(filename)
    if found is None:
        message = _("No template %(name)s is deployed.", name=filename)
        raise TemplateFailed(message, {"kind": [message]})
    return filename, found[0], found[1]


def render(filename: str, source: str, context: dict[str, Any]) -> str:
    """Fill a template from `context` in the sandbox; TemplateFailed names the file and line."""
    limit = int(current_app.config.get("OMBUDSFLOW_TEMPLATE_TIMEOUT_MS") or 1000)
    try:
        template = _compiled(filename, source)
        with cpu_time_limit(limit):
            text = template.render(context)
    except TemplateSyntaxError as exc:
        raise _failed(filename, exc.lineno, exc.message or str(exc)) from None
    except (TemplateError, SandboxError, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise _failed(filename, _line_in(filename, exc.__traceback__), str(exc)) from None
    if len(text) > MAX_OUTPUT:
        raise _failed(filename, None, f"more than {MAX_OUTPUT} characters of text")
    return _tidy(text)


def _line_in(filename: str, tb: types.TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _failed(filename: str, line: int | None, reason: str) -> TemplateFailed:
    if line:
        message = _(
            "The template %(name)s failed at line %(line)d: %(reason)s",
            name=filename,
            line=line,
            reason=reason,
        )
    else:
        message = _("The template %(name)s failed: %(reason)s", name=filename, reason=reason)
    return TemplateFailed(message, {"template": [message]})


def _tidy(text: str) -> str:
    """No trailing spaces, no runs of blank lines where optional parts were left out."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def init_app() -> None:
    deployments.register_checker("template", check)
