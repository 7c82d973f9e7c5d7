"""The transparency page (/public), no sign-in, Ukrainian (default) or English (?lang=en): figures of
the NPM's recommendations and the ones management published, each at a permanent address; and the
open data (/public/data/v1/…) with a documented, versioned schema (docs/REPORTS.md).

Every response is built from the prepared rows of `public_snapshot` (one primary-key read) and carries
HTTP caching headers and an ETag, so neither visitors nor crawlers can make the page a load on the
database.
"""

from __future__ import annotations

import csv
import io
from math import ceil

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from workflows.publication import opendata, snapshot

from ..exports import safe_text
from . import view

bp = Blueprint("public", __name__)

LANGUAGES = ("uk", "en")
MAX_AGE = 300
PER_PAGE = 20
# Bumped when the pages' markup changes, so that a cached page is not served after an upgrade.
RENDER_VERSION = "1"


def language() -> str:
    return request.args.get("lang") if request.args.get("lang") in LANGUAGES else "uk"


def _cached(response: Response, etag: str, generated_at) -> Response:
    response.set_etag(f"{etag}-{RENDER_VERSION}-{language()}-{request.args.get('page', '1')}")
    response.last_modified = generated_at
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)


def _page(template: str, parts: list, **context) -> Response:
    etag = "-".join(p.etag[:12] for p in parts)
    newest = max(p.generated_at for p in parts)
    if request.if_none_match and request.if_none_match.contains_weak(
        f"{etag}-{RENDER_VERSION}-{language()}-{request.args.get('page', '1')}"
    ):
        return _cached(Response(status=304), etag, newest)
    body = render_template(
        template,
        lang=language(),
        generated_at=newest,
        name=view.name,
        number=view.number,
        rate=view.rate,
        replied_chart=view.replied_chart,
        **context,
    )
    return _cached(Response(body, mimetype="text/html"), etag, newest)


@bp.route("/public")
def index():
    figures = snapshot.ensure(snapshot.FIGURES)
    published = snapshot.ensure(snapshot.PUBLISHED)
    items = published.content["items"]
    pages = max(ceil(len(items) / PER_PAGE), 1)
    page = request.args.get("page", "1")
    page = min(max(int(page), 1), pages) if page.isdigit() and len(page) < 6 else 1
    return _page(
        "public/index.html",
        [figures, published],
        figures=figures.content,
        items=items[(page - 1) * PER_PAGE : page * PER_PAGE],
        total_published=len(items),
        page=page,
        pages=pages,
        hostilities=current_app.config.get("OMBUDSFLOW_PUBLIC_HOSTILITIES", "region"),
    )


@bp.route("/public/recommendations/<int:recommendation_id>")
def recommendation(recommendation_id: int):
    published = snapshot.ensure(snapshot.PUBLISHED)
    item = next((i for i in published.content["items"] if i["id"] == recommendation_id), None)
    if item is None:
        abort(404)
    return _page("public/recommendation.html", [published], item=item)


@bp.route("/public/data/v1/recommendations.json")
def data_json():
    published = snapshot.ensure(snapshot.PUBLISHED)
    body = opendata.recommendations_document(published.content, url_for("public.index", _external=True))
    return _cached(jsonify(body), published.etag, published.generated_at)


@bp.route("/public/data/v1/recommendations.csv")
def data_csv():
    published = snapshot.ensure(snapshot.PUBLISHED)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(opendata.CSV_COLUMNS)
    base = url_for("public.index", _external=True)
    for item in published.content["items"]:
        writer.writerow([safe_text(v) if isinstance(v, str) else v for v in opendata.csv_row(item, base)])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="npm-recommendations-v1.csv"'
    return _cached(response, published.etag, published.generated_at)


@bp.route("/public/data/v1/figures.json")
def data_figures():
    figures = snapshot.ensure(snapshot.FIGURES)
    return _cached(jsonify(opendata.figures_document(figures.content)), figures.etag, figures.generated_at)


@bp.route("/public/data/v1/schema.json")
def data_schema():
    response = jsonify(opendata.SCHEMA)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
