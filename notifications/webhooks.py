"""Webhooks: subscriptions, and the signed HTTP POST that delivers one outbox row to one subscriber.

The body is built from the row alone, so a retry sends the same bytes with the same signature;
`X-Ombudsflow-Delivery` (the outbox id) lets a receiver drop a delivery it has already processed.
A webhook is retried after any non-2xx answer, a timeout or a network error, because the receiver's
deduplication by delivery id makes a repeat harmless — unlike an e-mail, which a person reads twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa

from engine import audit
from engine.clock import clock
from engine.db import db
from engine.errors import EngineError, NotFound

from .errors import PermanentFailure
from .models import WebhookSubscription

# What a subscriber can ask for; the domain publishes these names (see events.publish).
EVENTS = ("act_sent", "reply_received", "overdue", "escalated", "closed")
USER_AGENT = "Ombudsflow-Webhooks/1"


class InvalidSubscription(EngineError):
    code = "invalid_subscription"


def sign(secret: str, body: bytes) -> str:
    """The value of `X-Ombudsflow-Signature`: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def body_of(row: Any) -> bytes:
    envelope = {
        "delivery": row.id,
        "event": row.topic,
        "occurred_at": row.created_at.isoformat().replace("+00:00", "Z"),
        "instance_id": row.instance_id,
        "business_key": row.business_key,
        "data": row.payload or {},
    }
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class PreparedRequest:
    url: str
    body: bytes
    headers: dict[str, str]


class WebhookChannel:
    """One delivery run's HTTP client (a `requests.Session`, so connections to a receiver are reused)."""

    name = "webhook"

    def __init__(self, config: Any) -> None:
        self.timeout = int(config.get("OMBUDSFLOW_WEBHOOK_TIMEOUT") or 10)
        self._http = requests.Session()

    def prepare(self, row: Any) -> PreparedRequest:
        try:
            subscription = db.session.get(WebhookSubscription, int(row.recipient))
        except ValueError:
            raise PermanentFailure(f"webhook recipient {row.recipient!r} is not a subscription id") from None
        if subscription is None:
            raise PermanentFailure(f"webhook subscription {row.recipient} was removed")
        if not subscription.active:
            raise PermanentFailure(f"webhook subscription {row.recipient} is inactive")
        body = body_of(row)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Ombudsflow-Event": row.topic,
            "X-Ombudsflow-Delivery": str(row.id),
            "X-Ombudsflow-Signature": sign(subscription.secret, body),
        }
        return PreparedRequest(subscription.url, body, headers)

    def send(self, row: Any, request: PreparedRequest) -> dict[str, Any]:
        response = self._http.post(
            request.url,
            data=request.body,
            headers=request.headers,
            timeout=self.timeout,
            allow_redirects=False,
        )
        if not 200 <= response.status_code < 300:
            snippet = " ".join(response.text.split())[:200]
            raise RuntimeError(
                f"HTTP {response.status_code} from {request.url}" + (f": {snippet}" if snippet else "")
            )
        return {"http_status": response.status_code, "url": request.url}

    def close(self) -> None:
        self._http.close()


# --- subscriptions -------------------------------------------------------------------------------


def add_subscription(
    url: str, events: list[str], *, actor: str, secret: str | None = None, description: str | None = None
) -> WebhookSubscription:
    """A new active subscription; without a secret one is generated (read it from the result once)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidSubscription(f"{url!r} is not an http(s) URL")
    events = list(dict.fromkeys(e.strip() for e in events if e.strip()))
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise InvalidSubscription(
            f"unknown or no events {', '.join(unknown) or '(none)'}; choose from {', '.join(EVENTS)}"
        )
    subscription = WebhookSubscription(
        url=url,
        secret=secret or secrets.token_hex(32),
        events=events,
        active=True,
        description=description,
        created_at=clock.now(),
    )
    db.session.add(subscription)
    db.session.flush()
    audit.record(
        "webhook_added",
        actor=actor,
        subject=f"webhook:{subscription.id}",
        details={"url": url, "events": events},
    )
    return subscription


def subscriptions() -> list[WebhookSubscription]:
    return list(db.session.scalars(sa.select(WebhookSubscription).order_by(WebhookSubscription.id)))


def remove_subscription(subscription_id: int, *, actor: str) -> WebhookSubscription:
    """Deletes it; rows still waiting for it fail with "subscription removed" instead of being sent."""
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise NotFound(f"webhook {subscription_id} does not exist")
    db.session.delete(subscription)
    audit.record(
        "webhook_removed",
        actor=actor,
        subject=f"webhook:{subscription_id}",
        details={"url": subscription.url, "events": subscription.events},
    )
    db.session.flush()
    return subscription
