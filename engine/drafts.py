"""Drafts: a bundle of files a designer edits before it becomes a version.

A draft starts as a copy of a deployment's files (or as a diagram imported from another tool) and
is deployed whole: saving only a decision table or a form deploys it together with the rest of the
bundle it came from, so every deployment stays complete — a process, its decision tables, forms and
other resources — and every version can be read, run and diffed on its own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from . import audit, deployments, lint
from .clock import clock
from .db import db
from .errors import Conflict, EngineError, NotFound
from .models import Deployment, DesignDraft

MAX_FILE_CHARS = 2_000_000
_NAME = re.compile(r"^(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+$")


class InvalidFile(EngineError):
    code = "invalid_file"

    def __init__(self, message: str, field: str = "filename") -> None:
        super().__init__(message)
        self.field = field


def get(draft_id: int) -> DesignDraft:
    draft = db.session.get(DesignDraft, draft_id)
    if draft is None:
        raise NotFound(f"draft {draft_id} does not exist", draft_id=draft_id)
    return draft


def open_drafts(limit: int = 50) -> list[DesignDraft]:
    return list(
        db.session.scalars(
            sa.select(DesignDraft)
            .where(DesignDraft.status == "open")
            .order_by(DesignDraft.updated_at.desc(), DesignDraft.id.desc())
            .limit(limit)
        )
    )


def from_deployment(deployment_id: int, *, actor: str, name: str = "") -> DesignDraft:
    """A new draft holding a copy of every file of the deployment."""
    deployment = db.session.get(Deployment, deployment_id)
    if deployment is None:
        raise NotFound(f"deployment {deployment_id} does not exist", deployment_id=deployment_id)
    files = {f.filename: f.content for f in deployment.files}
    default = ", ".join(d.name or d.process_id for d in deployment.definitions) or deployment.name
    return _create(name or default, files, actor, base=deployment.id)


def from_files(files: dict[str, str], *, actor: str, name: str) -> DesignDraft:
    """A new draft from files brought in (a diagram from another tool)."""
    for filename, content in files.items():
        check_file(filename, content)
    return _create(name, dict(files), actor, base=None)


def _create(name: str, files: dict[str, str], actor: str, base: int | None) -> DesignDraft:
    now = clock.now()
    draft = DesignDraft(
        name=name[:200] or "draft",
        base_deployment_id=base,
        files=files,
        status="open",
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
    )
    db.session.add(draft)
    db.session.flush()
    audit.record(
        "draft_opened",
        actor=actor,
        subject=f"draft:{draft.id}",
        details={"base_deployment_id": base, "files": sorted(files)},
    )
    return draft


def check_file(filename: str, content: str) -> None:
    if not _NAME.match(filename or "") or ".." in filename.split("/"):
        raise InvalidFile(f"{filename!r} is not a file name (letters, digits, _ . - and folders with /)")
    if len(content) > MAX_FILE_CHARS:
        raise InvalidFile(f"{filename} is longer than {MAX_FILE_CHARS} characters", field="content")


def _require_open(draft: DesignDraft) -> None:
    if draft.status != "open":
        raise Conflict(f"draft {draft.id} is {draft.status}", draft_id=draft.id, status=draft.status)


def put_file(draft: DesignDraft, filename: str, content: str, *, actor: str) -> DesignDraft:
    """Save one file of the draft (new or changed)."""
    _require_open(draft)
    check_file(filename, content)
    files = dict(draft.files)
    created = filename not in files
    if not created and files[filename] == content:
        return draft
    files[filename] = content
    draft.files = files
    draft.updated_by, draft.updated_at = actor, clock.now()
    audit.record(
        "draft_file_saved",
        actor=actor,
        subject=f"draft:{draft.id}",
        details={"file": filename, "created": created, "sha256": _sha(content)},
    )
    db.session.flush()
    return draft


def remove_file(draft: DesignDraft, filename: str, *, actor: str) -> DesignDraft:
    _require_open(draft)
    if filename not in draft.files:
        raise NotFound(f"{filename} is not in draft {draft.id}", filename=filename)
    files = dict(draft.files)
    del files[filename]
    draft.files = files
    draft.updated_by, draft.updated_at = actor, clock.now()
    audit.record("draft_file_removed", actor=actor, subject=f"draft:{draft.id}", details={"file": filename})
    db.session.flush()
    return draft


def discard(draft: DesignDraft, *, actor: str) -> DesignDraft:
    _require_open(draft)
    draft.status = "discarded"
    draft.updated_by, draft.updated_at = actor, clock.now()
    audit.record("draft_discarded", actor=actor, subject=f"draft:{draft.id}")
    db.session.flush()
    return draft


def _sha(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


@dataclass
class FileState:
    filename: str
    kind: str | None
    change: str  # unchanged | changed | added


def file_states(draft: DesignDraft) -> list[FileState]:
    """Each file of the draft and whether it differs from the deployment the draft started from."""
    base: dict[str, str] = {}
    if draft.base_deployment_id is not None:
        base = {f.filename: f.content for f in db.session.get(Deployment, draft.base_deployment_id).files}
    out = []
    for name in sorted(draft.files):
        if name not in base:
            change = "added"
        elif base[name] != draft.files[name]:
            change = "changed"
        else:
            change = "unchanged"
        out.append(FileState(name, deployments.kind_of(name), change))
    return out


def removed_files(draft: DesignDraft) -> list[str]:
    if draft.base_deployment_id is None:
        return []
    base = {f.filename for f in db.session.get(Deployment, draft.base_deployment_id).files}
    return sorted(base - set(draft.files))


def check(draft: DesignDraft) -> lint.Report:
    """The checks before deploy, on the draft as it is now (parsed once per content)."""
    key = deployments.content_hash(draft.files)
    cache: dict[str, lint.Report] = current_app.extensions.setdefault("ombudsflow_draft_checks", {})
    report = cache.get(key)
    if report is None:
        report = lint.check(dict(draft.files))
        if len(cache) > 32:
            cache.clear()
        cache[key] = report
    return report


def parsed(draft: DesignDraft) -> deployments.ParsedDeployment:
    """The draft's specs, forms and decisions in memory; refused like a deployment when it has errors."""
    report = check(draft)
    if report.parsed is None:
        raise deployments.DeploymentError([lint.as_problem(f) for f in report.errors], report.findings)
    return report.parsed


