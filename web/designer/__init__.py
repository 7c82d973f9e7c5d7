"""The process designer (`/designer`, designers and admins): the deployed bundles and their versions,
drafts edited in the browser (BPMN modeler, DMN editor, form editor, text editor), the checks before
deploy, version diffs, the version marked to start, bulk migration of running instances and test
runs. Routes parse input, call one engine service and render; the editors' scripts talk to the JSON
routes under /designer/api/."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import decisions, deployments, drafts, migration, testruns, versions
from engine import errors as engine_errors
from engine.clock import clock
from engine.db import db
from engine.models import DesignDraft, InstanceMigration, ProcessDefinition
from workflows import access

from ..auth import allowed
from ..files import send_text
from ..forms import jsonschema_form
from ..guards import upload
from ..labels import language
from . import catalog, forms_editor, messages, strings, views
from .params import parse_json_object, parse_moment

bp = Blueprint("designer", __name__, url_prefix="/designer")


def _draft(draft_id: int) -> DesignDraft:
    try:
        return drafts.get(draft_id)
    except engine_errors.NotFound:
        abort(404)


def _page_strings() -> str:
    return strings.as_json()


# --- the list -------------------------------------------------------------------------------------


@bp.route("", methods=["GET"])
@allowed(access.DEPLOY)
def index():
    open_drafts = drafts.open_drafts()
    return render_template(
        "designer/index.html",
        bundles=views.bundles(),
        drafts=open_drafts,
        people=views.people([d.updated_by for d in open_drafts]),
        kind_label=messages.kind_label,
    )


@bp.route("/drafts", methods=["POST"])
@allowed(access.DEPLOY)
def new_draft():
    """A draft of a deployed bundle; `open` names the file to edit first."""
    raw = request.form.get("deployment_id", "")
    if not raw.isdigit():
        abort(400)
    draft = drafts.from_deployment(int(raw), actor=g.user.actor)
    db.session.commit()
    wanted = request.form.get("open", "")
    if wanted in draft.files:
        return redirect(url_for("designer.edit_file", draft_id=draft.id, filename=wanted))
    return redirect(url_for("designer.draft", draft_id=draft.id))


@bp.route("/import", methods=["POST"])
@allowed(access.DEPLOY)
@upload
def import_diagram():
    """A diagram from another tool (Camunda Modeler, Signavio, the OMG reference models…) as a new
    draft: it opens in the modeler, laid out if it has no layout, with what the engine needs."""
    upload = request.files.get("file")
    text = request.form.get("xml", "")
    filename = "imported.bpmn"
    if upload is not None and upload.filename:
        filename = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return _index_error({"file": [_("The file is not UTF-8 text.")]})
    if not text.strip():
        return _index_error({"file": [_("Choose a .bpmn file or paste its XML.")]})
    if deployments.kind_of(filename) != "bpmn":
        filename = filename.rsplit(".", 1)[0] + ".bpmn"
    filename = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)
    try:
        draft = drafts.from_files({filename: text}, actor=g.user.actor, name=filename)
    except drafts.InvalidFile as exc:
        return _index_error({"file": [exc.message]})
    db.session.commit()
    return redirect(url_for("designer.edit_file", draft_id=draft.id, filename=filename))


def _index_error(fields: dict[str, list[str]]):
    db.session.rollback()
    return render_template(
        "designer/index.html",
        bundles=views.bundles(),
        drafts=drafts.open_drafts(),
        people={},
        kind_label=messages.kind_label,
        import_errors=fields,
    ), 422


# --- a draft --------------------------------------------------------------------------------------


def _render_draft(draft: DesignDraft, status: int = 200, **extra):
    check = views.check_view(draft)
    return render_template(
        "designer/draft.html",
        draft=draft,
        files=drafts.file_states(draft),
        removed=drafts.removed_files(draft),
        check=check,
        processes=catalog.process_ids(draft.files),
        runs=views.test_runs(draft),
        kind_label=messages.kind_label,
        now=clock.now(),
        sample=json.dumps(forms_editor.sample_start_data(draft), ensure_ascii=False, indent=2),
        **extra,
    ), status


@bp.route("/drafts/<int:draft_id>", methods=["GET"])
@allowed(access.DEPLOY)
def draft(draft_id: int):
    return _render_draft(_draft(draft_id))


@bp.route("/drafts/<int:draft_id>/deploy", methods=["POST"])
@allowed(access.DEPLOY)
def deploy(draft_id: int):
    """Deploy the whole draft as a new version (errors block; warnings need a note)."""
    draft = _draft(draft_id)
    comment = request.form.get("comment", "").strip()
    note = request.form.get("warnings_note", "").strip()
    fields: dict[str, list[str]] = {}
    if not comment:
        fields["comment"] = [_("Say in a few words what this version changes.")]
    if fields:
        return _render_draft(draft, 422, deploy_errors=fields, values=request.form)
    try:
        result = drafts.deploy(draft, actor=g.user.actor, comment=comment, warnings_note=note or None)
        db.session.commit()
    except deployments.WarningsNotAccepted:
        db.session.rollback()
        fields["warnings_note"] = [_("The checks found warnings: say why they can be accepted.")]
        return _render_draft(draft, 422, deploy_errors=fields, values=request.form)
    except deployments.DeploymentError as exc:
        db.session.rollback()
        return _render_draft(
            draft,
            422,
            deploy_errors={"_form": [_("The checks found errors; nothing was deployed.")]},
            refused=views.findings_of(exc, draft.files),
            values=request.form,
        )
    except engine_errors.Conflict:
        db.session.rollback()
        flash(_("Nothing to deploy: the draft is identical to a deployed version."), "error")
        return redirect(url_for("designer.draft", draft_id=draft.id))
    versions_text = ", ".join(f"{pid} v{v}" for pid, v in sorted(result.versions.items()))
    flash(_("Deployed as a new version: %(versions)s.", versions=versions_text), "success")
    process_id = _landing(result.versions)
    if process_id is None:
        return redirect(url_for("designer.index"))
    return redirect(url_for("designer.version", process_id=process_id, number=result.versions[process_id]))


def _landing(deployed: dict[str, int]) -> str | None:
    """Whose new version a designer sees after deploying a bundle of several processes: the one whose
    diagram changed, else the largest (the one the bundle's tables serve), never merely the first
    by name."""

    def weight(process_id: str) -> tuple[bool, int]:
        number = deployed[process_id]
        spec, subprocesses = deployments.spec_for(
            versions.definition(process_id, number).deployment_id, process_id
        )
        size = len(spec.task_specs) + sum(len(s.task_specs) for s in subprocesses.values())
        return bool(versions.diff(process_id, number).elements), size

    return max(sorted(deployed), key=weight, default=None)


@bp.route("/drafts/<int:draft_id>/discard", methods=["POST"])
@allowed(access.DEPLOY)
def discard(draft_id: int):
    draft = _draft(draft_id)
    try:
        drafts.discard(draft, actor=g.user.actor)
        db.session.commit()
        flash(_("The draft was discarded."), "success")
    except engine_errors.Conflict:
        db.session.rollback()
        flash(_("The draft is no longer open."), "error")
    return redirect(url_for("designer.index"))


@bp.route("/drafts/<int:draft_id>/files", methods=["POST"])
@allowed(access.DEPLOY)
def add_file(draft_id: int):
    """A new file in the draft: a form, a decision table or a text resource, from a starting text."""
    draft = _draft(draft_id)
    name = request.form.get("filename", "").strip()
    kind = request.form.get("kind", "text")
    filename, content = forms_editor.new_file(name, kind)
    try:
        if filename in draft.files:
            raise drafts.InvalidFile(_("The draft already has a file %(name)s.", name=filename))
        drafts.put_file(draft, filename, content, actor=g.user.actor)
        db.session.commit()
    except drafts.InvalidFile as exc:
        db.session.rollback()
        return _render_draft(draft, 422, file_errors={"filename": [exc.message]}, values=request.form)
    return redirect(url_for("designer.edit_file", draft_id=draft.id, filename=filename))


@bp.route("/drafts/<int:draft_id>/files/<path:filename>", methods=["GET"])
@allowed(access.DEPLOY)
def edit_file(draft_id: int, filename: str):
    """The editor for the file's kind: the BPMN modeler, the DMN editor, the form editor, or text."""
    draft = _draft(draft_id)
    if filename not in draft.files:
        abort(404)
    kind = deployments.kind_of(filename)
    common = {
        "draft": draft,
        "filename": filename,
        "dictionary": _page_strings(),
        "read_only": draft.status != "open",
    }
    if kind == "bpmn":
        return render_template("designer/bpmn.html", **common)
    if kind == "dmn":
        tables = [d for d in catalog.decisions(draft.files) if d["file"] == filename]
        return render_template("designer/dmn.html", tables=tables, **common)
    if kind == "form":
        return forms_editor.render(draft, filename, draft.files[filename], common)
    return render_template(
        "designer/text.html", content=draft.files[filename], kind_label=messages.kind_label(kind), **common
    )


@bp.route("/drafts/<int:draft_id>/files/<path:filename>", methods=["POST"])
@allowed(access.DEPLOY)
def save_file(draft_id: int, filename: str):
    """Save a file from the form and text editors (the modelers save through the JSON route)."""
    draft = _draft(draft_id)
    if filename not in draft.files:
        abort(404)
    content = request.form.get("content", "").replace("\r\n", "\n")
    if deployments.kind_of(filename) == "form" and request.form.get("action") == "add_field":
        content, errors = forms_editor.add_field(content, request.form)
        if errors:
            common = {"draft": draft, "filename": filename, "dictionary": _page_strings(), "read_only": False}
            return forms_editor.render(draft, filename, content, common, field_errors=errors, status=422)
    try:
        drafts.put_file(draft, filename, content, actor=g.user.actor)
        db.session.commit()
    except (drafts.InvalidFile, engine_errors.Conflict) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("designer.edit_file", draft_id=draft.id, filename=filename))
    flash(_("Saved in the draft."), "success")
    return redirect(url_for("designer.edit_file", draft_id=draft.id, filename=filename))


