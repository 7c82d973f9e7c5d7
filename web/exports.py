"""Tables as files people open in a spreadsheet: CSV (UTF-8 with a BOM, so Excel reads Cyrillic)
and XLSX (XlsxWriter). A cell is text, a whole number, a date or empty.

Formula injection: a spreadsheet runs a CSV cell that starts with = + - @ (or a tab, a carriage
return, or their full-width forms) as a formula — "=HYPERLINK(…)" typed into a recommendation's
text by anyone would run on a manager's machine. CSV text cells that start so get a leading
apostrophe, which spreadsheets show as text; XLSX cells are written as strings, never formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from urllib.parse import quote

from flask import Response, stream_with_context

Cell = str | int | float | date | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # a sheet's rows, less the header


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as it is (never runs as a formula)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str):
        return safe_text(value)
    return value


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response:
    """Streamed: rows are written as the query yields them."""

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        yield "\ufeff"
        writer.writerow([safe_text(h) for h in header])
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": _disposition(filename), "Cache-Control": "private, no-store"},
    )


def xlsx_bytes(sheet: str, header: Sequence[str], rows: Iterable[Sequence[Cell]], widths=None) -> bytes:
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#ECEFF3"})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    for col, title in enumerate(header):
        ws.write_string(0, col, title, bold)
        ws.set_column(col, col, (widths or {}).get(col, 16))
    ws.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        if r > XLSX_MAX_ROWS:
            break
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                ws.write_datetime(r, col, value.replace(tzinfo=None), day)
            elif isinstance(value, date):
                ws.write_datetime(r, col, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, bool):
                ws.write_boolean(r, col, value)
            elif isinstance(value, int | float):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
    book.close()
    return output.getvalue()


def xlsx_response(filename: str, sheet: str, header, rows, widths=None) -> Response:
    return Response(
        xlsx_bytes(sheet, header, rows, widths),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": _disposition(filename), "Cache-Control": "private, no-store"},
    )
