"""Every dashboard figure against a hand count of the known data set (tests/reports/dataset.py),
and every number the page shows against the list its link opens."""

from __future__ import annotations

import re
from datetime import date

import pytest

from workflows.recommendations import queries
from workflows.reports import figures
from workflows.reports.periods import Period

from . import dataset

YEAR = Period(date(2026, 1, 1), date(2026, 11, 23))


@pytest.fixture
def data(db, world):
    return dataset.build(db, world)


def dashboard(user, period=YEAR, **asked):
    return figures.build(user, figures.scope_for(user, queries.RecommendationFilters(**asked)), period)


def test_open_and_overdue_figures_count_the_statutory_deadline_only(data, world):
    d = dashboard(world.users["manager"])
    assert d.open_total == 12
    # A8 (a follow-up check date passed) and A9 (a hearing date passed) are open with a past due_at,
    # but neither is a statutory term: not overdue. A10's deadline is tonight.
    assert d.overdue_total == 7
    assert d.buckets == {"1-7": 2, "8-30": 2, "31-90": 2, "91-": 1}
    by_status = {c.key: (c.open, c.overdue) for c in d.by_status}
    assert by_status == {
        "draft": (1, 0),
        "awaiting_receipt": (0, 0),
        "awaiting_reply": (4, 3),
        "reply_overdue": (3, 3),
        "under_verification": (1, 0),
        "follow_up": (1, 0),
        "escalated": (1, 1),
        "in_court": (1, 0),
    }


def test_figures_by_dimension(data, world):
    d = dashboard(world.users["manager"])

    def of(dim):
        return {c.key: (c.open, c.overdue) for c in d.by_dimension[dim]}

    assert of("region") == {"lviv": (5, 3), "kharkiv": (4, 2), "kyiv_city": (3, 2)}
    assert of("kind") == {
        "penal_colony": (5, 3),
        "pretrial_detention": (4, 2),
        "psychiatric_hospital": (3, 2),
    }
    assert of("severity") == {"critical": (4, 3), "high": (3, 2), "medium": (3, 1), "low": (2, 1)}
    assert of("category") == {
        "material_conditions": (5, 2),
        "health_care": (2, 2),
        "treatment": (2, 1),
        "staff": (1, 1),
        "other": (2, 1),
    }
    lawyer, lawyer2 = world.users["lawyer"].id, world.users["lawyer2"].id
    assert of("lawyer") == {lawyer: (6, 3), lawyer2: (4, 3), None: (2, 1)}


def test_authorities_roll_up_to_their_superiors(data, world):
    d = dashboard(world.users["manager"])
    rows = {r.id: r for r in d.by_authority}
    moj, moh = rows[data.moj.id], rows[data.moh.id]
    # MOJ: the colony and the SIZO, both under DKVS-WEST; MOH: the hospital.
    assert (moj.open, moj.overdue, moj.long_overdue) == (9, 5, 1)
    assert (moh.open, moh.overdue, moh.long_overdue) == (3, 2, 2)
    # Finished in 2026: C1, C2 implemented, C5 closed (MOJ); C3 closed (MOH).
    assert (moj.ended, moj.implemented, moh.ended, moh.implemented) == (3, 2, 1, 0)
    assert all(r.open == 0 for r in d.by_authority if r.id not in (data.moj.id, data.moh.id))
    assert moj.has_children and moh.has_children

    down = dashboard(world.users["manager"], authority_id=data.moj.id)
    assert down.parent.id == data.moj.id and (down.parent.open, down.parent.overdue) == (9, 5)
    assert [(r.id, r.open, r.overdue) for r in down.by_authority] == [(data.west.id, 9, 5)]
    deeper = dashboard(world.users["manager"], authority_id=data.west.id)
    assert {r.id: (r.open, r.overdue) for r in deeper.by_authority} == {
        data.colony.id: (5, 3),
        data.sizo.id: (4, 2),
    }
    # The whole dashboard follows the authority chosen: the MOJ with all under it.
    assert down.open_total == 9 and down.overdue_total == 5
    assert down.buckets == {"1-7": 2, "8-30": 2, "31-90": 1, "91-": 0}


def test_period_figures(data, world):
    d = dashboard(world.users["manager"])
    # First replies in 2026, days after the first act: A8 19, A12 20, C1 30, C2 5 (A12's second
    # reply does not count; C4's came in 2025). Nearest rank: median the 2nd of 4, p90 the 4th.
    # Elapsed time: C1's 30 days span the spring clock change, an hour short.
    assert (d.reply.n, d.reply.median, d.reply.p90) == (4, 19.0, pytest.approx(30 - 1 / 24, abs=1e-3))
    # Implemented in 2026: C2 after 30 days, C1 after 92 (an hour short, the same clock change).
    assert (d.implementation.n, d.implementation.median) == (2, 30.0)
    assert d.implementation.p90 == pytest.approx(92 - 1 / 24, abs=1e-3)
    assert (d.implemented, d.ended) == (2, 4)
    quarters = [(t.slice.start, t.implemented, t.ended) for t in d.trend]
    assert quarters == [
        (date(2026, 1, 1), 1, 1),
        (date(2026, 4, 1), 1, 1),
        (date(2026, 7, 1), 0, 1),
        (date(2026, 10, 1), 0, 1),
    ]
    assert d.trend[0].by_authority == {data.moj.id: (1, 1)}
    assert d.trend[2].by_authority == {data.moh.id: (0, 1)}

    spring = dashboard(world.users["manager"], Period(date(2026, 3, 1), date(2026, 6, 30)))
    assert (spring.implemented, spring.ended, spring.reply.n) == (1, 1, 1)
    assert spring.reply.median == pytest.approx(30 - 1 / 24, abs=1e-3)
    assert [t.slice.start for t in spring.trend] == [date(2026, m, 1) for m in (3, 4, 5, 6)]


