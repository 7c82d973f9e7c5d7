"""The map: a tile-grid cartogram of Ukraine's 27 regions, drawn by the server as SVG (no tile server,
no external data). Each region is one equal tile placed roughly where it lies, coloured by coverage
or by risk, and links to its places."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from workflows.planning.coverage import Coverage

# (column, row) of each region's tile: north-west to south-east as on the map of Ukraine.
TILES = {
    "volyn": (1, 0),
    "rivne": (2, 0),
    "zhytomyr": (3, 0),
    "kyiv_oblast": (4, 0),
    "chernihiv": (5, 0),
    "sumy": (6, 0),
    "lviv": (0, 1),
    "ternopil": (1, 1),
    "khmelnytskyi": (2, 1),
    "vinnytsia": (3, 1),
    "kyiv_city": (4, 1),
    "poltava": (5, 1),
    "kharkiv": (6, 1),
    "luhansk": (7, 1),
    "zakarpattia": (0, 2),
    "ivano_frankivsk": (1, 2),
    "chernivtsi": (2, 2),
    "cherkasy": (3, 2),
    "kirovohrad": (4, 2),
    "dnipropetrovsk": (5, 2),
    "donetsk": (6, 2),
    "odesa": (3, 3),
    "mykolaiv": (4, 3),
    "kherson": (5, 3),
    "zaporizhzhia": (6, 3),
    "crimea": (5, 4),
    "sevastopol": (6, 4),
}
TILE_W, TILE_H, GAP = 132, 92, 8
COLUMNS, ROWS = 8, 5
WIDTH, HEIGHT = COLUMNS * (TILE_W + GAP) + GAP, ROWS * (TILE_H + GAP) + GAP

# Sequential scales, from "needs attention" to "fine" (coverage) and from low to high risk.
COVERAGE_SCALE = [(0, "#b2182b"), (20, "#e66a4d"), (40, "#f4b183"), (60, "#a6d96a"), (80, "#1a9641")]
RISK_SCALE = [(0, "#fee5d9"), (15, "#fcae91"), (30, "#fb6a4a"), (45, "#de2d26"), (60, "#a50f15")]
EMPTY = "#d8dce3"
DARK = {"#b2182b", "#e66a4d", "#1a9641", "#de2d26", "#a50f15", "#fb6a4a"}


@dataclass
class Tile:
    code: str
    name: str
    short: str
    x: int
    y: int
    fill: str
    ink: str
    value: str
    detail: str
    places: int


def short_name(name: str) -> str:
    for prefix in ("місто ", "City of "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    name = name.replace("Автономна Республіка Крим", "АР Крим").replace(
        "Autonomous Republic of Crimea", "Crimea"
    )
    for suffix in (" область", " Oblast"):
        name = name.removesuffix(suffix)
    return name


def _colour(value: float | None, scale) -> str:
    if value is None:
        return EMPTY
    colour = scale[0][1]
    for threshold, fill in scale:
        if value >= threshold:
            colour = fill
    return colour


def tiles(coverage: Coverage, *, by: str, language: str) -> list[Tile]:
    out = []
    for row in coverage.rows:
        if row.code not in TILES:
            continue
        column, line = TILES[row.code]
        if by == "risk":
            value = row.mean_risk
            text = "—" if value is None else f"{value:.0f}"
            detail = _("%(n)d at high risk", n=row.high_risk) if row.places else _no_places(row)
            fill = _colour(value, RISK_SCALE)
        else:
            value = row.percent
            text = "—" if value is None else f"{value} %"
            detail = (
                _("%(visited)d of %(places)d visited", visited=row.visited, places=row.places)
                if row.places
                else _("no places")
            )
            fill = _colour(value, COVERAGE_SCALE)
        out.append(
            Tile(
                code=row.code,
                name=row.name(language),
                short=short_name(row.name(language)),
                x=GAP + column * (TILE_W + GAP),
                y=GAP + line * (TILE_H + GAP),
                fill=fill,
                ink="#ffffff" if fill in DARK else "#1b2230",
                value=text,
                detail=detail,
                places=row.places,
            )
        )
    return out


def _no_places(row) -> str:
    return _("no access: %(n)d", n=row.suspended) if row.suspended else _("no places")


def legend(by: str) -> list[tuple[str, str]]:
    scale = RISK_SCALE if by == "risk" else COVERAGE_SCALE
    unit = "" if by == "risk" else " %"
    items = []
    for i, (threshold, fill) in enumerate(scale):
        upper = scale[i + 1][0] if i + 1 < len(scale) else None
        text = f"{threshold}–{upper}{unit}" if upper is not None else f"≥ {threshold}{unit}"
        items.append((fill, text))
    return items
