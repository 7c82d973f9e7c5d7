"""Evidence files: what an authority attaches to its answer, and a monitor to a finding.

Accepted by what the bytes are (`files.types.sniff`), never by the name or the browser's claim:
PDF, JPEG, PNG, DOCX, ODT, and HEIC/HEIF — the format a phone camera saves (most phones' browsers
convert to JPEG on upload; when one does not, the original is kept and offered as a download,
since browsers do not show HEIC). A name with folders or `..` is refused, not silently changed.
Limits: `OMBUDSFLOW_EVIDENCE_MAX_FILE_MB` per file and `OMBUDSFLOW_EVIDENCE_MAX_ANSWER_MB` for all
files of one answer. Bytes go to the content-addressed store; this module keeps what each file
proves and decides who may open it (`may_see`) and what may ever leave the Office (`outgoing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..access import SEE_EVIDENCE, can
from ..access.scopes import may_see_visit, recommendation_filter
from ..documents.models import DocumentRecommendation
from ..errors import Invalid, NotFound
from ..files import names, store, types
from ..files.models import StoredFile
from ..recommendations.models import Recommendation
from ..users.models import User
from ..visits.models import Finding
from .models import EvidenceFile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ALLOWED = frozenset({types.PDF, types.JPEG, types.PNG, DOCX, ODT, "image/heic", "image/heif"})
FIELD = "evidence"


@dataclass(frozen=True)
class Upload:
    """One file as received: the name the sender gave and a binary stream."""

    filename: str
    stream: BinaryIO | bytes


def max_file_bytes() -> int:
    return int(current_app.config.get("OMBUDSFLOW_EVIDENCE_MAX_FILE_MB", 20)) * 1024 * 1024


def max_answer_bytes() -> int:
    return int(current_app.config.get("OMBUDSFLOW_EVIDENCE_MAX_ANSWER_MB", 60)) * 1024 * 1024


def allowed_labels() -> str:
    return ", ".join(sorted({types.label(t) for t in ALLOWED}))


def _store(upload: Upload, *, actor: str, room: int | None) -> StoredFile:
    """Store one file under the rules (`room`: what is left of the answer's total); a refusal names
    the file and says why."""
    shown = names.clean_filename(upload.filename)
    try:
        name = names.clean_filename(upload.filename, strict=True, field=FIELD)
        row = store.store(
            upload.stream,
            filename=name,
            actor=actor,
            purpose="evidence",
            allowed_types=ALLOWED,
            max_bytes=max_file_bytes(),
        )
    except Invalid as exc:
        message = _("«%(name)s»: %(reason)s", name=shown, reason=exc.message)
        raise Invalid(message, {FIELD: [message]}) from None
    if room is not None and row.size > room:
        db.session.delete(row)
        db.session.flush()
        message = _(
            "«%(name)s»: all files of one answer may take at most %(limit)d MB together.",
            name=shown,
            limit=max_answer_bytes() // (1024 * 1024),
        )
        raise Invalid(message, {FIELD: [message]})
    return row


def draft_files(document_id: int, authority_id: int) -> list[EvidenceFile]:
    """Files attached to the answer being written (kept with the draft until it is sent)."""
    return list(
        db.session.scalars(
            sa.select(EvidenceFile)
            .where(
                EvidenceFile.document_id == document_id,
                EvidenceFile.authority_id == authority_id,
                EvidenceFile.answer_id.is_(None),
                EvidenceFile.removed_at.is_(None),
            )
            .order_by(EvidenceFile.id)
        )
    )


def attach_to_draft(
    uploads: Iterable[Upload],
    *,
    document_id: int,
    authority_id: int,
    recommendation_id: int | None,
    actor: str,
) -> list[EvidenceFile]:
    """Add files to the answer being written. Each file is checked on its own: the good ones are
    kept, and the refused ones are reported together (Invalid with every message), so the official
    learns at once what to fix and loses none of what was accepted."""
    used = sum(f.stored.size for f in draft_files(document_id, authority_id))
    kept: list[EvidenceFile] = []
    problems: list[str] = []
    for upload in uploads:
        if not upload.filename:
            continue
        try:
            stored = _store(upload, actor=actor, room=max_answer_bytes() - used)
        except Invalid as exc:
            problems.extend(exc.fields.get(FIELD, [exc.message]))
            continue
        used += stored.size
        row = EvidenceFile(
            stored_file_id=stored.id,
            document_id=document_id,
            authority_id=authority_id,
            recommendation_id=recommendation_id,
            uploaded_at=clock.now(),
            uploaded_by=actor,
        )
        db.session.add(row)
        kept.append(row)
    db.session.flush()
    for row in kept:
        audit.record(
            "evidence_attached",
            actor=actor,
            subject=f"document:{document_id}",
            details={"evidence_id": row.id, "sha256": row.stored.sha256, "size": row.stored.size},
        )
    if problems:
        raise PartlyRefused(kept, problems)
    return kept


class PartlyRefused(Invalid):
    """Some files were refused (their messages under `evidence`); `kept` were stored."""

    def __init__(self, kept: list[EvidenceFile], problems: list[str]) -> None:
        super().__init__(_("Some files were not accepted."), {FIELD: problems})
        self.kept = kept


def remove_from_draft(evidence_id: int, *, document_id: int, authority_id: int, actor: str) -> None:
    row = db.session.get(EvidenceFile, evidence_id)
    if (
        row is None
        or row.document_id != document_id
        or row.authority_id != authority_id
        or row.answer_id is not None
        or row.removed_at is not None
    ):
        raise NotFound(_("No such file in your answer."))
    row.removed_at = clock.now()
    audit.record(
        "evidence_removed", actor=actor, subject=f"document:{document_id}", details={"evidence_id": row.id}
    )


def finding_for(user: User, finding_id: int) -> Finding:
    """The finding if `user` may see its visit; one of another visit answers exactly like a missing
    one (404), before anything else is said about the request (an empty upload included)."""
    finding = db.session.get(Finding, finding_id)
    if finding is None or not may_see_visit(user, finding.visit):
        raise NotFound(_("Finding %(id)s does not exist.", id=finding_id))
    return finding


def attach_to_finding(upload: Upload, *, finding_id: int, internal_only: bool, user: User) -> EvidenceFile:
    """A monitor's photo or document of a finding; `internal_only` keeps it inside the Office."""
    finding_for(user, finding_id)
    stored = _store(upload, actor=user.actor, room=None)
    row = EvidenceFile(
        stored_file_id=stored.id,
        finding_id=finding_id,
        internal_only=bool(internal_only),
        uploaded_at=clock.now(),
        uploaded_by=user.actor,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "evidence_attached",
        actor=user.actor,
        subject=f"finding:{finding_id}",
        details={"evidence_id": row.id, "sha256": stored.sha256, "internal_only": row.internal_only},
    )
    return row


def of_recommendation(recommendation_id: int) -> list[EvidenceFile]:
    """The evidence of answers on a recommendation and of its finding (staff's recommendation page)."""
    finding_id = (
        sa.select(Recommendation.finding_id).where(Recommendation.id == recommendation_id).scalar_subquery()
    )
    covering = sa.select(DocumentRecommendation.document_id).where(
        DocumentRecommendation.recommendation_id == recommendation_id
    )
    return list(
        db.session.scalars(
            sa.select(EvidenceFile)
            .where(
                EvidenceFile.removed_at.is_(None),
                sa.or_(
                    sa.and_(
                        EvidenceFile.answer_id.is_not(None),
                        sa.or_(
                            EvidenceFile.recommendation_id == recommendation_id,
                            # Files given for the whole letter belong to each recommendation it covers.
                            sa.and_(
                                EvidenceFile.recommendation_id.is_(None),
                                EvidenceFile.document_id.in_(covering),
                            ),
                        ),
                    ),
                    EvidenceFile.finding_id == finding_id,
                ),
            )
            .order_by(EvidenceFile.id)
        )
    )


def visible_of_recommendation(user: User, recommendation_id: int) -> list[EvidenceFile]:
    """The evidence of a recommendation that `user` may open; a recommendation they may not see
    answers like a missing one (404, `recommendations.queries.get`), never as an empty list."""
    from ..recommendations import queries

    rec = queries.get(user, recommendation_id)
    return [row for row in of_recommendation(rec.id) if may_see(row, user=user)]


def outgoing(rows: Iterable[EvidenceFile]) -> list[EvidenceFile]:
    """The one rule for every channel that leaves the Office (e-mail, authority pages, exports, the
    public page): never a file marked as internal."""
    return [row for row in rows if not row.internal_only]


def may_see(row: EvidenceFile, *, user: User | None = None, authority_id: int | None = None) -> bool:
    """Whether a person (`user`) or an authority answering by link (`authority_id`) may open a file.

    An authority sees only the files of its own answers (and drafts); the Office's staff see the
    files of the recommendations and findings they may see; an internal file never leaves staff.
    """
    if row.removed_at is not None:
        return False
    if user is not None and user.role == "authority":
        authority_id = user.authority_id
        user = None
    if authority_id is not None:
        return not row.internal_only and row.finding_id is None and row.authority_id == authority_id
    if user is None or not can(user, SEE_EVIDENCE):
        return False
    if row.finding_id is not None:
        finding = db.session.get(Finding, row.finding_id)
        return finding is not None and may_see_visit(user, finding.visit)
    if row.recommendation_id is not None:
        return (
            db.session.scalar(
                sa.select(Recommendation.id).where(
                    Recommendation.id == row.recommendation_id, recommendation_filter(user)
                )
            )
            is not None
        )
    return can(user, SEE_EVIDENCE) and user.role != "monitor"


def get(evidence_id: int) -> EvidenceFile:
    row = db.session.get(EvidenceFile, evidence_id)
    if row is None:
        raise NotFound(_("File %(id)s does not exist.", id=evidence_id))
    return row


def of_answer(answer_id: int) -> list[EvidenceFile]:
    return list(
        db.session.scalars(
            sa.select(EvidenceFile)
            .where(EvidenceFile.answer_id == answer_id, EvidenceFile.removed_at.is_(None))
            .order_by(EvidenceFile.id)
        )
    )


def of_finding(finding_id: int) -> list[EvidenceFile]:
    return list(
        db.session.scalars(
            sa.select(EvidenceFile)
            .where(EvidenceFile.finding_id == finding_id, EvidenceFile.removed_at.is_(None))
            .order_by(EvidenceFile.id)
        )
    )
