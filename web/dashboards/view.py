"""What the dashboard pages show, in words and links: names for codes, the URL of the list behind
each number, the charts. The figures come from `workflows.reports`; nothing is counted here."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import url_for
from flask_babel import format_decimal, format_percent, gettext, ngettext
from flask_babel import lazy_gettext as _l

from workflows.recommendations.filter_args import ordered, to_args, with_changes
from workflows.reports import figures
from workflows.reports.periods import PRESETS, Period, Slice, preset

from .. import registry
from ..filters import kyiv_date
from ..labels import label, language
from ..recommendations.params import list_url
from .charts import Bar, Segment, columns, hbars

DIMENSION_TITLES = {
    "region": _l("By oblast"),
    "kind": _l("By kind of place"),
    "severity": _l("By severity"),
    "category": _l("By category"),
    "lawyer": _l("By responsible lawyer"),
}
# The list filter each dimension sets.
DIMENSION_FIELDS = {
    "region": "region",
    "kind": "facility_kind",
    "severity": "severity",
    "category": "category",
    "lawyer": "lawyer_id",
}


def number(value: int | float | None) -> str:
    return "—" if value is None else format_decimal(value)


def days(value: float | None) -> str:
    """Whole days (a median of 19.6 days reads "20 днів")."""
    if value is None:
        return "—"
    return ngettext("%(num)d day", "%(num)d days", round(value))


def percent(value: float | None) -> str:
    return "—" if value is None else format_percent(value, format="#,##0%")


def period_text(period: Period) -> str:
    return f"{kyiv_date(period.start)} – {kyiv_date(period.end)}"


def slice_label(s: Slice) -> str:
    if s.months == 12:
        return str(s.start.year)
    if s.months == 3:
        return gettext("Q%(quarter)d %(year)d", quarter=s.quarter, year=s.start.year)
    return s.start.strftime("%m.%Y")


def preset_label(name: str) -> str:
    return {
        "12m": gettext("Last 12 months"),
        "year": gettext("This year"),
        "last-year": gettext("Last year"),
        "quarter": gettext("This quarter"),
        "all": gettext("All time"),
    }[name]


class PeriodView:
    """The period form's choices (the dashboard, the heat map, the annual report)."""

    presets = PRESETS
    period: Period

    @property
    def chosen_preset(self) -> str | None:
        """The preset that gives the period shown, if one does."""
        return next((p for p in PRESETS if preset(p) == self.period), None)


