"""A report as a PDF: a title, sections of tables, and a bar chart beside a table where it helps —
the annual-report section's printable form. The words come in ready (the page builds the same
document for HTML); this module only lays them out, in IBM Plex Serif (workflows/pdf_fonts.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fpdf import FPDF
from fpdf.fonts import FontFace

from ..pdf_fonts import add_fonts


@dataclass
class ReportTable:
    title: str
    header: list[str]
    rows: list[list[str]]
    footer: list[str] | None = None
    bars: list[tuple[str, float]] = field(default_factory=list)  # label, value: a chart above the table
    note: str = ""


@dataclass
class ReportSection:
    title: str
    tables: list[ReportTable]
    text: str = ""


@dataclass
class ReportDocument:
    title: str
    subtitle: str
    sections: list[ReportSection]
    footer: str  # "{page}" and "{pages}" are filled in
    author: str = ""


class _Pdf(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(format="A4", unit="mm")
        self._footer = footer
        self.set_margins(left=20, top=18, right=15)
        self.set_auto_page_break(auto=True, margin=18)
        self.family = add_fonts(self)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(110)
        self.cell(
            0, 5, self._footer.replace("{page}", str(self.page_no())).replace("{pages}", "{nb}"), align="C"
        )
        self.set_text_color(0)


def _bars(pdf: _Pdf, bars: list[tuple[str, float]]) -> None:
    top = max((v for _l, v in bars), default=0) or 1
    label_w, plot_w, h = 60, pdf.epw - 60 - 18, 4.6
    pdf.set_font(pdf.family, "", 8)
    for label, value in bars:
        if pdf.will_page_break(h + 1):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w - 2, h, label if len(label) <= 40 else label[:39] + "…", align="R")
        pdf.set_fill_color(11, 61, 145)
        width = plot_w * value / top
        if width > 0:
            pdf.rect(pdf.l_margin + label_w, y + 0.6, width, h - 1.2, style="F")
        pdf.set_xy(pdf.l_margin + label_w + width + 1.5, y)
        pdf.cell(16, h, f"{value:g}")
        pdf.set_y(y + h + 0.6)
    pdf.set_fill_color(255, 255, 255)  # the table below fills its heading only
    pdf.ln(2)


def _table(pdf: _Pdf, table: ReportTable) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.set_font(pdf.family, "B", 10.5)
    pdf.multi_cell(pdf.epw, 5.5, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    if table.bars:
        _bars(pdf, table.bars)
    columns = len(table.header)
    first = min(70.0, pdf.epw * 0.42) if columns > 2 else pdf.epw * 0.7
    rest = (pdf.epw - first) / max(columns - 1, 1)
    pdf.set_font(pdf.family, "", 8.5)
    head = FontFace(emphasis="BOLD", fill_color=(236, 239, 243))
    with pdf.table(
        col_widths=(first, *([rest] * (columns - 1))),
        text_align=("LEFT", *(["RIGHT"] * (columns - 1))),
        headings_style=head,
        line_height=4.6,
        padding=1,
        first_row_as_headings=True,
    ) as grid:
        for row in [table.header, *table.rows, *([table.footer] if table.footer else [])]:
            cells = grid.row()
            for value in row:
                cells.cell(str(value))
    if table.note:
        pdf.set_font(pdf.family, "", 8)
        pdf.multi_cell(pdf.epw, 4, table.note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def render(document: ReportDocument, created_at=None) -> bytes:
    pdf = _Pdf(document.footer)
    pdf.set_title(document.title)
    pdf.set_author(document.author)
    pdf.set_creator("Ombudsflow")
    if created_at is not None:
        pdf.set_creation_date(created_at)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 15)
    pdf.multi_cell(pdf.epw, 7, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10.5)
    pdf.multi_cell(pdf.epw, 5.5, document.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for section in document.sections:
        if pdf.will_page_break(40):
            pdf.add_page()
        pdf.set_font(pdf.family, "B", 12.5)
        pdf.multi_cell(pdf.epw, 6.5, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        if section.text:
            pdf.set_font(pdf.family, "", 9.5)
            pdf.multi_cell(pdf.epw, 5, section.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        for table in section.tables:
            _table(pdf, table)
    return bytes(pdf.output())
