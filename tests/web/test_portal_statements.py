"""The /portal home costs a fixed number of SQL statements, whatever the number of recommendations
on the page: the per-item lookups (documents, answers, extension requests, tasks, receipts,
escalations, the facility) are batched. Checked for the authority's own section and for the
superior authority's read-only section, with 3 and with 30 items."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine.db import db as engine_db
from workflows.recommendations import extensions

from .conftest import Pages


def _statements(pages: Pages, url: str) -> tuple[int, str]:
    sent: list[str] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            sent.append(statement)

    # Nothing the test loaded saves the page a statement: every row is read again.
    engine_db.session.commit()
    engine_db.session.expire_all()
    sa.event.listen(engine_db.engine, "before_cursor_execute", on_execute)
    try:
        response = pages.get(url)
    finally:
        sa.event.remove(engine_db.engine, "before_cursor_execute", on_execute)
    assert response.status_code == 200
    return len(sent), response.get_data(as_text=True)


def _cards(body: str, section: str) -> int:
    part = body.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return len(re.findall(r'<article class="portal-item', part))


def _add(db, world, scenario, count: int, *, start: int, other_finding) -> None:
    """`count` recommendations sent to the colony, varied: answered, an extension asked, another
    facility, a document covering them — so every per-item lookup has something to find."""
    for i in range(start, start + count):
        rec = scenario.send_act(scenario.recommendation(finding_id=other_finding if i % 4 == 0 else None))
        if i % 3 == 1:
            scenario.complete(rec, "authority_reply", {"reply_text": "Виконано."}, by="authority")
        elif i % 3 == 2:
            extensions.request(
                rec,
                world.colony_admin.id,
                requested_until="2027-01-20",
                reason="Потрібен ремонт.",
                actor=world.users["authority"].actor,
            )
            db.session.commit()


def test_the_portal_home_costs_the_same_statements_for_3_and_30_items(app, db, world, scenario, desk):
    from workflows.documents import services as documents

    doc = desk.approved()
    documents.mark_sent(desk.manager, doc.id)
    db.session.commit()
    _, _, other_finding = scenario.place(
        region="kharkiv", kind="pretrial_detention", name_uk="Харківський слідчий ізолятор"
    )
    own = Pages(app.test_client()).as_(world, "authority")
    regional = Pages(app.test_client()).as_(world, "regional")
    # The desk's document covers recommendations of its own: count them in.
    have = _cards(own.get("/portal").get_data(as_text=True), "own-title")
    _add(db, world, scenario, 3 - have, start=0, other_finding=other_finding.id)
    few, body = _statements(own, "/portal")
    assert _cards(body, "own-title") == 3
    few_below, body = _statements(regional, "/portal")
    assert _cards(body, "below-title") == 3

    _add(db, world, scenario, 27, start=3, other_finding=other_finding.id)
    many, body = _statements(own, "/portal")
    assert _cards(body, "own-title") == 30
    assert "Наші відповіді" in body and "очікується рішення" in body
    many_below, body = _statements(regional, "/portal")
    assert _cards(body, "below-title") == 30
    assert (many, many_below) == (few, few_below)
