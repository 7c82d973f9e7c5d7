"""The act of response ("акт реагування") as the PDF an authority files: submission, request or letter.

Laid out like a Ukrainian official document (ДСТУ 4163-2020 margins: 30 mm left, 10 mm right) in
IBM Plex Serif, which covers Ukrainian Cyrillic and comes from PyPI (fontpkg), so every machine
renders the same file without system fonts. The PDF's dates come from the engine clock, which keeps
a test run's output stable.
"""

from __future__ import annotations

import re
from typing import Any

from fpdf import FPDF

from engine.clock import clock

from .formatting import format_date
from .pdf_fonts import add_fonts
from .topics import LABELS, PayloadError

ACT_KEYS = ("kind", "number", "date", "signatory", "text")

WORDS = {
    "uk": {
        "issuer": "УПОВНОВАЖЕНИЙ ВЕРХОВНОЇ РАДИ УКРАЇНИ З ПРАВ ЛЮДИНИ",
        "mechanism": "Національний превентивний механізм",
        "number": "№ {number} від {date}",
        "visit": "за результатами моніторингового візиту до місця несвободи: {facility}",
        "recommendation": "Рекомендація {number}",
        "basis": (
            "Відповідно до статті 15 Закону України «Про Уповноваженого Верховної Ради України з прав "
            "людини» подання вноситься для вжиття відповідних заходів у місячний строк щодо усунення "
            "виявлених порушень прав і свобод людини і громадянина."
        ),
        "due": "Строк розгляду: до {date}.",
        "footer": "Сформовано {date} · сторінка {page} з {pages}",
    },
    "en": {
        "issuer": "UKRAINIAN PARLIAMENT COMMISSIONER FOR HUMAN RIGHTS",
        "mechanism": "National Preventive Mechanism",
        "number": "No. {number} of {date}",
        "visit": "following the monitoring visit to the place of deprivation of liberty: {facility}",
        "recommendation": "Recommendation {number}",
        "basis": (
            "Under Article 15 of the Law of Ukraine “On the Ukrainian Parliament Commissioner for Human "
            "Rights”, a submission is made for appropriate measures to be taken within one month to remedy "
            "the violations of human and civil rights and freedoms that were found."
        ),
        "due": "Term: by {date}.",
        "footer": "Generated {date} · page {page} of {pages}",
    },
}


class _ActDocument(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4", unit="mm")
        self._footer_text = footer_text
        self.set_margins(left=30, top=20, right=10)
        self.set_auto_page_break(auto=True, margin=20)
        add_fonts(self)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("plex", "", 8)
        self.set_text_color(110)
        self.cell(0, 5, self._footer_text.replace("{page}", str(self.page_no())), align="C")


def act_title(act: dict[str, Any], language: str) -> str:
    return LABELS[language]["act_kind"][act["kind"]]


def act_filename(act: dict[str, Any], language: str) -> str:
    """`Подання № П-2026-0012.pdf`: readable in the recipient's mail client, safe on any disk."""
    number = re.sub(r"[^\w.-]+", "-", str(act["number"]), flags=re.UNICODE).strip("-")
    sign = "№" if language == "uk" else "No."
    return f"{act_title(act, language)} {sign} {number}.pdf"


def render_act_pdf(payload: dict[str, Any], language: str) -> bytes:
    act = payload.get("act") or {}
    missing = [key for key in ACT_KEYS if not act.get(key)]
    if missing:
        raise PayloadError(f"the act lacks {', '.join('act.' + key for key in missing)}")
    words = WORDS[language]
    today = format_date(clock.now())
    footer = words["footer"].format(date=today, page="{page}", pages="{nb}")
    pdf = _ActDocument(footer)
    pdf.set_creation_date(clock.now())
    title = act_title(act, language)
    pdf.set_title(f"{title} {words['number'].format(number=act['number'], date=format_date(act['date']))}")
    pdf.set_author(
        words["issuer"].title() if language == "en" else "Уповноважений Верховної Ради України з прав людини"
    )
    pdf.set_creator("Ombudsflow")
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("plex", "B", 12)
    pdf.multi_cell(width, 6, words["issuer"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("plex", "", 10)
    pdf.multi_cell(width, 5, words["mechanism"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(8)

    authority = payload.get("authority") or {}
    if authority.get("name"):
        pdf.set_x(pdf.l_margin + width / 2)
        pdf.set_font("plex", "B", 12)
        pdf.multi_cell(width / 2, 6, authority["name"], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)

    pdf.set_font("plex", "B", 14)
    pdf.multi_cell(width, 7, title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("plex", "", 12)
    number_line = words["number"].format(number=act["number"], date=format_date(act["date"]))
    pdf.multi_cell(width, 6, number_line, align="C", new_x="LMARGIN", new_y="NEXT")
    facility = payload.get("facility") or {}
    if facility.get("name"):
        place = ", ".join(str(facility[k]) for k in ("name", "oblast") if facility.get(k))
        pdf.set_font("plex", "", 10)
        pdf.multi_cell(
            width, 5, words["visit"].format(facility=place), align="C", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(6)

    pdf.set_font("plex", "", 12)
    pdf.multi_cell(width, 6, str(act["text"]).strip(), align="J", new_x="LMARGIN", new_y="NEXT")
    recommendation = payload.get("recommendation") or {}
    if recommendation.get("number"):
        pdf.ln(4)
        pdf.set_font("plex", "B", 12)
        pdf.multi_cell(
            width,
            6,
            words["recommendation"].format(number=recommendation["number"]),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("plex", "", 12)
        pdf.multi_cell(
            width, 6, str(recommendation.get("text") or "").strip(), align="J", new_x="LMARGIN", new_y="NEXT"
        )
    if act["kind"] == "submission":
        pdf.ln(4)
        pdf.multi_cell(width, 6, words["basis"], align="J", new_x="LMARGIN", new_y="NEXT")
    if payload.get("due_at"):
        pdf.ln(2)
        pdf.multi_cell(
            width, 6, words["due"].format(date=format_date(payload["due_at"])), new_x="LMARGIN", new_y="NEXT"
        )

    pdf.ln(14)
    pdf.set_font("plex", "B", 12)
    pdf.multi_cell(width, 6, str(act["signatory"]), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
