"""Reading the registry pages' forms and filters: posted text in, service arguments out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import url_for

from engine.db import db
from workflows.authorities.models import Authority
from workflows.facilities.queries import PlaceFilters

from ..forms import dates, values
from ..labels import named


def place_filters(args) -> PlaceFilters:
    hostilities = {"1": True, "0": False}.get(args.get("hostilities", ""))
    return PlaceFilters(
        q=args.get("q", "").strip()[:200] or None,
        region=args.get("region") or None,
        kind=args.get("kind") or None,
        authority_id=values.integer(args.get("authority")),
        hostilities=hostilities,
        never_visited=args.get("never") == "1",
        page=values.integer(args.get("page")) or 1,
        per_page=values.integer(args.get("per_page")) or 50,
    )


def places_url(f: PlaceFilters, **changes) -> str:
    params = {
        "q": f.q,
        "region": f.region,
        "kind": f.kind,
        "authority": f.authority_id,
        "hostilities": {True: "1", False: "0"}.get(f.hostilities),
        "never": "1" if f.never_visited else None,
        "page": f.page if f.page > 1 else None,
    }
    params.update(changes)
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    return url_for("registries.place_index") + (f"?{query}" if query else "")


def authority_choices() -> list[tuple[int, str]]:
    """Central and regional bodies (whom a place's administration or a body may be under)."""
    rows = db.session.scalars(
        sa.select(Authority).where(
            Authority.active.is_(True), Authority.level.in_(("central_body", "regional_body"))
        )
    ).all()
    return sorted(((a.id, named(a)) for a in rows), key=lambda item: item[1].casefold())


def place_authority_choices(facility) -> list[tuple[int, str]]:
    """Whom a place may answer to: central and regional bodies, administrations that run no place yet
    (just added), and the place's own authority."""
    from workflows.facilities.models import Facility

    running = sa.select(Facility.authority_id).where(Facility.active.is_(True))
    query = sa.select(Authority).where(
        Authority.active.is_(True),
        sa.or_(Authority.level.in_(("central_body", "regional_body")), Authority.id.not_in(running)),
    )
    if facility is not None:
        query = sa.select(Authority).where(sa.or_(query.whereclause, Authority.id == facility.authority_id))
    rows = db.session.scalars(query).all()
    return sorted(((a.id, named(a)) for a in rows), key=lambda item: item[1].casefold())


# --- places ---------------------------------------------------------------------------------------

PLACE_FIELDS = (
    "code",
    "name_uk",
    "name_en",
    "kind",
    "region",
    "district",
    "address",
    "authority_id",
    "capacity",
    "access_note",
)


def place_values(form, facility) -> dict[str, Any]:
    if facility is not None and not form:
        return {
            "code": facility.code or "",
            "name_uk": facility.name_uk,
            "name_en": facility.name_en,
            "kind": facility.kind_code,
            "region": facility.region_code,
            "district": facility.district,
            "address": facility.address,
            "authority_id": str(facility.authority_id),
            "capacity": "" if facility.capacity is None else str(facility.capacity),
            "access_note": facility.access_note,
            "in_hostilities_area": facility.in_hostilities_area,
            "access_suspended": facility.access_suspended,
        }
    out = {name: (form.get(name) or "").strip() for name in PLACE_FIELDS}
    out["in_hostilities_area"] = values.flag(form, "in_hostilities_area")
    out["access_suspended"] = values.flag(form, "access_suspended")
    return out


def _capacity(text: str) -> int | None:
    if not text:
        return None
    parsed = values.integer(text)
    return parsed if parsed is not None else -1  # the service says "a whole number from 0 to 100000"


def place_create_input(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "name_uk": v["name_uk"],
        "name_en": v["name_en"],
        "kind": v["kind"],
        "region": v["region"],
        "authority_id": values.integer(v["authority_id"]) or 0,
        "address": v["address"],
        "district": v["district"],
        "capacity": _capacity(v["capacity"]),
        "code": v["code"] or None,
        "in_hostilities_area": v["in_hostilities_area"],
        "access_suspended": v["access_suspended"],
        "access_note": v["access_note"],
    }


def place_update_input(v: dict[str, Any]) -> dict[str, Any]:
    data = place_create_input(v)
    data["kind_code"] = data.pop("kind")
    data["region_code"] = data.pop("region")
    return data


def signal_values(form) -> dict[str, Any]:
    return {name: (form.get(name) or "").strip() for name in ("kind", "received_on", "summary", "source")}


def signal_input(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": v["kind"],
        "received_on": dates.parse(v["received_on"]),
        "summary": v["summary"],
        "source": v["source"],
    }


# --- authorities ----------------------------------------------------------------------------------


def authority_values(form) -> dict[str, Any]:
    return {
        name: (form.get(name) or "").strip()
        for name in ("code", "name_uk", "name_en", "level", "parent_id", "emails", "language")
    }


def authority_input(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": v["code"],
        "name_uk": v["name_uk"],
        "name_en": v["name_en"],
        "level": v["level"],
        "parent_id": values.integer(v["parent_id"]),
        "emails": [e for e in v["emails"].replace(",", " ").split() if e],
        "language": v["language"] or "uk",
    }


def authority_edit_values(form, authority) -> dict[str, Any]:
    if not form:
        return {
            "name_uk": authority.name_uk,
            "name_en": authority.name_en,
            "emails": ", ".join(authority.emails or []),
            "language": authority.language,
        }
    return {name: (form.get(name) or "").strip() for name in ("name_uk", "name_en", "emails", "language")}


def authority_edit_input(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "name_uk": v["name_uk"],
        "name_en": v["name_en"],
        "emails": [e for e in v["emails"].replace(",", " ").split() if e],
        "language": v["language"] or None,
    }


# --- people ---------------------------------------------------------------------------------------


def pool_filters(args) -> dict[str, Any]:
    return {
        "kind": args.get("kind") or None,
        "region": args.get("region") or None,
        "expertise": args.get("expertise") or None,
        "q": args.get("q", "").strip()[:200] or None,
    }


def person_values(form, monitor) -> dict[str, Any]:
    if monitor is not None and not form:
        return {
            "name": monitor.name,
            "kind": monitor.kind,
            "region": monitor.region_code,
            "user_id": str(monitor.user_id or ""),
            "email": monitor.email,
            "phone": monitor.phone,
            "expertise": list(monitor.expertise_codes),
            "note": monitor.note,
            "active": monitor.active,
        }
    if not form:
        return {"kind": "civil_society", "expertise": [], "active": True}
    out = {
        name: (form.get(name) or "").strip()
        for name in ("name", "kind", "region", "user_id", "email", "phone", "note")
    }
    out["expertise"] = form.getlist("expertise")
    out["active"] = values.flag(form, "active") if "active_present" in form else True
    return out


def person_input(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": v.get("name", ""),
        "kind": v.get("kind", ""),
        "region": v.get("region", ""),
        "user_id": values.integer(v.get("user_id")),
        "email": v.get("email", ""),
        "phone": v.get("phone", ""),
        "expertise": list(v.get("expertise", [])),
        "note": v.get("note", ""),
    }
