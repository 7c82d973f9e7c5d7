"""API tokens and accounts: a person lists, creates and revokes their own tokens; an admin
(`users.manage`) sees and revokes everyone's and deactivates or reactivates people."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.db import db
from workflows import access
from workflows.errors import NotFound
from workflows.users import accounts
from workflows.users.models import User

from ..auth import allowed

blp = Blueprint("tokens", __name__, url_prefix="/api/v1", description="API tokens and accounts")


class TokenQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    all = fields.Boolean(load_default=False, metadata={"description": "Everyone's tokens (admins)."})
    include_ended = fields.Boolean(load_default=False, metadata={"description": "Also revoked ones."})


class TokenIn(Schema):
    label = fields.String(load_default="", validate=validate.Length(max=accounts.MAX_LABEL))
    expires_in_days = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=accounts.MAX_DAYS),
        metadata={"description": "Days until it expires; null: until revoked."},
    )


class TokenOut(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    label = fields.String()
    state = fields.String(metadata={"description": "active | expired | revoked"})
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(
        allow_none=True, metadata={"description": "Written at most once a minute per token."}
    )
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenOut(TokenOut):
    token = fields.String(metadata={"description": "The token itself: shown only in this answer."})


class AccountOut(Schema):
    id = fields.Integer()
    email = fields.String()
    active = fields.Boolean()
    tokens_revoked = fields.Integer()


def _out(row, token: str | None = None) -> dict:
    out = {
        "id": row.id,
        "user_id": row.user_id,
        "label": row.label,
        "state": accounts.state(row),
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "last_used_at": row.last_used_at,
        "revoked_at": row.revoked_at,
    }
    if token is not None:
        out["token"] = token
    return out


@blp.route("/tokens", methods=["GET"])
@blp.arguments(TokenQuery, location="query")
@blp.response(200, TokenOut(many=True))
def list_tokens(query):
    """Your tokens (never the tokens themselves); `all=true`: everyone's (admins)."""
    if query["all"]:
        access.require(g.user, access.MANAGE_ACCOUNTS)
        return [_out(r) for r in accounts.tokens(include_ended=query["include_ended"])]
    return [_out(r) for r in accounts.tokens(g.user, include_ended=query["include_ended"])]


@blp.route("/tokens", methods=["POST"])
@blp.arguments(TokenIn)
@blp.response(201, NewTokenOut)
def create_token(body):
    """A new token for yourself; the answer holds it once."""
    row, token = accounts.create_token(
        g.user, label=body["label"], days=body["expires_in_days"], actor=g.user.actor
    )
    db.session.commit()
    return _out(row, token)


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
def revoke_token(token_id):
    """Revoke one of your tokens (admins: anyone's); requests with it get 401 from now on."""
    owner = None if access.can(g.user, access.MANAGE_ACCOUNTS) else g.user
    accounts.revoke_token(accounts.get_token(token_id, owner=owner), actor=g.user.actor)
    db.session.commit()


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


@blp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@allowed(access.MANAGE_ACCOUNTS)
@blp.response(200, AccountOut)
def deactivate(user_id):
    """The person can no longer sign in; their sessions end and their tokens are revoked at once."""
    user = _account(user_id)
    revoked = accounts.deactivate(user, actor=g.user.actor)
    db.session.commit()
    return {"id": user.id, "email": user.email, "active": user.active, "tokens_revoked": revoked}


@blp.route("/users/<int:user_id>/activate", methods=["POST"])
@allowed(access.MANAGE_ACCOUNTS)
@blp.response(200, AccountOut)
def activate(user_id):
    """A deactivated person may sign in again (old tokens stay revoked)."""
    user = _account(user_id)
    accounts.reactivate(user, actor=g.user.actor)
    db.session.commit()
    return {"id": user.id, "email": user.email, "active": user.active, "tokens_revoked": 0}