# --- JSON for the editors -----------------------------------------------------------------------------


@bp.route("/api/drafts/<int:draft_id>/files/<path:filename>", methods=["GET"])
@allowed(access.DEPLOY)
def api_file(draft_id: int, filename: str):
    draft = _draft(draft_id)
    if filename not in draft.files:
        abort(404)
    return send_text(draft.files[filename], name=filename.rsplit("/", 1)[-1], cache_control="no-store")


@bp.route("/api/drafts/<int:draft_id>/files/<path:filename>", methods=["PUT"])
@allowed(access.DEPLOY)
def api_save_file(draft_id: int, filename: str):
    draft = _draft(draft_id)
    content = request.get_data(as_text=True)
    try:
        drafts.put_file(draft, filename, content, actor=g.user.actor)
        db.session.commit()
    except drafts.InvalidFile as exc:
        db.session.rollback()
        return _json_error(422, "invalid_file", exc.message, {exc.field: [exc.message]})
    except engine_errors.Conflict:
        db.session.rollback()
        return _json_error(409, "conflict", _("The draft is no longer open: it was deployed or discarded."))
    return jsonify({"saved": True, "filename": filename})


def _json_error(status: int, code: str, message: str, fields: dict | None = None):
    return jsonify({"error": {"code": code, "message": message, "fields": fields or {}}}), status


