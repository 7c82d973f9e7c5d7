"""Charts drawn on the server as SVG: no script, nothing to load, printable, and each bar a link to
the list behind it. Every chart stands beside a table of the same numbers (for screen readers, and
for whoever wants the figures), so the SVG itself is decoration with a summary as its label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 300
WIDTH = 640


@dataclass(frozen=True)
class Segment:
    value: int | float
    kind: str  # css class suffix: overdue, open, done, rate, …
    url: str | None = None
    title: str = ""


@dataclass
class Bar:
    label: str
    segments: list[Segment] = field(default_factory=list)
    note: str = ""  # text after the bar (e.g. the total)

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _rect(x: float, y: float, w: float, h: float, seg: Segment) -> str:
    rect = (
        f'<rect class="chart__bar chart__bar--{escape(seg.kind)}" x="{x:.1f}" y="{y:.1f}" '
        f'width="{max(w, 0):.1f}" height="{h:.1f}" rx="2"><title>{escape(seg.title)}</title></rect>'
    )
    if seg.url and seg.value:
        return f'<a href="{escape(seg.url)}" aria-label="{escape(seg.title)}">{rect}</a>'
    return rect


def hbars(bars: list[Bar], summary: str, *, maximum: float | None = None, width: int = WIDTH) -> Markup:
    """Horizontal bars, one row each, segments stacked left to right."""
    if not bars:
        return Markup("")
    top = maximum or max((b.total for b in bars), default=0) or 1
    label_width = min(LABEL_WIDTH, int(width * 0.45))
    plot = width - label_width - 70
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(summary)}" preserveAspectRatio="xMinYMin meet">'
    ]
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        label = bar.label if len(bar.label) <= 30 else bar.label[:29] + "…"
        parts.append(
            f'<text class="chart__label" x="{label_width - 8}" y="{y + BAR_HEIGHT / 2 + 4:.1f}" '
            f'text-anchor="end"><title>{escape(bar.label)}</title>{escape(label)}</text>'
        )
        x = float(label_width)
        for seg in bar.segments:
            w = plot * seg.value / top
            parts.append(_rect(x, y, w, BAR_HEIGHT, seg))
            x += w
        parts.append(
            f'<text class="chart__value" x="{x + 6:.1f}" y="{y + BAR_HEIGHT / 2 + 4:.1f}">'
            f"{escape(bar.note or _fmt(bar.total))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(bars: list[Bar], summary: str, *, height: int = 180, width: int = WIDTH, maximum=None) -> Markup:
    """Vertical columns with their labels underneath (buckets, months)."""
    if not bars:
        return Markup("")
    top = maximum or max((b.total for b in bars), default=0) or 1
    plot_h = height - 44
    slot = width / len(bars)
    col_w = min(slot * 0.6, 90)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(summary)}" preserveAspectRatio="xMinYMin meet">',
        f'<line class="chart__axis" x1="0" y1="{plot_h + 16}" x2="{width}" y2="{plot_h + 16}"/>',
    ]
    for i, bar in enumerate(bars):
        x = i * slot + (slot - col_w) / 2
        y = plot_h + 16.0
        for seg in bar.segments:
            h = plot_h * seg.value / top
            y -= h
            parts.append(_rect(x, y, col_w, h, seg))
        parts.append(
            f'<text class="chart__value" x="{x + col_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
            f"{escape(bar.note or _fmt(bar.total))}</text>"
        )
        parts.append(
            f'<text class="chart__label" x="{x + col_w / 2:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{escape(bar.label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