class DashboardView(PeriodView):
    def __init__(self, d: figures.Dashboard, user, args) -> None:
        self.d = d
        self.period = d.period
        self.user = user
        self.args = args
        self.language = language()
        self._scope_args = to_args(d.scope)
        self._list_base = url_for("recommendation.index")
        self.names = {
            "region": dict(registry.regions()),
            "kind": dict(registry.facility_kinds()),
            "lawyer": registry.user_names(c.key for c in d.by_dimension.get("lawyer", [])),
        }

    @property
    def period_text(self) -> str:
        return period_text(self.d.period)

    @property
    def critical_open(self) -> int:
        return next((c.open for c in self.d.by_dimension.get("severity", []) if c.key == "critical"), 0)

    @property
    def authorities(self):
        return registry.filter_authorities(self.d.scope.authority_id)

    @property
    def regions(self):
        return registry.regions()

    @property
    def dimensions(self) -> list[str]:
        dims = list(DIMENSION_TITLES)
        return [d for d in dims if d != "lawyer"] if self.lawyer_view else dims

    @property
    def parent_up(self) -> int | None:
        """The authority above the one whose subordinates are listed (None: the top)."""
        from engine.db import db
        from workflows.authorities.models import Authority

        if not self.d.parent:
            return None
        parent = db.session.get(Authority, self.d.parent.id)
        return parent.parent_id if parent else None

    # --- links ------------------------------------------------------------------------------------

    def list(self, *extra: dict, **changes) -> str:
        """The list behind a number: the dashboard's scope, with the filters in `extra` dicts (Jinja
        passes one ** per call) and keywords."""
        merged = {}
        for part in extra:
            merged.update(part)
        merged.update(changes)
        query = urlencode(ordered(with_changes(self._scope_args, **merged)))
        return self._list_base + (f"?{query}" if query else "")

    def here(self, **changes) -> str:
        """This dashboard with other parameters (period, authority, oblast)."""
        args = {k: v for k, v in self.args.items() if v}
        for key, value in changes.items():
            if value in (None, ""):
                args.pop(key, None)
            else:
                args[key] = str(value)
        if "period" in changes:
            args.pop("from", None)
            args.pop("to", None)
        query = urlencode(sorted(args.items()))
        return url_for("dashboard.index") + (f"?{query}" if query else "")

    @property
    def period_args(self) -> dict:
        return {"from": self.d.period.start.isoformat(), "to": self.d.period.end.isoformat()}

    @property
    def lawyer_view(self) -> bool:
        return self.user.role == "lawyer"

    # --- names --------------------------------------------------------------------------------------

    def dimension_title(self, dim: str) -> str:
        return str(DIMENSION_TITLES[dim])

    def key_name(self, dim: str, key) -> str:
        if dim in ("severity", "category"):
            return label(dim, key)
        if dim == "lawyer" and key is None:
            return gettext("Nobody yet")
        return self.names.get(dim, {}).get(key, str(key))

    def key_filter(self, dim: str, key) -> dict:
        if dim == "lawyer":
            return {"lawyer_id": key if key is not None else 0}
        return {DIMENSION_FIELDS[dim]: key}

    def bucket_label(self, bucket: str) -> str:
        low, _sep, high = bucket.partition("-")
        if not high:
            return gettext("more than %(days)s days", days=int(low) - 1)
        return gettext("%(low)s–%(high)s days", low=low, high=high)

    def limitation_label(self, bucket: str) -> str:
        if bucket == "expired":
            return gettext("expired")
        low, _sep, high = bucket.partition("-")
        if not high:
            return gettext("more than %(days)s days", days=int(low) - 1)
        return gettext("%(low)s–%(high)s days", low=low, high=high)

    # --- charts -------------------------------------------------------------------------------------

    def buckets_chart(self):
        bars = [
            Bar(
                self.bucket_label(b),
                [Segment(n, f"bucket-{i}", self.list(overdue_days=b), f"{self.bucket_label(b)}: {n}")],
            )
            for i, (b, n) in enumerate(self.d.buckets.items())
        ]
        summary = (
            gettext("Overdue recommendations by days past the deadline")
            + ": "
            + ", ".join(f"{b.label} {number(b.total)}" for b in bars)
        )
        return columns(bars, summary, height=170)

    def status_chart(self):
        bars = []
        for c in self.d.by_status:
            name = label("status", c.key)
            bars.append(
                Bar(
                    name,
                    [
                        Segment(
                            c.overdue,
                            "overdue",
                            self.list(status=c.key, overdue=True),
                            f"{name}: {gettext('overdue')} {c.overdue}",
                        ),
                        Segment(c.open - c.overdue, "open", self.list(status=c.key), f"{name}: {c.open}"),
                    ],
                    note=number(c.open),
                )
            )
        return hbars(
            bars,
            gettext("Open recommendations by status") + ": " + ", ".join(f"{b.label} {b.note}" for b in bars),
        )

    def dimension_chart(self, dim: str, limit: int = 12):
        bars = []
        for c in self.d.by_dimension.get(dim, [])[:limit]:
            name = self.key_name(dim, c.key)
            f = self.key_filter(dim, c.key)
            bars.append(
                Bar(
                    name,
                    [
                        Segment(
                            c.overdue,
                            "overdue",
                            self.list(overdue=True, **f),
                            f"{name}: {gettext('overdue')} {c.overdue}",
                        ),
                        Segment(
                            c.open - c.overdue,
                            "open",
                            self.list(open=True, **f),
                            f"{name}: {gettext('open')} {c.open}",
                        ),
                    ],
                    note=number(c.open),
                )
            )
        return hbars(bars, self.dimension_title(dim) + ": " + ", ".join(f"{b.label} {b.note}" for b in bars))

    def trend_chart(self):
        bars = []
        for t in self.d.trend:
            rate = t.rate
            bars.append(
                Bar(
                    slice_label(t.slice),
                    [
                        Segment(
                            (rate or 0) * 100,
                            "rate",
                            self.list(status="implemented", closed_from=t.slice.start, closed_to=t.slice.end),
                            f"{slice_label(t.slice)}: {percent(rate)}",
                        )
                    ],
                    note=percent(rate),
                )
            )
        summary = (
            gettext("Implementation rate by period") + ": " + ", ".join(f"{b.label} {b.note}" for b in bars)
        )
        return columns(bars, summary, height=190, width=860, maximum=100)

    def protocols_chart(self):
        bars = [
            Bar(
                self.limitation_label(b),
                [
                    Segment(
                        n, "limitation-" + str(i), self.list(limitation=b), f"{self.limitation_label(b)}: {n}"
                    )
                ],
            )
            for i, (b, n) in enumerate(self.d.protocols.buckets.items())
        ]
        summary = (
            gettext("Protocols pending in court by days left of the limitation period")
            + ": "
            + ", ".join(f"{b.label} {number(b.total)}" for b in bars)
        )
        return columns(bars, summary, height=150)

    def authority_name(self, row) -> str:
        return row.name(self.language)


class HeatmapView(PeriodView):
    def __init__(self, heat, args) -> None:
        self.heat = heat
        self.args = args
        self.period = heat.period

    def list(self, element_id: str) -> str:
        return list_url(figures.queries.RecommendationFilters(step=element_id))

    def hours(self, value: float | None) -> str:
        """A wait in the unit a person reads: hours under two days, else days."""
        if value is None:
            return "—"
        if value < 48:
            return ngettext("%(num)d hour", "%(num)d hours", round(value))
        return days(value / 24)

    def data(self) -> dict:
        """What the diagram paints per element: a colour level (0–5) for each of the two measures, and
        the badge's words; the browser computes nothing."""
        top_waiting, top_median = self.heat.max_waiting, self.heat.max_median

        def level(value, top) -> int:
            return 0 if not value or not top else max(1, min(5, -(-5 * value // top)))

        out = {}
        for e in self.heat.elements.values():
            out[e.element_id] = {
                "waiting": e.waiting,
                "levels": {
                    "waiting": level(e.waiting, top_waiting),
                    "median": level(e.median_hours or 0, top_median),
                },
                "badge": {
                    "waiting": ngettext("%(num)d waiting", "%(num)d waiting", e.waiting) if e.waiting else "",
                    "median": gettext("median %(time)s", time=self.hours(e.median_hours)) if e.n else "",
                },
                "url": self.list(e.element_id) if e.waiting else None,
            }
        return out


HELPERS = {
    "number": number,
    "days": days,
    "percent": percent,
    "slice_label": slice_label,
    "preset_label": preset_label,
    "period_text": period_text,
}
