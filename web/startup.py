"""Start-up chores shared by `ombudsflow serve` and gunicorn: deploy the bundled BPMN (a no-op
when it has not changed), so that a new version of bpmn/ goes live with the code that expects it."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def deploy_bundled(app=None) -> None:
    from engine import deployments
    from engine.db import db

    if app is None:
        from web import create_app

        app = create_app()
    with app.app_context():
        files = deployments.collect_files([app.config["OMBUDSFLOW_BPMN_DIR"]])
        result = deployments.deploy(files, actor="startup", name="bundled bpmn/")
        db.session.commit()
        versions = ", ".join(f"{p} v{v}" for p, v in sorted(result.versions.items()))
        log.info(
            "%s deployment %s (%s)", "new" if result.created else "unchanged", result.deployment.id, versions
        )
        db.session.remove()
