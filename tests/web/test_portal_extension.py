"""An extension request has one code path (web/portal/extension.py) for its four ways in: a
recommendation's page of a signed-in official, the signed link of a recommendation's letter, and the
answer form of a letter (by account and by its link). Each refuses alike (422, nothing written, the
form drawn again with what was typed and the errors), confirms alike, and records the request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from workflows import links
from workflows.recommendations.models import ExtensionRequest

from .answer_world import letter_fixture  # noqa: F401  (the `letter` fixture)
from .conftest import Pages, text

REASON = "Потрібен час на закупівлю обладнання."
RECEIVED = "Ваше клопотання отримано"


def _way_in(kind, app, world, letter):
    """(the client, the address to post to, where the form is drawn, extra fields, the actor)."""
    rec = letter.recs[0]
    official = Pages(app.test_client()).as_(world, "authority")
    link_actor = f"link:authority:{world.colony_admin.id}"
    if kind == "recommendation_page":
        page = f"/portal/recommendations/{rec.id}"
        return official, f"{page}/extension", page, {}, world.users["authority"].actor
    if kind == "recommendation_link":
        with app.test_request_context():
            url = f"/respond/{links.reply_token(rec.id, world.colony_admin.id)}"
        return Pages(app.test_client()), url, url, {"action": "extension"}, link_actor
    fields = {"action": "extension", "recommendation_id": str(rec.id)}
    if kind == "letter_account":
        return official, letter.portal_url, letter.portal_url, fields, world.users["authority"].actor
    return Pages(app.test_client()), letter.url, letter.url, fields, link_actor


@pytest.mark.parametrize(
    "kind", ["recommendation_page", "recommendation_link", "letter_account", "letter_link"]
)
def test_every_way_in_refuses_and_confirms_alike(app, db, world, letter, kind):
    client, post_to, page, extra, actor = _way_in(kind, app, world, letter)
    drawn = client.get(page)
    assert drawn.status_code == 200 and 'id="extension"' in drawn.get_data(as_text=True)

    refused = client.post(post_to, {**extra, "requested_until": "2026-12-01", "reason": REASON})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "data-extension-message" in body and "Клопотання не надіслано." in text(refused)
    assert "Просіть день, пізніший за чинний строк (23.12.2026)." in text(refused)
    assert REASON in body and 'value="2026-12-01"' in body  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExtensionRequest)) == 0

    asked = client.post(post_to, {**extra, "requested_until": "2027-01-20", "reason": REASON})
    assert asked.status_code == 302
    assert RECEIVED in text(client.get(asked.headers["Location"]))
    db.session.expire_all()
    request = db.session.scalar(sa.select(ExtensionRequest))
    assert request.recommendation_id == letter.recs[0].id and request.requested_by == actor
    assert request.requested_until.isoformat() == "2027-01-20"
