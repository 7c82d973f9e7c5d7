"""The reference data every page, notice and API client needs, read once per worker.

Regions and kinds of places are a few dozen rows an admin rarely edits; a notice or a list used to
select them again on every use (six of the statements of the step that sends an act). Each worker
keeps them for `TTL` seconds: an edit shows everywhere within that time, without a cross-worker
signal. Regions also carry their ISO 3166-2:UA code, which API clients may send instead of ours.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa

from engine.db import db

from .models import FacilityKind, Region

TTL = 60.0

# ISO 3166-2:UA subdivision codes of the regions the seed creates (the codes are the standard's).
ISO_3166_2 = {
    "crimea": "UA-43",
    "vinnytsia": "UA-05",
    "volyn": "UA-07",
    "dnipropetrovsk": "UA-12",
    "donetsk": "UA-14",
    "zhytomyr": "UA-18",
    "zakarpattia": "UA-21",
    "zaporizhzhia": "UA-23",
    "ivano_frankivsk": "UA-26",
    "kyiv_oblast": "UA-32",
    "kirovohrad": "UA-35",
    "luhansk": "UA-09",
    "lviv": "UA-46",
    "mykolaiv": "UA-48",
    "odesa": "UA-51",
    "poltava": "UA-53",
    "rivne": "UA-56",
    "sumy": "UA-59",
    "ternopil": "UA-61",
    "kharkiv": "UA-63",
    "kherson": "UA-65",
    "khmelnytskyi": "UA-68",
    "cherkasy": "UA-71",
    "chernivtsi": "UA-77",
    "chernihiv": "UA-74",
    "kyiv_city": "UA-30",
    "sevastopol": "UA-40",
}


@dataclass(frozen=True)
class Entry:
    code: str
    name_uk: str
    name_en: str
    iso: str | None = None

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_uk


_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, Entry]]] = {}


def _load(kind: str) -> dict[str, Entry]:
    model = Region if kind == "region" else FacilityKind
    rows = db.session.execute(
        sa.select(model.code, model.name_uk, model.name_en).order_by(model.sort, model.code)
    ).all()
    return {
        r.code: Entry(r.code, r.name_uk, r.name_en, ISO_3166_2.get(r.code) if kind == "region" else None)
        for r in rows
    }


def _entries(kind: str) -> dict[str, Entry]:
    now = time.monotonic()
    cached = _cache.get(kind)
    if cached is not None and now - cached[0] < TTL:
        return cached[1]
    entries = _load(kind)
    with _lock:
        _cache[kind] = (now, entries)
    return entries


def forget() -> None:
    """Drop the cache (after an admin edits the reference data in this worker, and in tests)."""
    with _lock:
        _cache.clear()


def regions() -> list[Entry]:
    return list(_entries("region").values())


def facility_kinds() -> list[Entry]:
    return list(_entries("facility_kind").values())


def region(code: str | None) -> Entry | None:
    return _entries("region").get(code) if code else None


def facility_kind(code: str | None) -> Entry | None:
    return _entries("facility_kind").get(code) if code else None


def region_code(value: str | None) -> str | None:
    """Our code for a region given by our code or by its ISO 3166-2:UA code (`UA-46` → `lviv`);
    anything else is returned as it is, for the caller's own validation to refuse."""
    if not value:
        return value
    upper = value.strip().upper()
    if upper.startswith("UA-"):
        for code, iso in ISO_3166_2.items():
            if iso == upper:
                return code
    return value