def test_protocols_and_their_limitation_countdown(data, world):
    p = dashboard(world.users["manager"]).protocols
    assert p.months == 3
    assert p.buckets == {"expired": 1, "0-14": 1, "15-30": 0, "31-": 1}
    assert [(x.recommendation_number, x.limitation_end, x.days_left) for x in p.soonest] == [
        ("Р-T-A12", date(2026, 11, 1), -22),
        ("Р-T-A9", date(2026, 12, 1), 8),
        ("Р-T-A4", date(2027, 1, 15), 53),
    ]
    assert p.court_outcomes == [("offender_liable", 1)]


def test_a_lawyer_counts_only_the_recommendations_they_are_responsible_for(data, world):
    d = dashboard(world.users["lawyer"], lawyer_id=world.users["lawyer2"].id)
    # A1 A2 A6 A8 A10 A12 are the lawyer's; asking for a colleague's changes nothing.
    assert d.open_total == 6 and d.overdue_total == 3
    assert d.buckets == {"1-7": 2, "8-30": 0, "31-90": 1, "91-": 0}
    assert (d.implemented, d.ended) == (1, 2)


def test_each_number_on_the_page_is_its_list(data, world, app):
    """Follow every number's link on the dashboard (and its drill-down): the list says as many."""
    from tests.web.conftest import Pages

    manager = Pages(app.test_client()).as_(world, "manager")
    checked = 0
    for url in ("/dashboard?period=year", f"/dashboard?period=year&authority={data.moj.id}"):
        page = manager.get(url).get_data(as_text=True)
        links = re.findall(r'<a class="count-link[^"]*" href="([^"]+)" data-count="(\d+)"', page)
        assert len(links) > 60
        for href, shown in links:
            listed = manager.get(href.replace("&amp;", "&"))
            assert listed.status_code == 200
            total = re.search(r'id="list-total" data-total="(\d+)"', listed.get_data(as_text=True))
            assert total and int(total.group(1)) == int(shown), href
            checked += 1
    assert checked > 120


def test_who_sees_the_dashboard(app, world, data):
    from tests.web.conftest import Pages, text

    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    page = lawyer.get(f"/dashboard?period=year&lawyer={world.users['lawyer2'].id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "мої рекомендації" in text(page)
    # Every link carries the lawyer's own filter, so the lists are the lawyer's too.
    assert f'href="/recommendations?open=1&amp;lawyer={world.users["lawyer"].id}" data-count="6"' in body
    assert "За відповідальним юристом" not in text(page)
    for role in ("authority", "monitor"):
        assert Pages(app.test_client()).as_(world, role).get("/dashboard").status_code == 403
    assert Pages(app.test_client()).as_(world, "admin").get("/dashboard").status_code == 200


def test_the_milestones_follow_acts_and_replies_recorded_by_the_process(app, db, world, clock):
    """The first act and the first reply, as the process records them, feed the reply figures."""
    from tests.web.scenario import Scenario
    from workflows.recommendations.milestones import RecommendationMilestone

    s = Scenario(db, world, clock)
    rec = s.send_act(s.recommendation())
    sent = rec.acts[0]
    clock.advance(days=12)
    s.complete(rec, "authority_reply", {"reply_text": "Виконано."}, by="authority")
    clock.advance(days=3)
    s.complete(
        rec,
        "review_reply",
        {
            "outcome": "not_implemented",
            "verification_method": "documents",
            "verify_later": False,
            "assessment_note": "Не підтверджено.",
        },
    )
    s.complete(
        rec,
        "decide_next_steps",
        {"next_action": "new_deadline", "new_due_date": "2027-02-01", "decision_reason": "Новий строк."},
    )
    s.complete(rec, "approve_letter", {"approved": True}, by="manager")
    s.complete(rec, "authority_reply", {"reply_text": "Ще раз."}, by="authority")
    milestone = db.session.get(RecommendationMilestone, rec.id)
    assert (milestone.first_act_at, milestone.first_act_due_at) == (sent.sent_at, sent.due_at)
    assert (milestone.first_reply_at - sent.sent_at).days == 12  # the second reply changed nothing
    d = dashboard(world.users["manager"], Period(date(2026, 11, 1), date(2026, 12, 31)))
    assert (d.reply.n, d.reply.median) == (1, 12.0)
    listed = queries.count(
        world.users["manager"],
        queries.RecommendationFilters(replied_from=date(2026, 12, 5), replied_to=date(2026, 12, 5)),
    )
    assert listed == 1
