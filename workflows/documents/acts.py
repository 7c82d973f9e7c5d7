"""The first wave's act of response (`ResponseAct`, made by the process's `send_act` step) as a
PDF kept in the file store and attached to its e-mail. When the process drafts every act as a
Document (the wiring of issue 15), `services.mark_sent` takes this over and this module goes."""

from __future__ import annotations

from typing import Any

from ..authorities.models import Authority
from ..files import store
from ..recommendations.models import Recommendation, ResponseAct
from . import letters, pdf


def attachment(act: ResponseAct, rec: Recommendation, authority: Authority, actor: str) -> dict[str, Any]:
    """Render the act in the authority's language, keep it, and return the outbox attachment."""
    language = authority.language or "uk"
    letter = letters.of_act(act, rec, language)
    name = pdf.filename(letter.title, act.number, language)
    stored = store.store(pdf.render(letter), filename=name, actor=actor, purpose="act_pdf")
    return {"sha256": stored.sha256, "filename": name, "content_type": "application/pdf"}
