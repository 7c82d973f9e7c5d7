"""Reference data: the codes other fields take (regions, kinds of places, categories, severities,
statuses, roles), each with its name in Ukrainian and in English, so that a client can build a
form or a facility without reading the source. Regions also give their ISO 3166-2:UA code, which
every region field of the API accepts in place of ours."""

from __future__ import annotations

from flask_babel import force_locale
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from workflows.recommendations.models import STATUSES
from workflows.reference import catalog
from workflows.users.models import ROLES
from workflows.visits.models import FINDING_CATEGORIES, SEVERITIES

from ..labels import TABLES

blp = Blueprint(
    "reference", __name__, url_prefix="/api/v1", description="Reference data: codes and their names"
)


class CodeOut(Schema):
    code = fields.String(metadata={"description": "what API fields take and return"})
    name_uk = fields.String()
    name_en = fields.String()


class RegionOut(CodeOut):
    iso_3166_2 = fields.String(
        allow_none=True, metadata={"description": "ISO 3166-2:UA code (accepted wherever `code` is)"}
    )


def _labelled(table: str, codes) -> list[dict]:
    labels = TABLES[table]
    with force_locale("uk"):
        uk = {code: str(labels.get(code, code)) for code in codes}
    with force_locale("en"):
        en = {code: str(labels.get(code, code)) for code in codes}
    return [{"code": code, "name_uk": uk[code], "name_en": en[code]} for code in codes]


@blp.route("/regions", methods=["GET"])
@blp.response(200, RegionOut(many=True))
def regions():
    """Regions (oblasts, the Autonomous Republic of Crimea, Kyiv and Sevastopol)."""
    return [
        {"code": r.code, "name_uk": r.name_uk, "name_en": r.name_en, "iso_3166_2": r.iso}
        for r in catalog.regions()
    ]


@blp.route("/facility-kinds", methods=["GET"])
@blp.response(200, CodeOut(many=True))
def facility_kinds():
    """Kinds of places of deprivation of liberty (`kind` of a facility)."""
    return [{"code": k.code, "name_uk": k.name_uk, "name_en": k.name_en} for k in catalog.facility_kinds()]


@blp.route("/categories", methods=["GET"])
@blp.response(200, CodeOut(many=True))
def categories():
    """Categories of findings and recommendations."""
    return _labelled("category", FINDING_CATEGORIES)


@blp.route("/severities", methods=["GET"])
@blp.response(200, CodeOut(many=True))
def severities():
    """Severities of findings and recommendations, most severe first."""
    return _labelled("severity", SEVERITIES)


@blp.route("/statuses", methods=["GET"])
@blp.response(200, CodeOut(many=True))
def statuses():
    """Statuses of a recommendation, in the order of its follow-up."""
    return _labelled("status", STATUSES)


@blp.route("/roles", methods=["GET"])
@blp.response(200, CodeOut(many=True))
def roles():
    """Roles of users."""
    return _labelled("role", ROLES)
