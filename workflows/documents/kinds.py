"""The kinds of outgoing documents, their statuses and ways of receipt: each named once, here.

Kinds (вид документа):
    submission            подання (Art. 15 of the Ombudsman law)
    information_request   запит про надання інформації (Art. 22)
    letter                лист
    repeat_request        повторний запит
    superior_letter       звернення до вищестоящого органу (letter to the superior authority)
    protocol              протокол про адміністративне правопорушення (Art. 188-40 of the Code)
    closing_notice        повідомлення про зняття рекомендації з контролю
    extension_decision    рішення щодо клопотання про продовження строку

Statuses: draft → submitted (awaiting the manager) → approved → sent → received; the manager may
return a submitted draft (returned), which its author edits back into a draft; anything not yet
sent can be cancelled. A kind that needs no approval (bpmn/document_approval.dmn) goes from draft
straight to sent.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KINDS = (
    "submission",
    "information_request",
    "letter",
    "repeat_request",
    "superior_letter",
    "protocol",
    "closing_notice",
    "extension_decision",
)

STATUSES = ("draft", "submitted", "returned", "approved", "sent", "received", "cancelled")
# The author may still change the text.
EDITABLE = ("draft", "returned")
# Not yet out of the building: may be cancelled.
CANCELLABLE = ("draft", "submitted", "returned", "approved")
# What the addressee has been sent: the only documents an authority's officials ever see.
DELIVERED = ("sent", "received")

# How the Office knows the addressee has it (доказ отримання).
RECEIPT_WAYS = ("smtp_accepted", "link_opened", "registered")

# Registers (журнали реєстрації): protocols have their own; everything else is outgoing mail.
OUTGOING, PROTOCOLS = "outgoing", "protocol"
REGISTERS = (OUTGOING, PROTOCOLS)

# Kinds that state a statutory term for the addressee's answer ("у місячний строк з дня
# отримання…"): the term comes with the draft (from the process's deadline table) and is printed.
# A letter states one only when the draft is given one.
TERM_REQUIRED = ("submission", "information_request", "repeat_request", "superior_letter")

# Kinds whose addressee must be the one each covered recommendation is addressed to now. A letter to
# the superior authority and a protocol go elsewhere by nature.
TO_RECOMMENDATION_ADDRESSEE = (
    "submission",
    "information_request",
    "letter",
    "repeat_request",
    "closing_notice",
    "extension_decision",
)

# Ukrainian always; English where an international addressee may need it (templates must exist).
LANGUAGES = ("uk", "en")

TITLES = {
    "submission": _l("Submission"),
    "information_request": _l("Request for information"),
    "letter": _l("Letter"),
    "repeat_request": _l("Repeat request"),
    "superior_letter": _l("Letter to the superior authority"),
    "protocol": _l("Administrative-offence protocol"),
    "closing_notice": _l("Notice of removal from control"),
    "extension_decision": _l("Decision on the extension request"),
}

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Awaiting approval"),
    "returned": _l("Returned for rework"),
    "approved": _l("Approved"),
    "sent": _l("Sent"),
    "received": _l("Received"),
    "cancelled": _l("Cancelled"),
}

RECEIPT_LABELS = {
    "smtp_accepted": _l("accepted by the addressee's mail server"),
    "link_opened": _l("opened through the link in the letter"),
    "registered": _l("registered by the addressee"),
}


def register_of(kind: str) -> str:
    return PROTOCOLS if kind == "protocol" else OUTGOING


def template_name(kind: str, language: str) -> str:
    """`documents/submission.uk.j2`: where the template of a kind lives in a deployment."""
    return f"documents/{kind}.{language}.j2"
