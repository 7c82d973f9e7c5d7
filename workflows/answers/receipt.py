"""The receipt of an answer (квитанція): its reference number, when it came, from whom, what it
says per recommendation and which files came with it — on the page, as a PDF kept in the file store,
and attached to the copy e-mailed to the official."""

from __future__ import annotations

from fpdf import FPDF

from ..authorities.models import Authority
from ..deadlines import KYIV, as_day
from ..documents.models import Document
from ..pdf_fonts import add_fonts
from ..recommendations.models import Recommendation
from .labels import claimed_status_label
from .models import DocumentAnswer, EvidenceFile


def filename(answer: DocumentAnswer) -> str:
    return f"receipt-{answer.reference}.pdf"


def lines(
    answer: DocumentAnswer,
    doc: Document,
    authority: Authority,
    recs: dict[int, Recommendation],
    files: list[EvidenceFile],
) -> list[tuple[str, str]]:
    """(style, text) lines of the receipt, in the request's language: what the PDF and the e-mail print."""
    from flask_babel import gettext as _

    when = answer.submitted_at.astimezone(KYIV).strftime("%d.%m.%Y %H:%M")
    out: list[tuple[str, str]] = [
        ("title", _("Receipt of your answer")),
        ("big", _("Reference number: %(ref)s", ref=answer.reference)),
        ("text", _("Received: %(when)s (Kyiv time)", when=when)),
        ("text", _("Authority: %(name)s", name=authority.name_uk)),
        ("text", _("In answer to: %(doc)s", doc=doc.number or doc.subject or f"#{doc.id}")),
        (
            "text",
            _(
                "Official: %(name)s, %(position)s",
                name=answer.official_name,
                position=answer.official_position,
            ),
        ),
    ]
    for item in answer.items:
        rec = recs.get(item.recommendation_id)
        out.append(
            ("head", _("Recommendation %(number)s", number=rec.number if rec else item.recommendation_id))
        )
        out.append(("text", _("Status stated: %(status)s", status=claimed_status_label(item.claimed_status))))
        out.append(("text", item.done_text))
        if item.reasons:
            out.append(("text", _("Reasons: %(text)s", text=item.reasons)))
        for measure in item.measures:
            out.append(
                (
                    "text",
                    "• "
                    + _(
                        "%(measure)s — by %(date)s, responsible: %(person)s",
                        measure=measure.get("measure", ""),
                        date=_day(measure.get("planned_on", "")),
                        person=measure.get("responsible", ""),
                    ),
                )
            )
    if files:
        out.append(("head", _("Files attached")))
        for row in files:
            out.append(
                (
                    "text",
                    f"• {row.stored.original_name} ({row.stored.size} B, SHA-256 {row.stored.sha256[:16]}…)",
                )
            )
    return out


def render(receipt_lines: list[tuple[str, str]]) -> bytes:
    pdf = FPDF(format="A4")
    family = add_fonts(pdf)
    pdf.set_creator("Ombudsflow")
    pdf.set_margins(20, 15, 15)
    pdf.add_page()
    sizes = {"title": (family, "B", 15, 8), "big": (family, "B", 13, 7), "head": (family, "B", 12, 7)}
    for style, text in receipt_lines:
        font, weight, size, height = sizes.get(style, (family, "", 11, 6))
        if style == "head":
            pdf.ln(3)
        pdf.set_font(font, weight, size)
        pdf.multi_cell(pdf.epw, height, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _day(value: str) -> str:
    try:
        return as_day(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return value or ""
