"""The transparency page and the open data: the figures, the published recommendations at their
permanent addresses — and nothing internal or private, every field of a seeded "secret"
recommendation (and the internal fields of a published one) searched for in every public response."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
import sqlalchemy as sa

from engine.db import db as engine_db
from tests.web.conftest import Pages
from workflows.authorities import services as authorities
from workflows.escalations.models import Escalation
from workflows.facilities import services as facilities
from workflows.observations import services as observations
from workflows.publication import services as publication
from workflows.publication import snapshot
from workflows.recommendations.models import AuthorityReply, ExtensionRequest, Verification
from workflows.users import services as users
from workflows.visits import services as visits

from . import dataset


def _private_story(db, world, data, marker: str, *, hostile: bool = False, name_uk: str | None = None):
    """A recommendation with every internal and personal field filled with `marker`-tagged values."""
    monitor = users.create_user(
        f"{marker.lower()}-monitor@ngo.example",
        name=f"{marker}-MONITOR Марія",
        role="monitor",
        password="correct horse battery",
    )
    lawyer = users.create_user(
        f"{marker.lower()}-lawyer@ombudsman.example",
        name=f"{marker}-LAWYER Олег",
        role="lawyer",
        password="correct horse battery",
    )
    admin = authorities.create(
        code=f"{marker}-ADM",
        name_uk=f"Адміністрація {marker}-AUTHORITY",
        name_en=f"{marker}-AUTHORITY administration",
        level="facility_administration",
        parent_id=world.regional.id,
        emails=[f"{marker.lower()}-authority@example.gov.ua"],
        actor="test",
    )
    facility = facilities.create(
        name_uk=name_uk or f"{marker}-FACILITY колонія",
        name_en=f"{marker}-FACILITY colony",
        kind="penal_colony",
        region="donetsk" if hostile else "lviv",
        authority_id=admin.id,
        actor="test",
    )
    facility.in_hostilities_area = hostile
    facility.address = f"{marker}-ADDRESS вул. Тюремна, 1"
    facility.access_note = f"{marker}-ACCESS"
    visit = visits.create(
        facility_id=facility.id,
        kind="regular",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 1),
        members=[{"name": f"{marker}-MONITOR Марія", "role": "monitor", "user_id": monitor.id}],
        user=world.users["lawyer"],
    )
    visit.access_problems = f"{marker}-ACCESS-PROBLEMS"
    finding = visits.add_finding(
        visit,
        text=f"Засуджений {marker}-DETAINEE Іван Петренко скаржився на побиття.",
        category="treatment",
        severity="critical",
        evidence=[f"{marker}-EVIDENCE протокол опитування"],
        user=world.users["lawyer"],
    )
    db.session.flush()
    places = data.places
    places[marker] = (facility.id, admin, finding.id)
    rec = dataset.Recommendation(
        number=f"Р-{marker}-77",
        finding_id=finding.id,
        authority_id=admin.id,
        addressee_id=admin.id,
        facility_id=facility.id,
        region_code=facility.region_code,
        facility_kind="penal_colony",
        text=f"{marker}-TEXT: припинити застосування сили до засуджених.",
        search_text=f"{marker.lower()}-text",
        severity="critical",
        category="treatment",
        status="in_court",
        due_at=None,
        outcome=None,
        close_reason=f"{marker}-CLOSE-REASON",
        responsible_lawyer_id=lawyer.id,
        created_by=lawyer.id,
        created_at=dataset.kyiv(date(2026, 5, 2)),
        updated_at=dataset.kyiv(date(2026, 5, 2)),
    )
    db.session.add(rec)
    db.session.flush()
    db.session.add(
        dataset.ResponseAct(
            recommendation_id=rec.id,
            kind="submission",
            number=f"{marker}-ACT-NO",
            act_date=date(2026, 5, 3),
            signatory=f"{marker}-SIGNATORY",
            text=f"{marker}-ACT-TEXT",
            addressee_id=admin.id,
            sent_at=dataset.kyiv(date(2026, 5, 3)),
            due_at=dataset.end_of(date(2026, 6, 3)),
            created_by="test",
        )
    )
    db.session.add(
        AuthorityReply(
            recommendation_id=rec.id,
            authority_id=admin.id,
            text=f"{marker}-REPLY-TEXT начальник Коваль",
            measures=f"Вжито заходів {marker}-MEASURES",
            attachments=[f"{marker}-ATTACHMENT.pdf"],
            received_at=dataset.kyiv(date(2026, 5, 20)),
            was_overdue=False,
            submitted_by=f"{marker}-SUBMITTER",
        )
    )
    db.session.add(
        ExtensionRequest(
            recommendation_id=rec.id,
            authority_id=admin.id,
            requested_until=date(2026, 7, 1),
            reason=f"{marker}-EXTENSION-REASON",
            requested_at=dataset.kyiv(date(2026, 5, 10)),
            requested_by="test",
            decision="refused",
            decision_note=f"{marker}-DECISION-NOTE",
        )
    )
    db.session.add(
        Verification(
            recommendation_id=rec.id,
            outcome="not_implemented",
            method="interview",
            note=f"{marker}-VERIFICATION-NOTE",
            verified_at=dataset.kyiv(date(2026, 6, 1)),
            verified_by="test",
        )
    )
    for kind, extra in (
        ("protocol", {"protocol_number": f"{marker}-PROTOCOL-NO", "protocol_date": date(2026, 7, 1)}),
        (
            "court",
            {
                "protocol_number": f"{marker}-PROTOCOL-NO",
                "case_number": f"{marker}-CASE-NO",
                "decision": "offender_liable",
                "decision_date": date(2026, 9, 1),
                "decision_note": f"{marker}-COURT-NOTE",
                "hearings": [{"date": "2026-08-01", "next": None, "note": f"{marker}-HEARING"}],
            },
        ),
    ):
        db.session.add(
            Escalation(
                recommendation_id=rec.id,
                kind=kind,
                target_authority_id=admin.id,
                reason=f"{marker}-ESCALATION-REASON",
                offender=f"{marker}-OFFICIAL Степан Коваль",
                court=f"{marker}-COURT районний суд",
                created_at=dataset.kyiv(date(2026, 7, 1)),
                created_by="test",
                **extra,
            )
        )
    db.session.flush()
    return rec, monitor


@pytest.fixture
def story(db, world, app):
    data = dataset.build(db, world)
    secret, _m = _private_story(db, world, data, "SECRET")
    shown, monitor = _private_story(db, world, data, "INTERNAL")
    hostile, _m2 = _private_story(db, world, data, "HOSTILE", hostile=True)
    db.session.commit()
    # The monitor of the shown one adds two observations; management publishes one.
    public_note = observations.add(
        monitor,
        shown.id,
        text="Під час повторного візиту вентиляцію встановлено.",
        observed_on=date(2026, 10, 1),
    )
    observations.add(
        monitor, shown.id, text="INTERNAL-OBSERVATION не для оприлюднення.", observed_on=date(2026, 10, 2)
    )
    manager = world.users["manager"]
    publication.publish(manager, shown.id)
    publication.publish(manager, hostile.id)
    publication.publish_observation(manager, public_note.id, True)
    snapshot.refresh()
    db.session.commit()
    return {"secret": secret, "shown": shown, "hostile": hostile}


def _public_texts(client, story) -> dict[str, str]:
    urls = [
        "/public",
        "/public?lang=en",
        f"/public/recommendations/{story['shown'].id}",
        f"/public/recommendations/{story['shown'].id}?lang=en",
        f"/public/recommendations/{story['hostile'].id}",
        "/public/data/v1/recommendations.json",
        "/public/data/v1/recommendations.csv",
        "/public/data/v1/figures.json",
        "/public/data/v1/schema.json",
    ]
    out = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        out[url] = response.get_data(as_text=True)
    return out


PRIVATE = (
    "DETAINEE",
    "Петренко",
    "MONITOR",
    "LAWYER",
    "EVIDENCE",
    "ADDRESS",
    "ACCESS",
    "CLOSE-REASON",
    "ACT-NO",
    "SIGNATORY",
    "ACT-TEXT",
    "REPLY-TEXT",
    "Коваль",
    "ATTACHMENT",
    "SUBMITTER",
    "EXTENSION-REASON",
    "DECISION-NOTE",
    "VERIFICATION-NOTE",
    "PROTOCOL-NO",
    "CASE-NO",
    "COURT",
    "HEARING",
    "ESCALATION-REASON",
    "OFFICIAL",
    "@",
    "INTERNAL-OBSERVATION",
)


def test_nothing_internal_or_private_reaches_the_public(client, story, db):
    texts = _public_texts(client, story)
    everything = "\n".join(texts.values())
    # The secret recommendation was never published: not one of its fields, not even its number.
    for field in ("SECRET",):
        assert field not in everything
    for word in PRIVATE:
        for url, body in texts.items():
            if word == "@" and url.endswith("schema.json"):
                continue
            assert word not in body, f"{word!r} found in {url}"
    assert client.get(f"/public/recommendations/{story['secret'].id}").status_code == 404
    # A place in an area of hostilities is named by its region only (the default setting).
    assert "HOSTILE-FACILITY" not in everything and "Р-HOSTILE-77" in everything
    # What is public is there: the text, the place, the measures reported, the published observation.
    page = texts[f"/public/recommendations/{story['shown'].id}"]
    for shown in (
        "INTERNAL-TEXT: припинити застосування сили до засуджених.",
        "INTERNAL-FACILITY колонія",
        "Вжито заходів INTERNAL-MEASURES",
        "Під час повторного візиту вентиляцію встановлено.",
        "Накладено стягнення",
    ):
        assert shown in page, shown
    document = json.loads(texts["/public/data/v1/recommendations.json"])
    assert document["schema_version"] == "1.0" and document["count"] == 2
    item = next(i for i in document["items"] if i["number"] == "Р-INTERNAL-77")
    assert item["url"] == f"http://localhost/public/recommendations/{story['shown'].id}"
    assert item["reply"] == "in_term" and item["first_reply_on"] == "2026-05-20"
    assert item["observations"] == [
        {"observed_on": "2026-10-01", "text": "Під час повторного візиту вентиляцію встановлено."}
    ]
    hostile = next(i for i in document["items"] if i["number"] == "Р-HOSTILE-77")
    assert hostile["facility"] is None and hostile["place_withheld"] is True
    assert hostile["region"]["code"] == "donetsk"
    rows = list(csv.DictReader(io.StringIO(texts["/public/data/v1/recommendations.csv"].lstrip("\ufeff"))))
    assert [r["number"] for r in rows] == [i["number"] for i in document["items"]]


def test_withheld_places_are_left_out_when_the_setting_says_so(app, client, story, db):
    app.config["OMBUDSFLOW_PUBLIC_HOSTILITIES"] = "withhold"
    snapshot.refresh()
    texts = _public_texts(client, {**story, "hostile": story["shown"]})
    assert not any("HOSTILE" in body for body in texts.values())
    assert client.get(f"/public/recommendations/{story['hostile'].id}").status_code == 404


def test_the_figures(client, story):
    figures = json.loads(client.get("/public/data/v1/figures.json").get_data(as_text=True))
    # Sent (not drafts) with an act: A1, A8, A12, C1, C2, C4 of the data set and the three stories.
    totals = figures["totals"]
    assert totals["total"] == 9
    # A1's first act was due on 21.11 and got no answer; every other first act was answered in term.
    assert (totals["in_term"], totals["late"], totals["no_reply"], totals["pending"]) == (8, 0, 1, 0)
    assert totals["implemented"] == 3 and totals["open"] == 6
    regions = {r["code"]: r["total"] for r in figures["by_region"]}
    assert regions == {"lviv": 6, "kharkiv": 2, "donetsk": 1}
    assert {r["code"]: r["total"] for r in figures["by_authority"]} == {"MOJ": 9}


def test_the_page_is_cached_and_costs_the_database_one_read(client, story, app):
    first = client.get("/public")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "Set-Cookie" not in first.headers
    again = client.get("/public", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    english = client.get("/public?lang=en", headers={"If-None-Match": first.headers["ETag"]})
    assert english.status_code == 200 and "What the NPM's recommendations changed" in english.get_data(
        as_text=True
    )

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine_db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/public?page=1").status_code == 200
    finally:
        sa.event.remove(engine_db.engine, "before_cursor_execute", listener)
    tables = [s for s in statements if "public_snapshot" in s]
    assert len(tables) == 2 and len(statements) <= 3, statements


def test_publishing_is_management_s_audited_and_at_once(app, world, story, db):
    manager = Pages(app.test_client()).as_(world, "manager")
    rec = story["secret"]
    page = manager.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert "Оприлюднити на сторінці прозорості" in page
    assert manager.post(f"/recommendations/{rec.id}/publication", {"action": "publish"}).status_code == 302
    assert app.test_client().get(f"/public/recommendations/{rec.id}").status_code == 200
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    assert lawyer.post(f"/recommendations/{rec.id}/publication", {"action": "unpublish"}).status_code == 403
    assert manager.post(f"/recommendations/{rec.id}/publication", {"action": "unpublish"}).status_code == 302
    assert app.test_client().get(f"/public/recommendations/{rec.id}").status_code == 404
    from engine.models import AuditEvent

    events = db.session.scalars(
        sa.select(AuditEvent.event).where(AuditEvent.business_key == str(rec.id)).order_by(AuditEvent.id)
    ).all()
    assert events[-2:] == ["recommendation_published", "recommendation_unpublished"]


@pytest.mark.browser
def test_the_public_reads_the_page_in_a_browser(page, live_server, story, db, screenshot):
    from playwright.sync_api import expect

    shown = story["shown"].id
    db.session.close()
    page.goto(f"{live_server.url}/public")
    expect(page.get_by_role("heading", name="Що змінили рекомендації НПМ")).to_be_visible()
    expect(page.locator(".kpi").first).to_contain_text("9")
    screenshot(page, "public")
    page.get_by_role("link", name="Рекомендація Р-INTERNAL-77").click()
    expect(page).to_have_url(f"{live_server.url}/public/recommendations/{shown}")
    expect(page.get_by_text("Вжито заходів INTERNAL-MEASURES")).to_be_visible()
    screenshot(page, "public-recommendation")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/public/recommendations/{shown}?lang=en")
    expect(page.get_by_role("heading", name="Measures the authority reported")).to_be_visible()
    page.goto(f"{live_server.url}/public?lang=en")
    expect(page.get_by_role("heading", name="What the NPM's recommendations changed")).to_be_visible()
    screenshot(page, "public-en")