@bp.route("/api/drafts/<int:draft_id>/check", methods=["GET"])
@allowed(access.DEPLOY)
def api_check(draft_id: int):
    return jsonify(views.check_view(_draft(draft_id)))


@bp.route("/api/drafts/<int:draft_id>/catalog", methods=["GET"])
@allowed(access.DEPLOY)
def api_catalog(draft_id: int):
    """What the properties panel offers: the draft's forms and decision tables, the operators."""
    draft = _draft(draft_id)
    return jsonify(
        {
            "forms": catalog.forms(draft.files),
            "decisions": [
                {"id": d["id"], "name": d["name"], "file": d["file"]} for d in catalog.decisions(draft.files)
            ],
            "operators": catalog.operators(draft.files),
        }
    )


@bp.route("/api/operators", methods=["GET"])
@allowed(access.DEPLOY)
def api_operators():
    """The engine's registry of service operators (`engine.services.names()`) with their parameters."""
    return jsonify(catalog.operators())


@bp.route("/api/drafts/<int:draft_id>/decisions/<decision_id>/evaluate", methods=["POST"])
@allowed(access.DEPLOY)
def api_evaluate(draft_id: int, decision_id: str):
    """The "try it" panel: evaluate the draft's table (parsed in memory) for the inputs typed."""
    draft = _draft(draft_id)
    body = request.get_json(silent=True) or {}
    raw = body.get("inputs") or {}
    if not isinstance(raw, dict):
        return _json_error(422, "invalid", _("Some fields need your attention."))
    data = forms_editor.typed_inputs(raw)
    try:
        result = decisions.evaluate(decision_id, data, tables=decisions.parse_tables(draft.files))
    except engine_errors.NotFound:
        return _json_error(404, "not_found", _("The draft has no decision table %(id)s.", id=decision_id))
    except engine_errors.ProcessError as exc:
        return _json_error(
            422, "process_error", _("The table could not be evaluated: %(reason)s", reason=exc.message)
        )
    return jsonify(
        {
            "outputs": result.outputs,
            "rules": [
                {"id": r.id, "row_number": r.row_number, "description": r.description} for r in result.rules
            ],
            "inputs": data,
        }
    )


