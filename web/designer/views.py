"""What the designer's pages show, gathered from the engine: the current bundles and their files,
a draft's checks in the user's language, versions with people's names, migrations with the
recommendations they concern. Reading only; every change goes through an engine service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from engine import deployments, drafts, lint, versions
from engine.db import db
from engine.models import Deployment, DeploymentFile, DesignDraft, TestRun

from ..people import actor_names
from . import catalog, messages


@dataclass
class BundleFile:
    filename: str
    kind: str | None
    label: str
    contents: int  # how many different contents this file name had across deployments
    decisions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Bundle:
    deployment: Deployment
    processes: list[versions.ProcessSummary]
    files: list[BundleFile]


def bundles() -> list[Bundle]:
    """The bundles new instances start from (one per deployment that some process starts on)."""
    summaries = versions.processes()
    by_deployment: dict[int, list[versions.ProcessSummary]] = {}
    for summary in summaries:
        by_deployment.setdefault(summary.deployment_id, []).append(summary)
    out = []
    for deployment_id, processes in sorted(by_deployment.items()):
        deployment = db.session.get(Deployment, deployment_id)
        files = versions.files_of(deployment_id)
        counts = dict(
            db.session.execute(
                sa.select(DeploymentFile.filename, sa.func.count(sa.distinct(DeploymentFile.sha256)))
                .where(DeploymentFile.filename.in_(list(files)))
                .group_by(DeploymentFile.filename)
            ).all()
        )
        tables = catalog.decisions(files)
        out.append(
            Bundle(
                deployment=deployment,
                processes=processes,
                files=[
                    BundleFile(
                        filename=name,
                        kind=deployments.kind_of(name),
                        label=messages.kind_label(deployments.kind_of(name)),
                        contents=counts.get(name, 1),
                        decisions=[d for d in tables if d["file"] == name],
                    )
                    for name in sorted(files)
                ],
            )
        )
    return out


def check_view(draft: DesignDraft) -> dict[str, Any]:
    """The draft's checks as the pages and the editors show them (messages in the user's language)."""
    report = drafts.check(draft)
    names = catalog.element_names(draft.files)
    findings = [messages.finding_view(f, names) for f in report.findings]
    return {
        "findings": findings,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "ok": report.ok,
    }


def findings_of(exc: deployments.DeploymentError, files: dict[str, str]) -> list[dict[str, Any]]:
    names = catalog.element_names(files)
    findings = exc.findings or [
        lint.Finding(lint.ERROR, "refused", p.file, p.element_id, p.reason) for p in exc.problems
    ]
    return [messages.finding_view(f, names) for f in findings]


def test_runs(draft: DesignDraft) -> list[TestRun]:
    return list(
        db.session.scalars(
            sa.select(TestRun).where(TestRun.draft_id == draft.id).order_by(TestRun.id.desc()).limit(20)
        )
    )


def people(*groups) -> dict[str, str]:
    actors: list[str] = []
    for group in groups:
        actors.extend(a for a in group if a)
    return actor_names(actors)


def recommendation_numbers(business_keys) -> dict[str, str]:
    """Business keys of the standard process are recommendation ids: show their numbers."""
    from workflows.recommendations.models import Recommendation

    ids = {int(k) for k in business_keys if k and str(k).isdigit()}
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Recommendation.id, Recommendation.number).where(Recommendation.id.in_(ids))
    )
    return {str(i): n for i, n in rows}
