"""Addresses that go out in e-mails: a lawyer's link to a recommendation, an authority's signed
reply link (no account needed; the signature says which authority and which recommendation)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

REPLY_SALT = "ombudsflow.reply-link"
REPLY_LINK_DAYS = 180


def _base() -> str:
    return current_app.config["OMBUDSFLOW_BASE_URL"].rstrip("/")


def recommendation_url(recommendation_id: int) -> str:
    return f"{_base()}/recommendations/{recommendation_id}"


def inbox_url() -> str:
    return f"{_base()}/inbox"


def task_url(task_id: str) -> str:
    return f"{_base()}/tasks/{task_id}"


def portal_url() -> str:
    """The authorities' own site (issue 16)."""
    return f"{_base()}/portal"


def invitation_url(token: str) -> str:
    """An official's one-time link to set a password (`workflows.users.invitations`)."""
    return f"{_base()}/portal/welcome/{token}"


def recommendations_url(filters) -> str:
    """The recommendations list with these filters (`RecommendationFilters`), e.g. in an alert."""
    from urllib.parse import urlencode

    from .recommendations.filter_args import ordered, to_args

    query = urlencode(ordered(to_args(filters)))
    return f"{_base()}/recommendations" + (f"?{query}" if query else "")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REPLY_SALT)


def reply_token(recommendation_id: int, authority_id: int) -> str:
    return _serializer().dumps({"r": recommendation_id, "a": authority_id})


def reply_url(recommendation_id: int, authority_id: int) -> str:
    return f"{_base()}/respond/{reply_token(recommendation_id, authority_id)}"


class InvalidLink(Exception):
    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_reply_token(token: str) -> tuple[int, int]:
    """(recommendation id, authority id) of a valid link; InvalidLink otherwise."""
    try:
        data = _serializer().loads(token, max_age=REPLY_LINK_DAYS * 86400)
    except SignatureExpired:
        raise InvalidLink(expired=True) from None
    except BadSignature:
        raise InvalidLink(expired=False) from None
    return int(data["r"]), int(data["a"])
