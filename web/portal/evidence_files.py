"""Evidence files for the Office's staff and monitors: opening a file of an answer or a finding
(images and PDFs inline, anything else as a download — web/files.py), and a monitor's upload of
photos and documents to a finding, with the flag that keeps material inside the Office."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.db import db
from workflows.access import ATTACH_FINDING_EVIDENCE
from workflows.answers import evidence
from workflows.errors import Invalid

from ..auth import allowed
from ..files import send_stored
from . import bp


@bp.route("/evidence/<int:evidence_id>")
@login_required
def evidence_file(evidence_id: int):
    """A file for a signed-in person the access policy lets open it; 404 for anyone else (guessing
    ids teaches nothing). `?download=1` forces a download even for an image or a PDF."""
    row = db.session.get(evidence.EvidenceFile, evidence_id)
    if row is None or not evidence.may_see(row, user=g.user):
        abort(404)
    return send_stored(row.stored, inline=request.args.get("download") != "1")


@bp.route("/findings/<int:finding_id>/evidence", methods=["POST"])
@allowed(ATTACH_FINDING_EVIDENCE)
def finding_evidence(finding_id: int):
    finding = evidence.finding_for(g.user, finding_id)  # another visit's: as missing, even when empty
    upload = request.files.get("evidence")
    target = url_for("visit.show", visit_id=finding.visit_id) + f"#finding-{finding_id}"
    if upload is None or not upload.filename:
        flash(_("Choose a file to attach."), "error")
        return redirect(target)
    try:
        evidence.attach_to_finding(
            evidence.Upload(upload.filename, upload.stream),
            finding_id=finding_id,
            internal_only=request.form.get("internal_only") == "1",
            user=g.user,
        )
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        flash(" ".join(exc.fields.get(evidence.FIELD, [exc.message])), "error")
        return redirect(target)
    flash(_("The file is attached to the finding."), "success")
    return redirect(target)


@bp.app_template_global()
def finding_files(finding_id: int) -> list[evidence.EvidenceFile]:
    """The files of a finding the signed-in person may open (the visit page lists them)."""
    rows = evidence.of_finding(finding_id)
    return [r for r in rows if evidence.may_see(r, user=g.get("user"))]


@bp.app_template_global()
def recommendation_files(recommendation_id: int) -> list[evidence.EvidenceFile]:
    """The evidence of a recommendation the signed-in person may open (its page lists them)."""
    rows = evidence.of_recommendation(recommendation_id)
    return [r for r in rows if evidence.may_see(r, user=g.get("user"))]


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """A file's size as people read it: 812 B, 14 KB, 2.3 MB (in the page's language)."""
    from workflows.files.store import _size_text

    return _("%(n)d B", n=size) if size < 1024 else _size_text(size)


@bp.app_template_filter("iso_day")
def iso_day(value: str) -> str:
    """A measure's planned date (kept as YYYY-MM-DD) as the pages write dates: 15.02.2027."""
    from workflows.deadlines import as_day

    try:
        return as_day(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return value or ""


@bp.app_template_filter("file_kind")
def file_kind(content_type: str) -> str:
    """PDF, JPEG, DOCX…: the name people know a sniffed type by."""
    from workflows.files import types

    return types.label(content_type)
