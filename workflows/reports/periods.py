"""Periods of the dashboard and the reports: whole Kyiv days, both ends included, and the slices
(months, quarters, years) a trend is drawn over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine.clock import clock

from ..deadlines import kyiv_date, kyiv_day_start

PRESETS = ("12m", "year", "last-year", "quarter", "all")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return kyiv_day_start(self.start)

    @property
    def end_at(self) -> datetime:
        """The instant after the last day (exclusive)."""
        return kyiv_day_start(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def slices(self) -> list[Slice]:
        """Months for up to six months, quarters for up to three years, years beyond."""
        unit = 1 if self.days <= 186 else 3 if self.days <= 3 * 366 else 12
        out = []
        first = date(self.start.year, ((self.start.month - 1) // unit) * unit + 1, 1)
        while first <= self.end:
            index = first.month - 1 + unit
            following = date(first.year + index // 12, index % 12 + 1, 1)
            out.append(Slice(max(first, self.start), min(following - timedelta(days=1), self.end), unit))
            first = following
        return out


@dataclass(frozen=True)
class Slice(Period):
    months: int = 3  # 1, 3 or 12: a month, a quarter or a year

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1


def today() -> date:
    return kyiv_date(clock.now())


def preset(name: str, day: date | None = None) -> Period:
    day = day or today()
    if name == "year":
        return Period(date(day.year, 1, 1), day)
    if name == "last-year":
        return Period(date(day.year - 1, 1, 1), date(day.year - 1, 12, 31))
    if name == "quarter":
        return Period(date(day.year, ((day.month - 1) // 3) * 3 + 1, 1), day)
    if name == "all":
        return Period(date(2000, 1, 1), day)
    # the last twelve months, to today
    start = date(day.year - 1, day.month, 1) + timedelta(days=32)
    return Period(date(start.year, start.month, 1), day)


def parse(start: date | None, end: date | None, name: str | None = None) -> Period:
    """The period a page asked for: two dates, or a preset, else the last twelve months. A form sends
    both the preset it showed and the dates it showed: dates someone changed win."""
    if name in PRESETS:
        chosen = preset(name)
        if start and end and start <= end and (start, end) != (chosen.start, chosen.end):
            return Period(start, end)
        return chosen
    if start and end and start <= end:
        return Period(start, end)
    if start and not end:
        return Period(start, max(start, today()))
    return preset(name if name in PRESETS else "12m")
