"""The e-mail that carries a sent document to its addressee: a short covering note in the
document's language, with the kept PDF attached. The words are written here (the domain's) and
handed to the outbox finished; `notifications/` only sends them."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from .kinds import TITLES
from .models import Document
from .pdf import number_line

TOPIC = "document_sent"


def message(doc: Document, recommendation_numbers: list[str], reply_url: str | None = None) -> dict[str, Any]:
    """{subject, text} of the covering e-mail."""
    with force_locale(doc.language):
        title = str(TITLES[doc.kind])
        reference = f"{title} {number_line(doc.number, doc.number_date)}"
        # In a Ukrainian sentence the kind is a common noun: "Надсилаємо подання № …".
        in_text = reference[:1].lower() + reference[1:] if doc.language == "uk" else reference
        lines = [_("Dear colleagues,"), "", _("Please find attached %(document)s (PDF).", document=in_text)]
        if recommendation_numbers:
            lines.append(
                ngettext(
                    "It concerns recommendation %(numbers)s.",
                    "It concerns recommendations %(numbers)s.",
                    len(recommendation_numbers),
                    numbers=", ".join(recommendation_numbers),
                )
            )
        if reply_url:
            lines += ["", _("You can answer through this link: %(url)s", url=reply_url)]
        lines += ["", _("Yours faithfully,"), doc.signatory_name]
        if doc.signatory_position:
            lines.append(doc.signatory_position)
        lines.append(_("National Preventive Mechanism"))
        return {"subject": reference, "text": "\n".join(lines) + "\n"}
