"""Registers of outgoing documents (журнал реєстрації вихідної кореспонденції): one per year for
outgoing mail, one per year for protocols. A number is taken in the transaction that approves the
document (or sends it, for a kind without approval), so it exists exactly when that step commits:
no gaps, no duplicates (see numbering.next_value, and the unique constraint on the document).

How a number is written is the Office's choice, a setting per register, a Python format string
with these fields:
    {seq}   the sequence within the register and year (1, 2, …; `{seq:04d}` pads: 0042)
    {year}  the year (2026)        {yy}  its last two digits (26)
Defaults: `OMBUDSFLOW_OUTGOING_NUMBER_FORMAT="01-12/{seq:04d}-{yy}"` (01-12/0042-26) and
`OMBUDSFLOW_PROTOCOL_NUMBER_FORMAT="ПР-{seq:04d}-{yy}"` (ПР-0003-26).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date

from flask import current_app

from ..numbering import next_value
from .kinds import OUTGOING, PROTOCOLS

SETTINGS = {
    OUTGOING: ("OMBUDSFLOW_OUTGOING_NUMBER_FORMAT", "01-12/{seq:04d}-{yy}"),
    PROTOCOLS: ("OMBUDSFLOW_PROTOCOL_NUMBER_FORMAT", "ПР-{seq:04d}-{yy}"),
}
FIELDS = frozenset({"seq", "year", "yy"})


class NumberFormatError(ValueError):
    pass


def check_format(pattern: str) -> None:
    """Refuse a format that names other fields, reaches into them (`{seq.real}`), or fails to format."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise NumberFormatError(f"{pattern!r}: {exc}") from None
    names = {field for _text, field, _spec, _conv in parsed if field is not None}
    if "" in names or any(not name.isidentifier() for name in names):
        raise NumberFormatError(f"{pattern!r}: use named fields only ({', '.join(sorted(FIELDS))})")
    unknown = names - FIELDS
    if unknown:
        raise NumberFormatError(
            f"{pattern!r}: unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(FIELDS))}"
        )
    if "seq" not in names:
        raise NumberFormatError(f"{pattern!r}: the number must contain {{seq}}")
    try:
        pattern.format(seq=1, year=2026, yy="26")
    except (ValueError, KeyError, IndexError) as exc:
        raise NumberFormatError(f"{pattern!r}: {exc}") from None


def number_format(register: str) -> str:
    setting, default = SETTINGS[register]
    return current_app.config.get(setting) or default


def format_number(register: str, seq: int, year: int) -> str:
    return number_format(register).format(seq=seq, year=year, yy=f"{year % 100:02d}")


@dataclass(frozen=True)
class RegisterNumber:
    register: str
    year: int
    seq: int
    number: str
    on: date


def take(register: str, on: date) -> RegisterNumber:
    """The next number of `register` for the year of `on`, in the caller's transaction."""
    seq = next_value(f"register:{register}:{on.year}")
    return RegisterNumber(register, on.year, seq, format_number(register, seq, on.year), on)


def check_settings(config) -> None:
    """At start-up: a broken number format stops the app with a message naming the setting."""
    for setting, default in SETTINGS.values():
        try:
            check_format(config.get(setting) or default)
        except NumberFormatError as exc:
            raise NumberFormatError(f"{setting}: {exc}") from None
