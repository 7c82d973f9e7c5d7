"""The legal-term calendar page: administrators only; a day added, refused, removed; the switch."""

from __future__ import annotations

from datetime import date

from workflows import deadlines

from .conftest import Pages, text


def test_an_admin_keeps_the_calendar_on_its_page(app, world):
    admin = Pages(app.test_client()).as_(world, "admin")
    page = admin.get("/admin/calendar?year=2026")
    assert page.status_code == 200
    body = text(page)
    assert "Календар строків" in body and "Увімкнено: святкові дні є робочими" in body
    assert "25.12.2026 Святковий день Різдво Христове робочий день" in body

    refused = admin.post("/admin/calendar/days", {"day": "2026-12-30", "kind": "working_day", "name_uk": ""})
    assert refused.status_code == 422
    assert "Зазначте, що це за день (українською)." in text(refused)
    saved = admin.post(
        "/admin/calendar/days", {"day": "2026-12-31", "kind": "day_off", "name_uk": "Неробочий день"}
    )
    assert saved.status_code == 302 and not deadlines.is_working_day(date(2026, 12, 31))
    admin.post("/admin/calendar/martial-law", {"martial_law": "off", "year": "2026"})
    body = text(admin.get("/admin/calendar?year=2026"))
    assert "Вимкнено: святкові дні є вихідними." in body
    assert "25.12.2026 Святковий день Різдво Христове неробочий день" in body
    admin.post("/admin/calendar/days/2026-12-31/remove")
    assert deadlines.is_working_day(date(2026, 12, 31))

    lawyer = Pages(app.test_client()).as_(world, "lawyer")
    assert lawyer.get("/admin/calendar").status_code == 403
    assert "Календар" not in text(lawyer.get("/inbox"))
