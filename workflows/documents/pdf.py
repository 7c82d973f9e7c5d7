"""A document as the PDF its addressee files: letterhead, вихідний № … від …, addressee, title,
body, the statutory term, the signatory.

Laid out like a Ukrainian official document (ДСТУ 4163-2020 margins: 30 mm left, 10 mm right) in
IBM Plex Serif, which covers Ukrainian Cyrillic and comes from PyPI (fontpkg), so every machine
renders the same file without system fonts. Words are the gettext catalog's, in the document's
language. Dates come from the engine clock, which keeps a test run's output stable. A draft (not
yet approved) carries a "draft" mark on every page, so a preview is never mistaken for the letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from engine.clock import clock

from ..pdf_fonts import add_fonts
from .formatting import format_date


@dataclass(frozen=True)
class Letter:
    """Everything printed, as text, in the document's language (what pdf.render needs, no more)."""

    language: str
    title: str
    addressee: str
    body: str
    number: str | None = None
    number_date: date | None = None
    subject: str = ""
    term_sentence: str | None = None
    urgency_sentence: str | None = None
    signatory_name: str = ""
    signatory_position: str = ""
    draft: bool = False
    contacts: str = ""


class _Page(FPDF):
    def __init__(self, footer_text: str, draft_mark: str | None) -> None:
        super().__init__(format="A4", unit="mm")
        self._footer_text = footer_text
        self._draft_mark = draft_mark
        self.set_margins(left=30, top=20, right=10)
        self.set_auto_page_break(auto=True, margin=20)
        add_fonts(self)

    def header(self) -> None:
        if self._draft_mark:
            self.set_font("plex", "B", 10)
            self.set_text_color(170, 30, 30)
            self.set_xy(self.l_margin, 8)
            self.cell(0, 5, self._draft_mark, align="R")
            self.set_text_color(0)
            self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("plex", "", 8)
        self.set_text_color(110)
        self.cell(0, 5, self._footer_text.replace("{page}", str(self.page_no())), align="C")


def number_line(number: str | None, on: date | None) -> str:
    """ "№ 01-12/0042-26 від 23.11.2026" (or the blanks a draft has)."""
    return _("No. %(number)s of %(date)s", number=number or "________", date=format_date(on) or "__________")


def filename(title: str, number: str | None, language: str) -> str:
    """`Подання № 01-12-0042-26.pdf`: readable in a mail client, safe on any disk."""
    if not number:
        return f"{title}.pdf"
    safe = re.sub(r"[^\w.-]+", "-", number, flags=re.UNICODE).strip("-")
    sign = "№" if language == "uk" else "No."
    return f"{title} {sign} {safe}.pdf"


def render(letter: Letter) -> bytes:
    with force_locale(letter.language):
        return _render(letter)


def _render(letter: Letter) -> bytes:
    footer = _(
        "Generated %(date)s · page %(page)s of %(pages)s",
        date=format_date(clock.now()),
        page="{page}",
        pages="{nb}",
    )
    pdf = _Page(footer, _("DRAFT — not approved, not for sending") if letter.draft else None)
    pdf.set_creation_date(clock.now())
    issuer = _("Ukrainian Parliament Commissioner for Human Rights")
    pdf.set_title(f"{letter.title} {number_line(letter.number, letter.number_date)}")
    pdf.set_author(issuer)
    pdf.set_creator("Ombudsflow")
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("plex", "B", 12)
    pdf.multi_cell(width, 6, issuer.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("plex", "", 10)
    pdf.multi_cell(width, 5, _("National Preventive Mechanism"), align="C", new_x="LMARGIN", new_y="NEXT")
    if letter.contacts:
        pdf.set_font("plex", "", 8)
        pdf.multi_cell(width, 4, letter.contacts, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(4)

    top = pdf.get_y()
    pdf.set_font("plex", "", 11)
    pdf.multi_cell(
        width / 2 - 5, 6, number_line(letter.number, letter.number_date), new_x="LMARGIN", new_y="NEXT"
    )
    left_end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width / 2, top)
    pdf.set_font("plex", "B", 12)
    pdf.multi_cell(width / 2, 6, letter.addressee, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(left_end, pdf.get_y()))
    pdf.ln(8)

    pdf.set_font("plex", "B", 14)
    pdf.multi_cell(width, 7, letter.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    if letter.subject:
        pdf.set_font("plex", "", 11)
        pdf.multi_cell(width, 6, letter.subject, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)

    pdf.set_font("plex", "", 12)
    for paragraph in _paragraphs(letter.body):
        # Line by line: a line break the text has (a list item) ends a line that is not justified.
        for line in paragraph.split("\n"):
            pdf.multi_cell(width, 6, line, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    for sentence in (letter.term_sentence, letter.urgency_sentence):
        if sentence:
            pdf.ln(1)
            pdf.multi_cell(width, 6, sentence, align="J", new_x="LMARGIN", new_y="NEXT")

    pdf.ln(12)
    pdf.set_font("plex", "B", 12)
    top = pdf.get_y()
    if letter.signatory_position:
        pdf.multi_cell(width * 0.55, 6, letter.signatory_position, align="L", new_x="LMARGIN", new_y="NEXT")
    end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width * 0.55, top)
    pdf.multi_cell(
        width * 0.45,
        6,
        letter.signatory_name or "____________________",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(max(end, pdf.get_y()))
    return bytes(pdf.output())


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; single line breaks inside one are kept."""
    return [part.strip("\n") for part in re.split(r"\n\s*\n", (text or "").strip()) if part.strip()]
