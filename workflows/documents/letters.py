"""A document (or a first-wave act of response) as the `pdf.Letter` to print: the words of the
statutory term, the urgency request, the signatory and the letterhead, in the document's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..notices import legal_basis
from ..recommendations.models import Recommendation, ResponseAct
from .formatting import format_date, term_words
from .kinds import EDITABLE, TITLES
from .models import Document
from .pdf import Letter


def term_sentence(period: str | None, basis: str) -> str | None:
    """The statutory term as the document states it (in the current, forced locale): counted from
    the day of receipt, so no date can be promised when the letter leaves."""
    if not period:
        return None
    if basis:
        stated = _(
            "Statutory term: %(term)s from the day of receipt (%(basis)s).",
            term=term_words(period),
            basis=basis,
        )
    else:
        stated = _("Statutory term: %(term)s from the day of receipt.", term=term_words(period))
    return " ".join(
        (stated, _("If its last day is a non-working day, the term ends on the next working day."))
    )


def urgency_sentence(urgent_by, has_term: bool) -> str | None:
    """An urgency date is a request beside the statutory term, never a second deadline."""
    if not urgent_by:
        return None
    asked = _(
        "Because of the threat to life and health, we ask you to act by %(date)s.",
        date=format_date(urgent_by),
    )
    if has_term:
        return " ".join((asked, _("This request does not shorten the term set by law.")))
    return asked


def of_document(doc: Document) -> Letter:
    """What is printed for `doc`; a document not yet approved is marked as a draft."""
    with force_locale(doc.language):
        signatory_name, signatory_position = doc.signatory_name, doc.signatory_position
        if not signatory_name and doc.signatory is not None:
            signatory_name, signatory_position = doc.signatory.name, doc.signatory.position
        return Letter(
            language=doc.language,
            title=str(TITLES[doc.kind]),
            addressee=doc.addressee.name(doc.language),
            body=doc.body,
            number=doc.number,
            number_date=doc.number_date,
            subject=doc.subject,
            term_sentence=term_sentence(doc.term_period, doc.term_basis),
            urgency_sentence=urgency_sentence(doc.urgent_by, bool(doc.term_period)),
            signatory_name=signatory_name,
            signatory_position=signatory_position,
            draft=doc.status in (*EDITABLE, "submitted"),
            contacts=current_app.config.get("OMBUDSFLOW_LETTERHEAD_CONTACTS") or "",
        )


def of_act(act: ResponseAct, rec: Recommendation, language: str) -> Letter:
    """A first-wave act of response (the process's `send_act` step), until the process drafts
    every act as a Document: its text, the recommendation it is about, its statutory term (from
    receipt) with the legal basis, and an urgency date as a request."""
    with force_locale(language):
        facility = rec.facility
        region = facility.region.name_en if language == "en" else facility.region.name_uk
        place = ", ".join(part for part in (facility.name(language), region) if part)
        recommendation = _("Recommendation %(number)s", number=rec.number)
        return Letter(
            language=language,
            title=str(TITLES.get(act.kind, act.kind)),
            addressee=rec.addressee.name(language),
            body=f"{act.text.strip()}\n\n{recommendation}\n{rec.text.strip()}",
            number=act.number,
            number_date=act.act_date,
            subject=_(
                "following the monitoring visit to the place of deprivation of liberty: %(place)s",
                place=place,
            ),
            term_sentence=term_sentence(
                act.statutory_period, legal_basis(act.legal_basis, act.legal_basis_en, language) or ""
            ),
            urgency_sentence=urgency_sentence(act.urgency_due_at, bool(act.statutory_period)),
            signatory_name=act.signatory,
            contacts=current_app.config.get("OMBUDSFLOW_LETTERHEAD_CONTACTS") or "",
        )
