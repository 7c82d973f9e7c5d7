"""Permissions an admin grants on top of a role — sign_documents and draw_protocols — through the
CLI and the API, audited; the signatory choice lists only people who may sign, with position."""

from __future__ import annotations

import sqlalchemy as sa

from engine.models import AuditEvent
from workflows.users import grants
from workflows.users.models import User


def audit_events(db, user):
    return [
        (e.event, e.details["permission"], e.actor)
        for e in db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.subject == user.actor, AuditEvent.event.like("permission_%"))
            .order_by(AuditEvent.id)
        )
    ]


def test_an_admin_grants_and_revokes_through_the_cli(world, db, runner):
    lawyer = world.users["lawyer"]
    result = runner.invoke(args=["users", "grant", "LAWYER@ombudsman.example", "sign_documents"])
    assert result.exit_code == 0 and result.output == "lawyer@ombudsman.example now has sign_documents\n"
    assert runner.invoke(args=["users", "grant", "lawyer@ombudsman.example", "sign_documents"]).output == (
        "lawyer@ombudsman.example already had sign_documents\n"
    )
    result = runner.invoke(
        args=["users", "position", "lawyer@ombudsman.example", "Головний  спеціаліст  НПМ"]
    )
    assert result.output == "position of lawyer@ombudsman.example: Головний спеціаліст НПМ\n"
    listing = runner.invoke(args=["users", "grants"]).output
    assert "sign_documents  lawyer@ombudsman.example  Олена Юрист — Головний спеціаліст НПМ" in listing
    assert "(granted 2026-11-23 by cli:" in listing

    db.session.expire_all()
    assert grants.has_grant(db.session.get(User, lawyer.id), "sign_documents")
    result = runner.invoke(args=["users", "revoke", "lawyer@ombudsman.example", "sign_documents"])
    assert result.output == "lawyer@ombudsman.example no longer has sign_documents\n"
    db.session.expire_all()
    assert not grants.has_grant(db.session.get(User, lawyer.id), "sign_documents")
    assert [(e, p) for e, p, _actor in audit_events(db, lawyer)] == [
        ("permission_granted", "sign_documents"),
        ("permission_revoked", "sign_documents"),
    ]
    assert runner.invoke(args=["users", "grants"]).output == "no grants\n"


def test_the_cli_refuses_an_authority_official_and_an_unknown_permission(world, runner):
    result = runner.invoke(args=["users", "grant", "official@colony48.example", "draw_protocols"])
    assert result.exit_code == 1
    assert "Це право може мати лише персонал Секретаріату (lawyer, manager, admin)." in result.output
    result = runner.invoke(args=["users", "grant", "lawyer@ombudsman.example", "sign_everything"])
    assert result.exit_code == 2 and "'sign_everything' is not one of" in result.output


def test_the_api_grants_lists_and_revokes_for_admins_only(api, world, db):
    manager = world.users["manager"]
    url = f"/api/v1/users/{manager.id}/grants/sign_documents"
    assert api["lawyer"].put(url).status_code == 403
    created = api["admin"].put(url)
    assert created.status_code == 201, created.json
    assert created.json | {"granted_at": None} == {
        "user_id": manager.id,
        "email": "manager@ombudsman.example",
        "name": "Ірина Керівник",
        "position": "",
        "role": "manager",
        "permission": "sign_documents",
        "granted_at": None,
        "granted_by": f"user:{world.users['admin'].id}",
    }
    assert api["admin"].put(url).status_code == 200  # already held: nothing new
    assert api["admin"].put(f"/api/v1/users/{manager.id}/grants/draw_protocols").status_code == 201

    listed = api["admin"].get("/api/v1/grants?permission=sign_documents")
    assert [(g["user_id"], g["permission"]) for g in listed.json] == [(manager.id, "sign_documents")]
    assert len(api["admin"].get("/api/v1/grants").json) == 2

    refused = api["admin"].put(f"/api/v1/users/{manager.id}/grants/approve_everything")
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {
        "permission": ["Невідоме право. Оберіть одне з: sign_documents, draw_protocols."]
    }
    authority = api["admin"].put(f"/api/v1/users/{world.users['authority'].id}/grants/sign_documents")
    assert authority.status_code == 422 and list(authority.json["error"]["fields"]) == ["user"]
    assert api["admin"].put("/api/v1/users/999999/grants/sign_documents").status_code == 404

    assert api["admin"].delete(url).status_code == 204
    assert api["admin"].delete(url).status_code == 204
    assert [g["permission"] for g in api["admin"].get("/api/v1/grants").json] == ["draw_protocols"]
    assert [e for e, _p, _a in audit_events(db, manager)] == [
        "permission_granted",
        "permission_granted",
        "permission_revoked",
    ]


def test_signatories_are_the_people_who_may_sign_with_their_position(api, world, db):
    manager = world.users["manager"]
    grants.set_position(manager, "Керівник департаменту НПМ", actor="test")
    grants.grant(manager, "sign_documents", actor="test")
    grants.grant(world.users["lawyer2"], "draw_protocols", actor="test")
    db.session.commit()
    response = api["lawyer"].get("/api/v1/signatories")
    assert response.status_code == 200
    assert response.json == [
        {"id": manager.id, "name": "Ірина Керівник", "position": "Керівник департаменту НПМ"}
    ]
    assert api["authority"].get("/api/v1/signatories").status_code == 403
    assert api["monitor"].get("/api/v1/signatories").status_code == 403
