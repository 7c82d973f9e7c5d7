"""The annual-report section for 2026 against a hand count of the known data set, as a page and as a
PDF whose text is read back (Ukrainian and English)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from tests.web.conftest import Pages, text
from workflows.reports import annual
from workflows.reports.periods import Period

from . import dataset

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def data(db, world):
    return dataset.build(db, world)


def test_the_figures_of_the_section(data):
    r = annual.build(YEAR)
    assert {k: v for k, v in r.visits_by_region.cells.items()} == {
        ("lviv", "regular"): 1,
        ("kharkiv", "regular"): 1,
        ("kyiv_city", "regular"): 1,
    }
    assert r.visits_by_kind.cells == {
        ("penal_colony", "regular"): 1,
        ("pretrial_detention", "regular"): 1,
        ("psychiatric_hospital", "regular"): 1,
    }
    # Made in 2026: all but C4 (2025).
    assert r.recommendations.total == 16
    assert [
        r.recommendations.get("material_conditions", s) for s in ("critical", "high", "medium", "low")
    ] == [1, 1, 7, 0]
    assert r.recommendations.row_total("health_care") == 2 and r.recommendations.row_total("treatment") == 2
    assert r.recommendations.column_total("critical") == 4
    # Acts sent in 2026: A1, A8, A12, C1, C2 — A1's got no reply by 21.11, the others in term.
    assert r.acts.cells == {("submission", "in_term"): 4, ("submission", "no_reply"): 1}
    assert r.outcomes.cells == {("implemented", "n"): 2, ("not_implemented", "n"): 2}
    assert [(a.code, impl, ended) for a, impl, ended in r.implementation_by_authority] == [
        ("MOH", 0, 1),
        ("MOJ", 2, 3),
    ]
    assert r.escalations.cells == {("protocol", "n"): 4, ("court", "n"): 1}
    assert r.protocols_drawn == 4
    assert r.court_decisions.cells == {("offender_liable", "n"): 1}


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_read_back_has_the_tables(app, world, data):
    manager = Pages(app.test_client()).as_(world, "manager")
    response = manager.get("/reports/annual.pdf?from=2026-01-01&to=2026-12-31&lang=uk")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "npm-annual-report-2026-01-01-2026-12-31-uk.pdf" in response.headers["Content-Disposition"]
    pdf = _pdf_text(response.get_data())
    flat = " ".join(pdf.split())
    for title in (
        "Національний превентивний механізм: розділ річної доповіді",
        "Період 01.01.2026 – 31.12.2026.",
        "Візити за регіоном",
        "Візити за видом місця",
        "Рекомендації за категорією та серйозністю",
        "Надіслані акти реагування та відповіді органів",
        "Рекомендації, супровід яких завершено, за результатом",
        "Виконання за центральними органами (з підпорядкованими)",
        "Заходи реагування за видом",
        "Рішення судів за протоколами (ст. 188-40 КУпАП)",
        "Складено протоколів про адміністративні правопорушення: 4.",
        "Виконано 2 з 4 рекомендацій, супровід яких завершився за період.",
    ):
        assert title in flat, title
    # Rows as the tables print them: name, the counts, the total.
    assert "Матеріальні умови тримання 1 1 7 0 9" in flat
    assert "Подання 4 0 1 0 5" in flat
    assert "Накладено стягнення 1" in flat
    assert re.search(r"Львівська область 1 0 0 1", flat)

    english = _pdf_text(manager.get("/reports/annual.pdf?from=2026-01-01&to=2026-12-31&lang=en").get_data())
    flat_en = " ".join(english.split())
    assert "National preventive mechanism: section of the annual report" in flat_en
    assert "Recommendations by category and severity" in flat_en
    assert "Material conditions 1 1 7 0 9" in flat_en
    assert "Submission 4 0 1 0 5" in flat_en


def test_the_printable_page_and_who_may_see_it(app, world, data):
    manager = Pages(app.test_client()).as_(world, "manager")
    page = text(manager.get("/reports/annual?from=01.01.2026&to=31.12.2026"))
    assert "Рекомендації за категорією та серйозністю" in page
    assert "Виконано 2 з 4 рекомендацій, супровід яких завершився за період." in page
    english = text(manager.get("/reports/annual?from=01.01.2026&to=31.12.2026&lang=en"))
    assert "Visits by region" in english and "Lviv Oblast" in english
    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    assert lawyer.get("/reports/annual").status_code == 403
    assert lawyer.get("/reports/annual.pdf").status_code == 403
