"""Internal stays internal: what a form marks `"x-internal": true` (the lawyer's reasoning, the
manager's comment) never leaves the Office — swept over every outgoing channel: the e-mails as
delivered (.eml), every outbox row (e-mail and webhook payloads), every document's text and PDF,
the authority's view through the API and its page, and the public export."""

from __future__ import annotations

import email
import json
from pathlib import Path

import sqlalchemy as sa

from engine.db import db
from engine.models import OutboxMessage
from workflows.access import internal
from workflows.documents.models import Document
from workflows.files import store

from .cycle_helpers import ACT, complete, create, deliver_mail, recommendation, sweep
from .documents_world import pdf_text

REASONING = "Внутрішнє обґрунтування: керівник колонії уникає контакту з НПМ"
COMMENT = "Службовий коментар керівника: перевірити стиль"
CLOSING = "Внутрішня нотатка для закриття: справу передано іншому відділу"


def test_the_forms_mark_what_is_internal():
    import json as _json

    from config.settings import PROJECT_ROOT

    def schema(name):
        return _json.loads((PROJECT_ROOT / "bpmn" / "forms" / f"{name}.schema.json").read_text("utf-8"))

    assert "decision_reason" in internal.internal_fields(schema("decide_next_steps"))
    assert "approval_comment" in internal.internal_fields(schema("approve_act"))
    assert internal.internal_fields(schema("draft_act")) == frozenset()


def outgoing_texts(app, api, world, rec_id) -> list[str]:
    texts = []
    folder = Path(app.config["OMBUDSFLOW_MAIL_SINK_DIR"])
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        for part in message.walk():
            if part.get_content_maintype() == "text":
                texts.append(part.get_payload(decode=True).decode("utf-8"))
            elif part.get_content_type() == "application/pdf":
                texts.append(pdf_text(part.get_payload(decode=True)))
    for row in db.session.scalars(sa.select(OutboxMessage)):
        texts.append(json.dumps(row.payload, ensure_ascii=False))
    for doc in db.session.scalars(sa.select(Document)):
        texts.append(doc.body)
        if doc.pdf_sha256:
            texts.append(pdf_text(store.read_bytes(doc.pdf_sha256)))
    for role in ("authority", "regional"):
        texts.append(json.dumps(recommendation(api, rec_id, role=role), ensure_ascii=False))
    public = api["authority"].client
    exported = public.get("/public/data/v1/recommendations.json").get_data(as_text=True)
    assert str(rec_id) in exported or "Р-2026" in exported  # the recommendation is in the export
    texts.append(exported)
    texts.append(public.get("/public/data/v1/recommendations.csv").get_data(as_text=True))
    texts.append(public.get(f"/public/recommendations/{rec_id}").get_data(as_text=True))
    return texts


def test_reasoning_and_comments_never_go_out(app, api, world, clock):
    rec = create(api, world)
    complete(api, "lawyer", "draft_act", ACT)
    complete(api, "manager", "approve_act", {"approved": False, "approval_comment": COMMENT})
    complete(api, "lawyer", "draft_act", ACT)
    complete(api, "manager", "approve_act", {"approved": True})
    deliver_mail()
    clock.advance(days=32)
    sweep(api)
    assert recommendation(api, rec["id"])["status"] == "reply_overdue"
    complete(api, "lawyer", "decide_next_steps", {"next_action": "escalate", "decision_reason": REASONING})
    complete(api, "manager", "approve_letter", {"approved": True})
    deliver_mail()
    clock.advance(days=40)
    sweep(api)
    complete(api, "lawyer", "decide_next_steps", {"next_action": "close", "decision_reason": CLOSING})
    deliver_mail()
    closed = recommendation(api, rec["id"])
    assert closed["status"] == "closed" and closed["close_reason"] == CLOSING  # staff see it

    # Made public, as a manager would: the public page and the open data take it too.
    from workflows.publication import services as publication
    from workflows.publication import snapshot

    publication.publish(world.users["manager"], rec["id"])
    db.session.commit()
    snapshot.refresh()
    db.session.commit()

    texts = outgoing_texts(app, api, world, rec["id"])
    # The sweep looked at real letters: the act, the letter to the superior, the closing notice.
    joined = "\n".join(texts)
    assert "Вимагаємо забезпечити вентиляцію" in joined and "west@example.gov.ua" in joined
    assert any(t.startswith("{") and '"closed"' in t for t in texts) or "closed" in joined
    for secret in (REASONING, COMMENT, CLOSING):
        leaks = [t[:200] for t in texts if secret in t]
        assert leaks == [], (secret, leaks)
