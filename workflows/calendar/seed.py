"""The calendar's first rows: Ukraine's public holidays of 2026–2027 and the days off moved from
those that fall on a weekend.

The holidays come from the PyPI package `holidays` 0.109 (`country_holidays("UA",
categories=("workday",))`: under martial law, law 2136-IX, the package lists no public days off
from 2023 on and puts the holidays in its `workday` category — the holidays that are working days
now). They are copied here as data, so that a migration seeds the same rows whatever version of the
package is installed later; `ombudsflow calendar seed YEAR` reads the package for other years.

Moved days off follow part 3 of Art. 67 of the Labour Code: a holiday on a Saturday or Sunday moves
the day off to the next working day. Both kinds are `holiday` rows: while the martial-law switch
is on, none of them is a day off.
"""

from __future__ import annotations

from datetime import date, timedelta

SOURCE = "holidays 0.109"

# (day, name uk, name en) — `holidays` 0.109, category "workday", years 2026 and 2027.
HOLIDAYS_2026_2027 = [
    (date(2026, 1, 1), "Новий рік", "New Year's Day"),
    (date(2026, 3, 8), "Міжнародний жіночий день", "International Women's Day"),
    (date(2026, 4, 12), "Великдень (Пасха)", "Easter Sunday (Pascha)"),
    (date(2026, 5, 1), "День праці", "Labour Day"),
    (
        date(2026, 5, 8),
        "День памʼяті та перемоги над нацизмом у Другій світовій війні 1939-1945 років",
        "Day of Remembrance and Victory over Nazism in World War II 1939-1945",
    ),
    (date(2026, 5, 31), "Трійця", "Pentecost"),
    (date(2026, 6, 28), "День Конституції України", "Day of the Constitution of Ukraine"),
    (date(2026, 7, 15), "День Української Державності", "Ukrainian Statehood Day"),
    (date(2026, 8, 24), "День незалежності України", "Independence Day"),
    (date(2026, 10, 1), "День захисників і захисниць України", "Day of Defenders of Ukraine"),
    (date(2026, 12, 25), "Різдво Христове", "Christmas Day"),
    (date(2027, 1, 1), "Новий рік", "New Year's Day"),
    (date(2027, 3, 8), "Міжнародний жіночий день", "International Women's Day"),
    (date(2027, 5, 1), "День праці", "Labour Day"),
    (date(2027, 5, 2), "Великдень (Пасха)", "Easter Sunday (Pascha)"),
    (
        date(2027, 5, 8),
        "День памʼяті та перемоги над нацизмом у Другій світовій війні 1939-1945 років",
        "Day of Remembrance and Victory over Nazism in World War II 1939-1945",
    ),
    (date(2027, 6, 20), "Трійця", "Pentecost"),
    (date(2027, 6, 28), "День Конституції України", "Day of the Constitution of Ukraine"),
    (date(2027, 7, 15), "День Української Державності", "Ukrainian Statehood Day"),
    (date(2027, 8, 24), "День незалежності України", "Independence Day"),
    (date(2027, 10, 1), "День захисників і захисниць України", "Day of Defenders of Ukraine"),
    (date(2027, 12, 25), "Різдво Христове", "Christmas Day"),
]


def with_moved_days_off(holidays: list[tuple[date, str, str]]) -> list[tuple[date, str, str]]:
    """The holidays plus, for each one on a weekend, the day off moved to the next weekday that is
    not a holiday or moved day off already (Art. 67 part 3 of the Labour Code)."""
    taken = {day for day, _uk, _en in holidays}
    rows = list(holidays)
    for day, _uk, _en in sorted(holidays):
        if day.weekday() < 5:
            continue
        moved = day + timedelta(days=1)
        while moved.weekday() >= 5 or moved in taken:
            moved += timedelta(days=1)
        taken.add(moved)
        shown = day.strftime("%d.%m.%Y")
        rows.append(
            (
                moved,
                f"Вихідний день, перенесений з {shown} (ч. 3 ст. 67 КЗпП)",
                f"Day off moved from {shown} (Labour Code, Art. 67 part 3)",
            )
        )
    return sorted(rows)


def seed_rows() -> list[tuple[date, str, str]]:
    return with_moved_days_off(HOLIDAYS_2026_2027)


def from_package(year: int) -> list[tuple[date, str, str]]:
    """A year's holidays (and moved days off) read from the installed `holidays` package."""
    import holidays

    uk = holidays.country_holidays("UA", years=year, categories=("public", "workday"), language="uk")
    en = holidays.country_holidays("UA", years=year, categories=("public", "workday"), language="en_US")
    listed = [(day, uk[day], en.get(day, "")) for day in sorted(uk)]
    # Before 2023 the package lists the moved days off itself ("(вихідний)"); keep its own list then.
    if any("вихідний" in name.lower() for _day, name, _en in listed):
        return listed
    return with_moved_days_off(listed)
