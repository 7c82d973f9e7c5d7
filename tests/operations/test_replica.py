"""Read-only views answered by a streaming replica (`DATABASE_REPLICA_URL`, web/replica.py), tested
against a real hot standby that the test starts: a primary and its `pg_basebackup` copy."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import base_config

from . import pgcluster

pytestmark = pytest.mark.skipif(pgcluster.why_not() is not None, reason=str(pgcluster.why_not()))


@pytest.fixture(scope="module")
def clusters():
    with pgcluster.PrimaryWithReplica() as pair:
        yield pair


def test_a_replica_view_reads_the_standby_and_everything_else_the_primary(clusters, tmp_path):
    from flask_migrate import upgrade

    from engine.db import db
    from web import create_app
    from workflows.authorities.models import Authority
    from workflows.reference.seed import seed_reference
    from workflows.users import services as users

    admin = sa.create_engine(clusters.primary.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE DATABASE app")
    admin.dispose()
    config = base_config(clusters.primary.url("app"), tmp_path)
    config["DATABASE_REPLICA_URL"] = clusters.replica.url("app")
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_reference()
        token = users.issue_token(
            users.create_user("admin@ombudsman.example", name="A", role="admin"), actor="t"
        )
        ministry_id = db.session.scalar(sa.select(Authority.id).where(Authority.code == "MOJ"))
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def create(name: str) -> int:
        response = client.post(
            "/api/v1/facilities",
            json={"name_uk": name, "kind": "penal_colony", "region": "lviv", "authority_id": ministry_id},
            headers=headers,
        )
        assert response.status_code == 201, response.json
        return response.json["id"]

    def listed() -> list[str]:
        response = client.get("/api/v1/facilities?region=lviv", headers=headers)
        assert response.status_code == 200
        return sorted(f["name_uk"] for f in response.json)

    first = create("Колонія № 1")
    clusters.replica.wait_for(f"SELECT count(*) = 1 FROM facility WHERE id = {first}", "app")
    assert listed() == ["Колонія № 1"]

    # The standby stops applying the primary's changes: the list (read from it) keeps its old
    # answer, while a view that is not marked reads the new row from the primary.
    replica = sa.create_engine(clusters.replica.url("app"), isolation_level="AUTOCOMMIT")
    with replica.connect() as conn:
        conn.exec_driver_sql("SELECT pg_wal_replay_pause()")
        second = create("Колонія № 2")
        assert listed() == ["Колонія № 1"]
        assert client.get(f"/api/v1/facilities/{second}", headers=headers).json["name_uk"] == "Колонія № 2"
        conn.exec_driver_sql("SELECT pg_wal_replay_resume()")
    clusters.replica.wait_for(f"SELECT count(*) = 1 FROM facility WHERE id = {second}", "app")
    assert listed() == ["Колонія № 1", "Колонія № 2"]

    # What the replica session is given cannot write: the standby refuses it.
    with replica.connect() as conn, pytest.raises(sa.exc.InternalError, match="read-only transaction"):
        conn.exec_driver_sql("DELETE FROM facility")
    replica.dispose()
    with app.app_context():
        db.engine.dispose()
        app.extensions["ombudsflow_replica_engine"].dispose()
