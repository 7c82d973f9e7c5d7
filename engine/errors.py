"""Errors the engine raises; the API and CLI map each to one status code and one clear line."""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    code = "engine_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(EngineError):
    code = "not_found"


class Conflict(EngineError):
    """A stale `expected_version`, a task already completed, an instance changed underneath."""

    code = "conflict"


class FormInvalid(EngineError):
    """Submitted data does not satisfy the task's form; `fields` maps field path -> messages."""

    code = "invalid_form"

    def __init__(self, message: str, fields: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__(message)
        self.fields = fields


class ProcessError(EngineError):
    """The diagram failed while running (a script, a DMN table, a service handler)."""

    code = "process_error"

    def __init__(self, message: str, element_id: str | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.element_id = element_id
