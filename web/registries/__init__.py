"""The registries in the pages: places of deprivation of liberty (search, filters, each place's page),
authorities as a tree (admins add, rename and move), the people of the monitoring pool, and the CSV
import with a dry run. Rules live in the services; routes parse, call one service, render."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.db import db
from workflows import access
from workflows.authorities import services as authorities
from workflows.authorities.models import LEVELS, Authority
from workflows.errors import DomainError, Invalid
from workflows.facilities import queries as places
from workflows.facilities import services as facilities
from workflows.facilities.models import SIGNAL_KINDS
from workflows.imports import services as imports
from workflows.monitors import queries as pool
from workflows.monitors import services as monitors
from workflows.monitors.models import EXPERTISE, MONITOR_KINDS
from workflows.planning import queries as planning_queries
from workflows.risk import queries as risk_queries

from .. import registry
from ..auth import allowed
from ..forms import dates
from ..guards import upload
from . import forms

bp = Blueprint("registries", __name__)


def _options():
    return {
        "regions": registry.regions(),
        "kinds": registry.facility_kinds(),
        "authorities": registry.filter_authorities(),
    }


# --- places ---------------------------------------------------------------------------------------


@bp.route("/registry/places")
@allowed(access.REGISTRY_READ)
def place_index():
    filters = forms.place_filters(request.args)
    return render_template(
        "registries/places.html",
        page=places.listing(filters),
        filters=filters,
        options={**_options(), "authorities": registry.filter_authorities(filters.authority_id)},
        url_with=lambda **changes: forms.places_url(filters, **changes),
        page_url=lambda n: forms.places_url(filters, page=n),
        may_edit=access.can(g.user, access.REGISTRY_EDIT),
    )


def _render_place(facility, status=200, **state):
    return render_template(
        "registries/place.html",
        facility=facility,
        row=places.rows_for([facility])[0],
        chain=registry.authority_chain(facility.authority),
        visits=places.visits_of(facility),
        recommendations=places.open_recommendations(facility),
        risk=risk_queries.of_place(facility.id),
        signals=facilities.signals(facility),
        planned=planning_queries.planned_for_place(facility.id),
        conflicts=planning_queries.conflicts_for_place(facility.id),
        signal_kinds=SIGNAL_KINDS,
        may_edit=access.can(g.user, access.REGISTRY_EDIT),
        may_signal=access.can(g.user, access.REGISTRY_SIGNAL),
        signal_values=state.get("signal_values", {}),
        signal_errors=state.get("signal_errors", {}),
    ), status


@bp.route("/registry/places/<int:facility_id>")
@allowed(access.REGISTRY_READ)
def place_show(facility_id: int):
    return _render_place(facilities.get(facility_id))


@bp.route("/registry/places/<int:facility_id>/signals", methods=["POST"])
@allowed(access.REGISTRY_SIGNAL)
def place_signal(facility_id: int):
    facility = facilities.get(facility_id)
    values = forms.signal_values(request.form)
    try:
        facilities.record_signal(facility, **forms.signal_input(values), user=g.user)
        db.session.commit()
        flash(_("The signal has been recorded; the place's risk score is up to date."), "success")
        return redirect(url_for("registries.place_show", facility_id=facility.id) + "#signals")
    except Invalid as exc:
        db.session.rollback()
        return _render_place(facility, 422, signal_values=values, signal_errors=exc.fields)


@bp.route("/registry/places/new", methods=["GET", "POST"])
@allowed(access.REGISTRY_EDIT)
def place_new():
    values = forms.place_values(request.form if request.method == "POST" else request.args, None)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            facility = facilities.create(**forms.place_create_input(values), actor=g.user.actor)
            from workflows.risk.services import refresh_places

            refresh_places([facility.id])
            db.session.commit()
            flash(_("The place has been added to the registry."), "success")
            return redirect(url_for("registries.place_show", facility_id=facility.id))
        except Invalid as exc:
            db.session.rollback()
            errors = exc.fields
    return render_template(
        "registries/place_form.html",
        facility=None,
        values=values,
        errors=errors,
        options=_place_options(None),
    ), (422 if errors else 200)


@bp.route("/registry/places/<int:facility_id>/edit", methods=["GET", "POST"])
@allowed(access.REGISTRY_EDIT)
def place_edit(facility_id: int):
    facility = facilities.get(facility_id)
    values = forms.place_values(request.form if request.method == "POST" else {}, facility)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            facilities.update(facility, actor=g.user.actor, **forms.place_update_input(values))
            db.session.commit()
            flash(_("The place has been saved."), "success")
            return redirect(url_for("registries.place_show", facility_id=facility.id))
        except Invalid as exc:
            db.session.rollback()
            errors = exc.fields
    return render_template(
        "registries/place_form.html",
        facility=facility,
        values=values,
        errors=errors,
        options=_place_options(facility),
    ), (422 if errors else 200)


def _place_options(facility):
    return {**_options(), "place_authorities": forms.place_authority_choices(facility)}


# --- authorities ----------------------------------------------------------------------------------


def _render_authorities(status=200, **state):
    q = request.args.get("q", "").strip()
    return render_template(
        "registries/authorities.html",
        roots=authorities.tree(q=q or None),
        q=q,
        levels=LEVELS,
        parents=forms.authority_choices(),
        may_edit=access.can(g.user, access.REGISTRY_EDIT),
        values=state.get("values", {}),
        errors=state.get("errors", {}),
    ), status


@bp.route("/registry/authorities")
@allowed(access.REGISTRY_READ)
def authority_index():
    return _render_authorities()


@bp.route("/registry/authorities", methods=["POST"])
@allowed(access.REGISTRY_EDIT)
def authority_create():
    values = forms.authority_values(request.form)
    try:
        authority = authorities.create(**forms.authority_input(values), actor=g.user.actor)
        db.session.commit()
        flash(_("%(name)s has been added.", name=authority.name_uk), "success")
        return redirect(url_for("registries.authority_index") + f"#authority-{authority.id}")
    except Invalid as exc:
        db.session.rollback()
        return _render_authorities(422, values=values, errors=exc.fields)


def _render_authority(authority, status=200, **state):
    return render_template(
        "registries/authority.html",
        authority=authority,
        chain=registry.authority_chain(authority),
        parents=[(i, n) for i, n in forms.authority_choices() if i != authority.id],
        subordinates=sorted(
            (a for a in authority_children(authority.id)), key=lambda a: a.name_uk.casefold()
        ),
        values=state.get("values") or forms.authority_edit_values({}, authority),
        errors=state.get("errors", {}),
        move_errors=state.get("move_errors", {}),
        may_edit=access.can(g.user, access.REGISTRY_EDIT),
    ), status


def authority_children(authority_id: int):
    return db.session.scalars(
        sa.select(Authority).where(Authority.parent_id == authority_id, Authority.active.is_(True))
    ).all()


@bp.route("/registry/authorities/<int:authority_id>")
@allowed(access.REGISTRY_READ)
def authority_show(authority_id: int):
    return _render_authority(authorities.get(authority_id))


@bp.route("/registry/authorities/<int:authority_id>", methods=["POST"])
@allowed(access.REGISTRY_EDIT)
def authority_update(authority_id: int):
    authority = authorities.get(authority_id)
    values = forms.authority_edit_values(request.form, authority)
    try:
        authorities.update(authority, **forms.authority_edit_input(values), actor=g.user.actor)
        db.session.commit()
        flash(_("The authority has been saved."), "success")
        return redirect(url_for("registries.authority_show", authority_id=authority.id))
    except Invalid as exc:
        db.session.rollback()
        return _render_authority(authority, 422, values=values, errors=exc.fields)


@bp.route("/registry/authorities/<int:authority_id>/move", methods=["POST"])
@allowed(access.REGISTRY_EDIT)
def authority_move(authority_id: int):
    authority = authorities.get(authority_id)
    raw = request.form.get("parent_id", "")
    try:
        authorities.move(authority, parent_id=int(raw) if raw.isdigit() else None, actor=g.user.actor)
        db.session.commit()
        flash(_("The authority's superior has been changed."), "success")
        return redirect(url_for("registries.authority_show", authority_id=authority.id))
    except Invalid as exc:
        db.session.rollback()
        return _render_authority(authority, 422, move_errors=exc.fields)


# --- people of the monitoring pool ----------------------------------------------------------------


@bp.route("/registry/people")
@allowed(access.POOL_READ)
def people_index():
    f = forms.pool_filters(request.args)
    return render_template(
        "registries/people.html",
        rows=pool.pool(**f),
        filters=f,
        regions=registry.regions(),
        kinds=MONITOR_KINDS,
        expertise=EXPERTISE,
        required=pool.required_modules(),
        may_edit=access.can(g.user, access.POOL_EDIT),
    )


def _person_form(monitor, values, errors, status=200):
    return render_template(
        "registries/person_form.html",
        monitor=monitor,
        values=values,
        errors=errors,
        regions=registry.regions(),
        kinds=MONITOR_KINDS,
        expertise=EXPERTISE,
        accounts=registry.group_members(),
    ), status


@bp.route("/registry/people/new", methods=["GET", "POST"])
@allowed(access.POOL_EDIT)
def person_new():
    values = forms.person_values(request.form if request.method == "POST" else {}, None)
    if request.method == "POST":
        try:
            monitor = monitors.create(**forms.person_input(values), actor=g.user.actor)
            db.session.commit()
            flash(_("%(name)s has been added to the pool.", name=monitor.name), "success")
            return redirect(url_for("registries.person_show", monitor_id=monitor.id))
        except Invalid as exc:
            db.session.rollback()
            return _person_form(None, values, exc.fields, 422)
    return _person_form(None, values, {})


def _render_person(monitor, status=200, **state):
    return render_template(
        "registries/person.html",
        monitor=monitor,
        status=pool.training_status(monitor),
        trained=monitor.id in pool.trained_ids([monitor.id]),
        modules=pool.all_modules(),
        required=pool.required_modules(),
        planned=planning_queries.planned_for_monitor(monitor.id),
        facilities=registry.facilities(limit=10000),
        facility_names=registry.facility_names(c.facility_id for c in monitor.conflicts),
        may_edit=access.can(g.user, access.POOL_EDIT),
        form=state.get("form"),
        values=state.get("values", {}),
        errors=state.get("errors", {}),
    ), status


@bp.route("/registry/people/<int:monitor_id>")
@allowed(access.POOL_READ)
def person_show(monitor_id: int):
    return _render_person(monitors.get(monitor_id))


@bp.route("/registry/people/<int:monitor_id>/edit", methods=["GET", "POST"])
@allowed(access.POOL_EDIT)
def person_edit(monitor_id: int):
    monitor = monitors.get(monitor_id)
    values = forms.person_values(request.form if request.method == "POST" else {}, monitor)
    if request.method == "POST":
        try:
            monitors.update(
                monitor, **forms.person_input(values), active=values["active"], actor=g.user.actor
            )
            db.session.commit()
            flash(_("The person has been saved."), "success")
            return redirect(url_for("registries.person_show", monitor_id=monitor.id))
        except Invalid as exc:
            db.session.rollback()
            return _person_form(monitor, values, exc.fields, 422)
    return _person_form(monitor, values, {})


PERSON_ACTIONS = {
    "training": lambda m, form, actor: monitors.record_training(
        m,
        module_code=form.get("module_code", ""),
        completed_on=dates.parse(form.get("completed_on")),
        note=form.get("note", ""),
        actor=actor,
    ),
    "absence": lambda m, form, actor: monitors.add_absence(
        m,
        starts_on=dates.parse(form.get("starts_on")),
        ends_on=dates.parse(form.get("ends_on")),
        note=form.get("note", ""),
        actor=actor,
    ),
    "conflict": lambda m, form, actor: monitors.declare_conflict(
        m,
        facility_id=int(form["facility_id"]) if form.get("facility_id", "").isdigit() else 0,
        note=form.get("note", ""),
        actor=actor,
    ),
}
PERSON_DONE = {
    "training": _l("The training module has been recorded."),
    "absence": _l("The absence has been recorded."),
    "conflict": _l("The conflict of interest has been recorded."),
}


@bp.route("/registry/people/<int:monitor_id>/<any(training, absence, conflict):action>", methods=["POST"])
@allowed(access.POOL_EDIT)
def person_record(monitor_id: int, action: str):
    monitor = monitors.get(monitor_id)
    try:
        PERSON_ACTIONS[action](monitor, request.form, g.user.actor)
        db.session.commit()
        flash(str(PERSON_DONE[action]), "success")
        return redirect(url_for("registries.person_show", monitor_id=monitor.id) + f"#{action}")
    except Invalid as exc:
        db.session.rollback()
        return _render_person(monitor, 422, form=action, values=request.form, errors=exc.fields)


@bp.route(
    "/registry/people/<int:monitor_id>/<any(absence, conflict):action>/<int:item_id>/delete", methods=["POST"]
)
@allowed(access.POOL_EDIT)
def person_remove(monitor_id: int, action: str, item_id: int):
    monitor = monitors.get(monitor_id)
    try:
        if action == "absence":
            monitors.remove_absence(monitor, item_id, actor=g.user.actor)
        else:
            monitors.withdraw_conflict(monitor, item_id, actor=g.user.actor)
        db.session.commit()
        flash(_("Removed."), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("registries.person_show", monitor_id=monitor.id) + f"#{action}")


# --- CSV import -----------------------------------------------------------------------------------


@bp.route("/registry/import", methods=["GET", "POST"])
@allowed(access.REGISTRY_EDIT)
@upload
def import_page():
    kind = request.values.get("kind", "places")
    report = None
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        dry_run = request.form.get("action") != "import"
        upload = request.files.get("file")
        text = ""
        if upload is not None and upload.filename:
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                errors = {"file": [_("Save the file as CSV in UTF-8.")]}
        if not text and not errors:
            errors = {"file": [_("Choose a CSV file.")]}
        if not errors:
            try:
                report = imports.run(kind, text, dry_run=dry_run, actor=g.user.actor)
                if dry_run:
                    db.session.rollback()
                else:
                    db.session.commit()
                    flash(_("The file has been imported."), "success")
            except imports.ImportRejected as exc:
                db.session.rollback()
                report, status = exc.report, 422
            except Invalid as exc:
                db.session.rollback()
                errors, status = exc.fields, 422
        else:
            status = 422
    return render_template(
        "registries/import.html",
        kind=kind,
        report=report,
        errors=errors,
        place_columns=imports.PLACE_COLUMNS,
        authority_columns=imports.AUTHORITY_COLUMNS,
    ), status


@bp.route("/registry/import/<any(places, authorities):kind>.csv")
@allowed(access.REGISTRY_EDIT)
def import_template(kind: str):
    return Response(
        imports.template(kind),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={kind}-template.csv"},
    )


@bp.app_template_global()
def risk_badge_class(level: str | None) -> str:
    return f"risk risk--{level}" if level else "risk"