@bp.route("/forms/preview", methods=["POST"])
@allowed(access.DEPLOY)
def form_preview():
    """The form as the task page draws it (the same code), for the schema being edited."""
    return forms_editor.preview(request.form)


# --- versions -------------------------------------------------------------------------------------


@bp.route("/processes/<process_id>", methods=["GET"])
@allowed(access.DEPLOY)
def process(process_id: str):
    try:
        history = versions.history(process_id)
    except engine_errors.NotFound:
        abort(404)
    recent = migration.migrations(process_id)
    return render_template(
        "designer/process.html",
        process_id=process_id,
        name=history[0].definition.name,
        history=history,
        migrations=recent,
        undoable={m.id: migration.undoable(m) for m in recent},
        versions_by_id={v.definition.id: v.number for v in history},
        people=views.people(
            [v.deployment.created_by for v in history],
            [v.definition.start_marked_by for v in history],
            [m.created_by for m in recent],
        ),
    )


@bp.route("/processes/<process_id>/start-version", methods=["POST"])
@allowed(access.DEPLOY)
def start_version(process_id: str):
    raw = request.form.get("version", "")
    try:
        versions.mark_to_start(process_id, int(raw) if raw.isdigit() else None, actor=g.user.actor)
        db.session.commit()
    except engine_errors.NotFound:
        db.session.rollback()
        abort(404)
    if raw.isdigit():
        flash(
            _("New instances of %(process)s start on version %(version)s.", process=process_id, version=raw),
            "success",
        )
    else:
        flash(_("New instances of %(process)s start on the newest version.", process=process_id), "success")
    return redirect(url_for("designer.process", process_id=process_id))


