"""Importing the registry of places or of authorities from CSV.

A registry of thousands of places is not typed by hand. The import runs every row through the same
services (and checks) as the pages, inside one savepoint: if any row is wrong, or it is a dry run,
the savepoint is rolled back and nothing is written — the report lists every row's problems, or
what would have been created and updated. Rows are matched on `code`: an existing code updates the
entry (names, parent, addresses…), a new one creates it.

Separators: comma or semicolon (a spreadsheet saved as CSV in Ukrainian uses `;`); UTF-8, with or
without a byte-order mark.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.db import db

from ..authorities import services as authorities
from ..authorities.models import LEVELS, Authority
from ..errors import DomainError, Invalid
from ..facilities import services as facilities
from ..facilities.models import Facility
from ..reference.models import FacilityKind, Region

KINDS = ("places", "authorities")
MAX_ROWS = 20000
PLACE_COLUMNS = (
    "code",
    "name_uk",
    "name_en",
    "kind",
    "region",
    "district",
    "address",
    "authority_code",
    "capacity",
    "in_hostilities_area",
    "access_suspended",
    "access_note",
)
PLACE_REQUIRED = ("code", "name_uk", "kind", "region", "authority_code")
AUTHORITY_COLUMNS = ("code", "name_uk", "name_en", "level", "parent_code", "emails", "language")
AUTHORITY_REQUIRED = ("code", "name_uk", "level")
_TRUE = {"1", "true", "yes", "так", "+", "y", "т"}
_FALSE = {"", "0", "false", "no", "ні", "-", "n", "н"}
_EMAILS = re.compile(r"[\s,;]+")


@dataclass
class RowError:
    row: int  # line number in the file (the header is line 1)
    field: str
    message: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejected(Invalid):
    """The file has errors: nothing was written. `report` lists them by row."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            _("The file was not imported: %(n)d errors. Nothing was written.", n=len(report.errors)),
            {
                "file": [
                    _("Row %(row)d, %(field)s: %(message)s", row=e.row, field=e.field, message=e.message)
                    for e in report.errors[:50]
                ]
            },
        )
        self.report = report


def _rows(text: str, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise Invalid(_("The file is empty."), {"file": [_("The file is empty.")]})
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h and h not in columns]
    if missing or unknown:
        messages = []
        if missing:
            messages.append(_("Missing columns: %(names)s.", names=", ".join(missing)))
        if unknown:
            messages.append(_("Unknown columns: %(names)s.", names=", ".join(unknown)))
        messages.append(_("Expected columns: %(names)s.", names=", ".join(columns)))
        raise Invalid(_("The header of the file is not right."), {"file": messages})
    reader.fieldnames = header
    rows = []
    for record in reader:
        if len(rows) >= MAX_ROWS:
            raise Invalid(
                _("The file has more than %(n)d rows; split it.", n=MAX_ROWS),
                {"file": [_("The file has more than %(n)d rows; split it.", n=MAX_ROWS)]},
            )
        values = {k: (v or "").strip() for k, v in record.items() if k}
        if any(values.values()):
            rows.append((reader.line_num, values))
    return rows


def _flag(value: str) -> bool | None:
    lowered = value.strip().casefold()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def _lookup(model, value: str) -> str | None:
    """A reference code given as the code itself or as its Ukrainian or English name."""
    if not value:
        return None
    if db.session.get(model, value) is not None:
        return value
    needle = value.casefold()
    for row in db.session.scalars(sa.select(model)):
        if needle in (row.name_uk.casefold(), (row.name_en or "").casefold()):
            return row.code
    return None


def run(kind: str, text: str, *, dry_run: bool, actor: str) -> ImportReport:
    """Import `text` (CSV) into the registry of `kind`; raises ImportRejected when any row is wrong."""
    if kind not in KINDS:
        raise Invalid(_("Unknown registry."), {"kind": [_("Choose places or authorities.")]})
    report = ImportReport(kind=kind, dry_run=dry_run)
    savepoint = db.session.begin_nested()
    try:
        if kind == "places":
            _places(text, report, actor)
        else:
            _authorities(text, report, actor)
    except Exception:
        savepoint.rollback()
        raise
    if report.errors or dry_run:
        savepoint.rollback()
        if report.errors:
            raise ImportRejected(report)
        return report
    savepoint.commit()
    audit.record(
        "registry_imported",
        actor=actor,
        subject=f"registry:{kind}",
        details={"rows": report.rows, "created": report.created, "updated": report.updated},
    )
    return report


