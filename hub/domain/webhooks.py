"""Webhooks: endpoints that receive the events an organisation may hear, signed and retried.

Signatures follow the Standard Webhooks specification: the headers `webhook-id` (the event's
stable id, the same on every retry), `webhook-timestamp` (seconds since the epoch, of this
attempt) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under
the endpoint's secret). A secret is `whsec_` and 32 random bytes in base64; the bytes are the key.

A failed attempt is retried after an exponentially growing wait with full jitter, for as long as
the retry window (a day by default) lasts since the event; endpoints whose attempts keep failing
are disabled, with the reason kept for their owner.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.domain.events import Event

SECRET_PREFIX = "whsec_"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # not yet accepted by the receiver; retried until the window closes
    DELIVERED = "DELIVERED"  # the receiver answered 2xx
    FAILED = "FAILED"  # the retry window closed without a 2xx


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    organisation_id: str
    url: str
    types: tuple[str, ...]  # empty: every type
    enabled: bool
    disabled_reason: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SealedWebhook:
    """An endpoint with its new secret, sealed: what registering or rotating returns from its
    transaction, and so what an idempotency key keeps for a replay (never the secret in clear)."""

    webhook: Webhook
    sealed_secret: str


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    sequence: int
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header of a delivery."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """What a receiver does (README): any of the space-separated `v1,` signatures matches."""
    expected = sign(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split(" "))


def global_id(type_name: str, key: str) -> str:
    """The API's opaque id of a node (as hub/graphql/relay.py makes it), for webhook bodies."""
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def body(event: Event) -> bytes:
    """What a receiver gets: the event as the `events` query shows it, in the Standard Webhooks
    envelope (`type`, `timestamp`, `data`)."""
    data: dict[str, Any] = {
        "id": event.id,
        "sequence": event.sequence,
        "subjectType": event.subject_type,
        "subjectId": global_id(event.subject_type, event.subject_id),
        "organisationIds": [global_id(o.type_name, o.id) for o in event.organisations],
        "payload": event.payload,
    }
    envelope = {"type": event.type, "timestamp": event.at.isoformat(), "data": data}
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def retry_delay(
    attempts: int, base_seconds: float, cap_seconds: float, rng: random.Random | None = None
) -> float:
    """Seconds before the next attempt after `attempts` failed ones: exponential, capped, with full
    jitter (a random share of it) so endpoints coming back are not hit by every retry at once."""
    ceiling = min(cap_seconds, base_seconds * 2 ** min(attempts - 1, 30))
    return (rng or random).uniform(ceiling / 2, ceiling)