@bp.route("/processes/<process_id>/versions/<int:number>", methods=["GET"])
@allowed(access.DEPLOY)
def version(process_id: str, number: int):
    """One version: who, when, why, and what changed from the one before (listed and coloured)."""
    try:
        definition = versions.definition(process_id, number)
        change = versions.diff(process_id, number)
    except engine_errors.NotFound:
        abort(404)
    previous = versions.definition(process_id, change.against) if change.against else None
    names = catalog.element_names(versions.files_of(definition.deployment_id))
    if previous is not None:
        names = {**catalog.element_names(versions.files_of(previous.deployment_id)), **names}
    return render_template(
        "designer/version.html",
        process_id=process_id,
        definition=definition,
        deployment=definition.deployment,
        previous=previous,
        change=change,
        names=names,
        bpmn_file=_bpmn_file_of(definition),
        previous_bpmn=_bpmn_file_of(previous) if previous else None,
        people=views.people([definition.deployment.created_by]),
        attribute_label=messages.attribute_label,
        change_label=messages.CHANGE,
        kind_label=messages.kind_label,
        detail_text=messages.detail_text,
    )


def _bpmn_file_of(definition: ProcessDefinition) -> str | None:
    for name, text in versions.files_of(definition.deployment_id).items():
        if deployments.kind_of(name) == "bpmn" and f'id="{definition.process_id}"' in text:
            return name
    return None


@bp.route("/deployments/<int:deployment_id>/files/<path:filename>", methods=["GET"])
@allowed(access.DEPLOY)
def deployment_file(deployment_id: int, filename: str):
    files = versions.files_of(deployment_id)
    if filename not in files:
        abort(404)
    return send_text(files[filename], name=filename.rsplit("/", 1)[-1], cache_control="private, max-age=3600")


# --- migration ------------------------------------------------------------------------------------


@bp.route("/processes/<process_id>/migrate", methods=["GET", "POST"])
@allowed(access.DEPLOY)
def migrate(process_id: str):
    """Preview, dry run, or move the running instances of one version to another."""
    try:
        history = versions.history(process_id)
    except engine_errors.NotFound:
        abort(404)
    numbers = [v.number for v in history]
    values = request.values
    source = _int(values.get("from"), numbers[-1] if len(numbers) == 1 else numbers[1])
    target = _int(values.get("to"), numbers[0])
    batch = _int(values.get("batch"), migration.DEFAULT_BATCH)
    errors: dict[str, list[str]] = {}
    if source not in numbers:
        errors["from"] = [_("Choose a version of this process.")]
    if target not in numbers:
        errors["to"] = [_("Choose a version of this process.")]
    if source == target:
        errors["to"] = [_("Choose a version other than the one the instances run on.")]
    if not 1 <= batch <= 1000:
        errors["batch"] = [_("Between 1 and 1000.")]
    action = request.form.get("action") if request.method == "POST" else None
    plan = result = None
    if action and not errors:
        if action == "preview":
            plan = migration.preview(process_id, source, target)
        elif action in ("dry_run", "migrate"):
            result = migration.run(
                process_id, source, target, actor=g.user.actor, dry_run=action == "dry_run", batch=batch
            )
            if action == "migrate":
                flash(
                    _(
                        "Moved %(moved)s, stayed %(skipped)s, failed %(failed)s.",
                        moved=len(result.moved),
                        skipped=len(result.skipped),
                        failed=len(result.failed),
                    ),
                    "success",
                )
                return redirect(url_for("designer.migration_result", migration_id=result.migration_id))
    instances = (plan.instances if plan else []) + (
        result.moved + result.skipped + result.failed if result else []
    )
    names = {}
    for number in {source, target} & set(numbers):
        names.update(
            catalog.element_names(versions.files_of(versions.definition(process_id, number).deployment_id))
        )
    return render_template(
        "designer/migrate.html",
        process_id=process_id,
        history=history,
        source=source,
        target=target,
        batch=batch,
        errors=errors,
        action=action,
        plan=plan,
        result=result,
        names=names,
        numbers=views.recommendation_numbers(p.business_key for p in instances),
        reason_text=messages.reason_text,
    ), (422 if errors and action else 200)