def deploy(
    draft: DesignDraft, *, actor: str, comment: str = "", warnings_note: str | None = None
) -> deployments.DeployResult:
    """Deploy the whole draft as a new version; warnings need a note."""
    _require_open(draft)
    result = deployments.deploy(
        dict(draft.files),
        actor=actor,
        name=draft.name,
        comment=comment,
        warnings_note=warnings_note,
        require_note=True,
    )
    if not result.created:
        raise Conflict(
            f"nothing changed: the draft is identical to deployment {result.deployment.id}",
            deployment_id=result.deployment.id,
        )
    draft.status, draft.deployment_id = "deployed", result.deployment.id
    draft.updated_by, draft.updated_at = actor, clock.now()
    audit.record(
        "draft_deployed",
        actor=actor,
        subject=f"draft:{draft.id}",
        details={"deployment_id": result.deployment.id, "versions": result.versions},
    )
    db.session.flush()
    return result


def summary(draft: DesignDraft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "name": draft.name,
        "status": draft.status,
        "base_deployment_id": draft.base_deployment_id,
        "files": [s.__dict__ for s in file_states(draft)],
    }


__all__ = [
    "FileState",
    "InvalidFile",
    "check",
    "check_file",
    "deploy",
    "discard",
    "file_states",
    "from_deployment",
    "from_files",
    "get",
    "open_drafts",
    "parsed",
    "put_file",
    "remove_file",
    "removed_files",
    "summary",
]