def _record(report: ImportReport, line: int, exc: DomainError, names: dict[str, str]) -> None:
    fields = exc.fields or {"_": [exc.message]}
    for name, messages in fields.items():
        for message in messages:
            report.errors.append(RowError(line, names.get(name, name), message))


# --- places ----------------------------------------------------------------------------------------

_PLACE_FIELD = {"kind": "kind", "region": "region", "authority_id": "authority_code", "kind_code": "kind"}


def _places(text: str, report: ImportReport, actor: str) -> None:
    from ..risk.services import refresh_places

    rows = _rows(text, PLACE_COLUMNS, PLACE_REQUIRED)
    report.rows = len(rows)
    seen: dict[str, int] = {}
    authority_ids = dict(db.session.execute(sa.select(Authority.code, Authority.id)).all())
    touched: list[int] = []
    for line, row in rows:
        problems: list[tuple[str, str]] = []
        for name in PLACE_REQUIRED:
            if not row.get(name):
                problems.append((name, _("This field is required.")))
        code = row.get("code", "")
        if code in seen:
            problems.append(("code", _("The code repeats row %(row)d.", row=seen[code])))
        seen.setdefault(code, line)
        kind = _lookup(FacilityKind, row.get("kind", ""))
        if row.get("kind") and kind is None:
            problems.append(("kind", _("Unknown kind of place.")))
        region = _lookup(Region, row.get("region", ""))
        if row.get("region") and region is None:
            problems.append(("region", _("Unknown region.")))
        authority_id = authority_ids.get(row.get("authority_code", ""))
        if row.get("authority_code") and authority_id is None:
            problems.append(("authority_code", _("No authority with this code in the registry.")))
        capacity = None
        if row.get("capacity"):
            if row["capacity"].isdigit():
                capacity = int(row["capacity"])
            else:
                problems.append(("capacity", _("Enter a whole number.")))
        flags = {}
        for name in ("in_hostilities_area", "access_suspended"):
            flags[name] = _flag(row.get(name, ""))
            if flags[name] is None:
                problems.append((name, _("Write так or ні (yes or no).")))
        if problems:
            report.errors.extend(RowError(line, name, message) for name, message in problems)
            continue
        values = {
            "name_uk": row["name_uk"],
            "name_en": row.get("name_en", ""),
            "kind_code": kind,
            "region_code": region,
            "authority_id": authority_id,
            "address": row.get("address", ""),
            "district": row.get("district", ""),
            "capacity": capacity,
            "in_hostilities_area": flags["in_hostilities_area"],
            "access_suspended": flags["access_suspended"],
            "access_note": row.get("access_note", ""),
            "code": code,
        }
        existing = db.session.scalar(sa.select(Facility).where(Facility.code == code))
        try:
            if existing is None:
                place = facilities.create(
                    name_uk=values["name_uk"],
                    name_en=values["name_en"],
                    kind=kind,
                    region=region,
                    authority_id=authority_id,
                    address=values["address"],
                    in_hostilities_area=values["in_hostilities_area"],
                    access_note=values["access_note"],
                    code=code,
                    district=values["district"],
                    capacity=capacity,
                    access_suspended=values["access_suspended"],
                    actor=actor,
                )
                report.created += 1
                touched.append(place.id)
            else:
                before = existing.updated_at
                facilities.update(existing, actor=actor, **values)
                if existing.updated_at != before:
                    report.updated += 1
                else:
                    report.unchanged += 1
        except Invalid as exc:
            _record(report, line, exc, _PLACE_FIELD)
    if not report.errors:
        refresh_places(touched)


# --- authorities ----------------------------------------------------------------------------------


