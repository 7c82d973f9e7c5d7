"""Words and charts of the transparency page, from the prepared figures (no query here)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..dashboards.charts import Bar, Segment, hbars
from ..dashboards.view import number, percent


def name(obj: dict, lang: str) -> str:
    return (obj.get("name_en") or obj.get("name_uk", "")) if lang == "en" else obj.get("name_uk", "")


def replied_chart(rows: list[dict], lang: str, limit: int = 30):
    """Per row: replies in term, late, none (the deadline passed), and still within the term."""
    bars = []
    for r in rows[:limit]:
        label = name(r, lang)
        bars.append(
            Bar(
                label,
                [
                    Segment(r["in_term"], "in-term", None, f"{label}: {_('in term')} {r['in_term']}"),
                    Segment(r["late"], "late", None, f"{label}: {_('late')} {r['late']}"),
                    Segment(r["no_reply"], "no-reply", None, f"{label}: {_('no reply')} {r['no_reply']}"),
                    Segment(
                        r["pending"], "pending", None, f"{label}: {_('term still running')} {r['pending']}"
                    ),
                ],
                note=number(r["total"]),
            )
        )
    summary = "; ".join(
        f"{b.label}: {_('in term')} {r['in_term']}, {_('late')} {r['late']}, {_('no reply')} {r['no_reply']}"
        for b, r in zip(bars, rows, strict=False)
    )
    return hbars(bars, summary)


def rate(row: dict) -> str:
    finished = row["total"] - row["open"]
    return percent(row["implemented"] / finished) if finished else "—"
