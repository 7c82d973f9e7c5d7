from __future__ import annotations

from pathlib import Path

import pytest

from engine import deployments, services

BPMN_DIR = Path(__file__).parent / "bpmn"


@services.register("test_notify")
def _test_notify(ctx, params):
    """A test handler: one outbox row per call, like the domain's notification handlers."""
    row = ctx.outbox.enqueue(
        channel="email",
        topic="reminder",
        recipient=params["recipient"],
        payload={"subject": params["subject"]},
    )
    return {"outbox_id": row.id}


@pytest.fixture
def deployed(app, db):
    result = deployments.deploy(deployments.collect_files([BPMN_DIR]), actor="test")
    db.session.commit()
    return result.deployment


def open_tasks(db, instance_id):
    import sqlalchemy as sa

    from engine.models import HumanTask

    return list(
        db.session.scalars(
            sa.select(HumanTask)
            .where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
            .order_by(HumanTask.created_at, HumanTask.id)
        )
    )
