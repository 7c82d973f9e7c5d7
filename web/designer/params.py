"""Reading the designer's form inputs: a moment typed as the Office writes it, JSON objects."""

from __future__ import annotations

import json
import re
from datetime import datetime, time
from typing import Any

from flask_babel import gettext as _

from engine.clock import parse_instant
from workflows.deadlines import KYIV

from ..forms import dates

_MOMENT = re.compile(r"^\s*(?P<date>[\d./-]+)(?:[ T]+(?P<h>\d{1,2}):(?P<m>\d{2}))?\s*$")


def parse_moment(text: str) -> datetime | None:
    """23.11.2026 09:00 (Kyiv time), 23.11.2026 (09:00), or ISO 8601 with an offset."""
    match = _MOMENT.match(text or "")
    if match:
        day = dates.parse(match.group("date"))
        if day is not None:
            hour, minute = int(match.group("h") or 9), int(match.group("m") or 0)
            if hour > 23 or minute > 59:
                return None
            return datetime.combine(day, time(hour, minute), KYIV)
    try:
        return parse_instant(text)
    except ValueError:
        return None


def parse_json_object(text: str) -> tuple[dict[str, Any], str | None]:
    """({…}, None), or ({}, what is wrong) in the user's language."""
    if not (text or "").strip():
        return {}, None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return {}, _("Not valid JSON (line %(line)s, column %(column)s).", line=exc.lineno, column=exc.colno)
    if not isinstance(value, dict):
        return {}, _('Write a JSON object, like {"severity": "high"}.')
    return value, None