def _int(raw, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


@bp.route("/migrations/<int:migration_id>", methods=["GET"])
@allowed(access.DEPLOY)
def migration_result(migration_id: int):
    record = db.session.get(InstanceMigration, migration_id)
    if record is None:
        abort(404)
    source = db.session.get(ProcessDefinition, record.from_definition_id)
    target = db.session.get(ProcessDefinition, record.to_definition_id)
    names = {
        **catalog.element_names(versions.files_of(source.deployment_id)),
        **catalog.element_names(versions.files_of(target.deployment_id)),
    }
    return render_template(
        "designer/migration.html",
        record=record,
        source=source,
        target=target,
        names=names,
        undoable=migration.undoable(record),
        numbers=views.recommendation_numbers(i.business_key for i in record.items),
        people=views.people([record.created_by, record.undone_by]),
        reason_text=messages.reason_text,
        outcome_label=messages.OUTCOME,
    )


@bp.route("/migrations/<int:migration_id>/undo", methods=["POST"])
@allowed(access.DEPLOY)
def undo_migration(migration_id: int):
    try:
        result = migration.undo(migration_id, actor=g.user.actor)
    except engine_errors.NotFound:
        abort(404)
    except engine_errors.Conflict:
        db.session.rollback()
        flash(_("This migration cannot be undone any more."), "error")
        return redirect(url_for("designer.migration_result", migration_id=migration_id))
    flash(
        _(
            "Moved back %(restored)s; %(kept)s stay on the new version because something ran on them since.",
            restored=len(result.restored),
            kept=len(result.kept),
        ),
        "success",
    )
    return redirect(url_for("designer.migration_result", migration_id=migration_id))


# --- test runs ------------------------------------------------------------------------------------


@bp.route("/drafts/<int:draft_id>/test-runs", methods=["POST"])
@allowed(access.DEPLOY)
def start_test_run(draft_id: int):
    draft = _draft(draft_id)
    errors: dict[str, list[str]] = {}
    process_id = request.form.get("process_id", "")
    if process_id not in dict(catalog.process_ids(draft.files)):
        errors["process_id"] = [_("Choose a process of the draft.")]
    now = parse_moment(request.form.get("now", ""))
    if now is None:
        errors["now"] = [_("Enter the date and time as 23.11.2026 09:00 (Kyiv time).")]
    data, problem = parse_json_object(request.form.get("data", ""))
    if problem:
        errors["data"] = [problem]
    if errors:
        return _render_draft(draft, 422, run_errors=errors, values=request.form)
    try:
        run = testruns.start(draft, process_id, data=data, now=now, actor=g.user.actor)
        db.session.commit()
    except deployments.DeploymentError as exc:
        db.session.rollback()
        return _render_draft(
            draft,
            422,
            run_errors={"_form": [_("The draft has errors; fix them before a test run.")]},
            refused=views.findings_of(exc, draft.files),
            values=request.form,
        )
    except engine_errors.ProcessError as exc:
        db.session.rollback()
        return _render_draft(
            draft,
            422,
            run_errors={
                "_form": [
                    _(
                        "The process failed at step %(step)s: %(reason)s",
                        step=exc.element_id or "?",
                        reason=exc.message,
                    )
                ]
            },
            values=request.form,
        )
    return redirect(url_for("designer.test_run", run_id=run.id))


def _run(run_id: int):
    try:
        return testruns.get(run_id)
    except engine_errors.NotFound:
        abort(404)


def _render_run(run, status: int = 200, **extra):
    view = testruns.view(run)
    draft = db.session.get(DesignDraft, run.draft_id)
    lang = language()
    task_forms = {}
    for task in view["tasks"]:
        values = (extra.get("task_values") or {}).get(task.id, {})
        errors = (extra.get("task_errors") or {}).get(task.id)
        task_forms[task.id] = jsonschema_form.build(
            testruns.form_of(draft, task.form_ref), values, errors, lang
        )
    names = catalog.element_names(draft.files)
    return render_template(
        "designer/test_run.html",
        run=run,
        draft=draft,
        view=view,
        task_forms=task_forms,
        names=names,
        **extra,
    ), status


@bp.route("/test-runs/<int:run_id>", methods=["GET"])
@allowed(access.DEPLOY)
def test_run(run_id: int):
    return _render_run(_run(run_id))


@bp.route("/test-runs/<int:run_id>/tasks/<task_id>", methods=["POST"])
@allowed(access.DEPLOY)
def test_run_complete(run_id: int, task_id: str):
    run = _run(run_id)
    draft = db.session.get(DesignDraft, run.draft_id)
    view = next((t for t in testruns.view(run)["tasks"] if t.id == task_id), None)
    if view is None:
        flash(_("That task is not ready in this test run any more."), "error")
        return redirect(url_for("designer.test_run", run_id=run.id))
    schema = testruns.form_of(draft, view.form_ref)
    data = jsonschema_form.parse(schema, request.form)
    try:
        testruns.complete(run, task_id, data, actor=g.user.actor)
        db.session.commit()
    except engine_errors.FormInvalid as exc:
        db.session.rollback()
        from workflows.tasks import form_messages

        return _render_run(
            run, 422, task_values={task_id: data}, task_errors={task_id: form_messages(exc.fields)}
        )
    except engine_errors.ProcessError as exc:
        db.session.rollback()
        flash(
            _(
                "The process failed at step %(step)s: %(reason)s",
                step=exc.element_id or "?",
                reason=exc.message,
            ),
            "error",
        )
    return redirect(url_for("designer.test_run", run_id=run.id))


@bp.route("/test-runs/<int:run_id>/clock", methods=["POST"])
@allowed(access.DEPLOY)
def test_run_clock(run_id: int):
    run = _run(run_id)
    to = parse_moment(request.form.get("to", ""))
    if to is None:
        return _render_run(
            run, 422, clock_errors=[_("Enter the date and time as 23.11.2026 09:00 (Kyiv time).")]
        )
    try:
        testruns.move_clock(run, to, actor=g.user.actor)
        db.session.commit()
    except engine_errors.Conflict:
        db.session.rollback()
        return _render_run(run, 422, clock_errors=[_("The test run's clock only moves forward.")])
    except engine_errors.ProcessError as exc:
        db.session.rollback()
        flash(
            _(
                "The process failed at step %(step)s: %(reason)s",
                step=exc.element_id or "?",
                reason=exc.message,
            ),
            "error",
        )
    return redirect(url_for("designer.test_run", run_id=run.id))


@bp.route("/test-runs/<int:run_id>/messages", methods=["POST"])
@allowed(access.DEPLOY)
def test_run_message(run_id: int):
    run = _run(run_id)
    payload, problem = parse_json_object(request.form.get("payload", ""))
    if problem:
        return _render_run(run, 422, message_errors=[problem])
    try:
        testruns.message(run, request.form.get("name", ""), payload, actor=g.user.actor)
        db.session.commit()
    except engine_errors.Conflict:
        db.session.rollback()
        return _render_run(run, 422, message_errors=[_("The test run is not waiting for that message.")])
    except engine_errors.ProcessError as exc:
        db.session.rollback()
        flash(
            _(
                "The process failed at step %(step)s: %(reason)s",
                step=exc.element_id or "?",
                reason=exc.message,
            ),
            "error",
        )
    return redirect(url_for("designer.test_run", run_id=run.id))


def init_app(app) -> None:
    app.register_blueprint(bp)

    @app.template_filter("pretty_json")
    def pretty_json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2, default=str)

    @app.template_filter("compact_json")
    def compact_json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    @app.template_filter("iso_kyiv")
    def iso_kyiv(value: str | None) -> str:
        from ..filters import kyiv_datetime

        if not value:
            return ""
        try:
            return kyiv_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