def _authorities(text: str, report: ImportReport, actor: str) -> None:
    rows = _rows(text, AUTHORITY_COLUMNS, AUTHORITY_REQUIRED)
    report.rows = len(rows)
    existing = {a.code: a for a in db.session.scalars(sa.select(Authority))}
    in_file: dict[str, tuple[int, dict[str, str]]] = {}
    file_codes = {row.get("code") for _line, row in rows}
    for line, row in rows:
        problems: list[tuple[str, str]] = []
        for name in AUTHORITY_REQUIRED:
            if not row.get(name):
                problems.append((name, _("This field is required.")))
        code = row.get("code", "")
        if code in in_file:
            problems.append(("code", _("The code repeats row %(row)d.", row=in_file[code][0])))
        if row.get("level") and row["level"] not in LEVELS:
            problems.append(("level", _("Choose one of: %(values)s", values=", ".join(LEVELS))))
        parent = row.get("parent_code", "")
        if parent and parent not in existing and parent not in file_codes:
            problems.append(("parent_code", _("No authority with this code in the registry or the file.")))
        if parent and parent == code:
            problems.append(
                ("parent_code", _("An authority cannot be subordinate to itself or to its own subordinate."))
            )
        if row.get("language") and row["language"] not in ("uk", "en"):
            problems.append(("language", _("Language must be uk or en.")))
        if problems:
            report.errors.extend(RowError(line, name, message) for name, message in problems)
        if code and code not in in_file:
            in_file[code] = (line, row)
    if report.errors:
        return
    # Superiors first: a file may list a regional body before its ministry.
    done: set[str] = set()
    order: list[str] = []

    def visit(code: str, path: tuple[str, ...]) -> None:
        if code in done or code not in in_file:
            return
        if code in path:
            line = in_file[code][0]
            report.errors.append(
                RowError(line, "parent_code", _("The superiors in the file go round in a circle."))
            )
            return
        parent = in_file[code][1].get("parent_code", "")
        if parent:
            visit(parent, (*path, code))
        if code not in done:
            done.add(code)
            order.append(code)

    for code in in_file:
        visit(code, ())
    if report.errors:
        return
    for code in order:
        line, row = in_file[code]
        emails = [e for e in _EMAILS.split(row.get("emails", "")) if e]
        parent_code = row.get("parent_code", "")
        parent_id = existing[parent_code].id if parent_code else None
        try:
            current = existing.get(code)
            if current is None:
                existing[code] = authorities.create(
                    code=code,
                    name_uk=row["name_uk"],
                    name_en=row.get("name_en", ""),
                    level=row["level"],
                    parent_id=parent_id,
                    emails=emails,
                    language=row.get("language") or "uk",
                    actor=actor,
                )
                report.created += 1
            else:
                before = (
                    current.name_uk,
                    current.name_en,
                    list(current.emails),
                    current.parent_id,
                    current.language,
                )
                authorities.update(
                    current,
                    name_uk=row["name_uk"],
                    name_en=row.get("name_en", ""),
                    emails=emails,
                    language=row.get("language") or current.language,
                    actor=actor,
                )
                authorities.move(current, parent_id=parent_id, actor=actor)
                after = (
                    current.name_uk,
                    current.name_en,
                    list(current.emails),
                    current.parent_id,
                    current.language,
                )
                if before != after:
                    report.updated += 1
                else:
                    report.unchanged += 1
        except Invalid as exc:
            _record(report, line, exc, {"parent_id": "parent_code"})


def template(kind: str) -> str:
    """An empty file with the right header and one example row, for people to fill in."""
    if kind == "places":
        example = [
            "LV-COLONY-48",
            "Львівська виправна колонія № 48",
            "Lviv Penal Colony No. 48",
            "penal_colony",
            "lviv",
            "Львівський район",
            "м. Львів, вул. Городоцька, 1",
            "COLONY-48",
            "800",
            "ні",
            "ні",
            "",
        ]
        columns = PLACE_COLUMNS
    else:
        example = [
            "DKVS-WEST",
            "Міжрегіональне управління ДКВС у західному регіоні",
            "Interregional Department (West)",
            "regional_body",
            "MOJ",
            "west@example.gov.ua",
            "uk",
        ]
        columns = AUTHORITY_COLUMNS
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(columns)
    writer.writerow(example)
    return out.getvalue()


def as_dict(report: ImportReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "dry_run": report.dry_run,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in report.errors],
    }
