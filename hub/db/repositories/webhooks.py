"""Webhook endpoints and their deliveries (hub/domain/webhooks.py).

An endpoint keeps `cursor`: the sequence up to which the worker has turned its events into
deliveries. A delivery is one event for one endpoint, with the body it is sent (so pruning the
log never loses a pending delivery), its status, attempts and when to try next.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

from hub.db.database import Runner
from hub.domain.webhooks import Delivery, DeliveryStatus, Webhook

_WEBHOOK: LiteralString = "w {.id, .organisationId, .url, .types, .enabled, .disabledReason, .createdAt}"

CREATE: LiteralString = (
    """
MATCH (o:Organisation {id: $organisationId})
OPTIONAL MATCH (log:EventLog {id: 'events'})
CREATE (w:Webhook {id: $id, organisationId: $organisationId, url: $url, types: $types,
  sealedSecret: $sealedSecret, enabled: true, consecutiveFailures: 0, createdAt: datetime(),
  cursor: coalesce(log.sequence, 0)})
RETURN """
    + _WEBHOOK
    + " AS webhook"
)

OF_ORGANISATION: LiteralString = (
    "MATCH (w:Webhook) WHERE $organisationId IS NULL OR w.organisationId = $organisationId "
    "RETURN " + _WEBHOOK + " AS webhook ORDER BY w.createdAt, w.id LIMIT $limit"
)

ONE: LiteralString = "MATCH (w:Webhook {id: $id}) RETURN " + _WEBHOOK + " AS webhook"

DELETE: LiteralString = """
MATCH (w:Webhook {id: $id})
OPTIONAL MATCH (d:WebhookDelivery {webhookId: $id})
DETACH DELETE d, w
"""

# The secret it replaces keeps signing (beside the new one) until `previousSecretUntil`.
ROTATE: LiteralString = (
    "MATCH (w:Webhook {id: $id}) "
    "SET w.previousSealedSecret = w.sealedSecret, "
    "w.previousSecretUntil = datetime() + duration({seconds: $overlapSeconds}), "
    "w.sealedSecret = $sealedSecret RETURN " + _WEBHOOK + " AS webhook"
)

# Deliveries pick up where they stopped: the pending ones are due at once, and events that
# committed while the endpoint was off are enqueued from its cursor (those still retained).
ENABLE: LiteralString = (
    "MATCH (w:Webhook {id: $id}) SET w.enabled = true, w.disabledReason = null, w.consecutiveFailures = 0 "
    "WITH w CALL (w) { MATCH (d:WebhookDelivery {webhookId: w.id, status: 'PENDING'}) "
    "SET d.nextAttemptAt = datetime() } RETURN " + _WEBHOOK + " AS webhook"
)

ENABLED: LiteralString = """
MATCH (w:Webhook {enabled: true})
RETURN w.id AS id, w.organisationId AS organisationId, w.types AS types, w.cursor AS cursor
"""

# Only the worker that read `cursor` moves it: a second one that raced it creates nothing.
ENQUEUE: LiteralString = """
MATCH (w:Webhook {id: $id}) WHERE w.cursor = $cursor
SET w.cursor = $until
WITH w
UNWIND $deliveries AS d
MERGE (x:WebhookDelivery {webhookId: w.id, eventId: d.eventId})
ON CREATE SET x += d, x.id = randomUUID(), x.status = 'PENDING', x.attempts = 0,
  x.createdAt = datetime(), x.nextAttemptAt = datetime()
"""

# Claims due deliveries of enabled endpoints: each is leased until `leaseUntil`, so another
# worker leaves it alone while it is being sent; a worker that dies lets the lease lapse, and
# the delivery is tried again (at least once).
CLAIM_DUE: LiteralString = """
MATCH (d:WebhookDelivery {status: 'PENDING'}) WHERE d.nextAttemptAt <= datetime()
MATCH (w:Webhook {id: d.webhookId, enabled: true})
WITH d, w ORDER BY d.nextAttemptAt LIMIT $limit
SET d.nextAttemptAt = $leaseUntil
RETURN d.id AS id, d.eventId AS eventId, d.body AS body, d.attempts AS attempts,
  d.createdAt AS createdAt, w.id AS webhookId, w.url AS url, w.sealedSecret AS sealedSecret,
  CASE WHEN w.previousSecretUntil > datetime() THEN w.previousSealedSecret END AS previousSealedSecret
"""

NEXT_DUE: LiteralString = """
MATCH (d:WebhookDelivery {status: 'PENDING'})
MATCH (w:Webhook {id: d.webhookId, enabled: true})
RETURN min(d.nextAttemptAt) AS due
"""

SUCCEEDED: LiteralString = """
MATCH (d:WebhookDelivery {id: $id})
SET d.status = 'DELIVERED', d.attempts = d.attempts + 1, d.lastStatusCode = $statusCode,
  d.lastError = null, d.deliveredAt = datetime(), d.nextAttemptAt = null
WITH d
MATCH (w:Webhook {id: d.webhookId})
SET w.consecutiveFailures = 0
"""

FAILED: LiteralString = """
MATCH (d:WebhookDelivery {id: $id})
SET d.attempts = d.attempts + 1, d.lastStatusCode = $statusCode, d.lastError = $error,
  d.status = CASE WHEN $giveUp THEN 'FAILED' ELSE 'PENDING' END,
  d.nextAttemptAt = CASE WHEN $giveUp THEN null ELSE $nextAttemptAt END
WITH d
MATCH (w:Webhook {id: d.webhookId})
SET w.consecutiveFailures = coalesce(w.consecutiveFailures, 0) + 1
WITH w
WHERE w.enabled AND ($giveUp OR w.consecutiveFailures >= $disableAfter)
SET w.enabled = false,
  w.disabledReason = CASE WHEN $giveUp THEN $expiredReason ELSE $failingReason END
  + ' (last attempt: ' + $error + ')'
"""

DELIVERIES: LiteralString = """
MATCH (d:WebhookDelivery {webhookId: $id})
WHERE $status IS NULL OR d.status = $status
RETURN d {.*} AS delivery
ORDER BY d.sequence DESC
LIMIT $limit
"""


def _time(value: Any) -> datetime | None:
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, datetime) else None


def _webhook(row: dict[str, Any]) -> Webhook:
    created = _time(row["createdAt"])
    assert created is not None
    return Webhook(
        id=row["id"],
        organisation_id=row["organisationId"],
        url=row["url"],
        types=tuple(row.get("types") or ()),
        enabled=bool(row["enabled"]),
        disabled_reason=row.get("disabledReason"),
        created_at=created,
    )


def _delivery(row: dict[str, Any]) -> Delivery:
    created = _time(row["createdAt"])
    assert created is not None
    return Delivery(
        id=row["id"],
        webhook_id=row["webhookId"],
        event_id=row["eventId"],
        event_type=row["eventType"],
        sequence=int(row["sequence"]),
        status=DeliveryStatus(row["status"]),
        attempts=int(row["attempts"]),
        last_status_code=row.get("lastStatusCode"),
        last_error=row.get("lastError"),
        next_attempt_at=_time(row.get("nextAttemptAt")),
        created_at=created,
        delivered_at=_time(row.get("deliveredAt")),
    )


async def create(
    db: Runner, *, webhook_id: str, organisation_id: str, url: str, types: list[str], sealed_secret: str
) -> Webhook | None:
    """The new endpoint, following events from now on; None when the organisation does not exist."""
    rows = await db.write(
        CREATE,
        id=webhook_id,
        organisationId=organisation_id,
        url=url,
        types=types,
        sealedSecret=sealed_secret,
    )
    return _webhook(rows[0]["webhook"]) if rows else None


async def of_organisation(db: Runner, *, organisation_id: str | None, limit: int) -> list[Webhook]:
    rows = await db.read(OF_ORGANISATION, organisationId=organisation_id, limit=limit)
    return [_webhook(r["webhook"]) for r in rows]


async def one(db: Runner, *, webhook_id: str) -> Webhook | None:
    rows = await db.read(ONE, id=webhook_id)
    return _webhook(rows[0]["webhook"]) if rows else None


async def delete(db: Runner, *, webhook_id: str) -> None:
    await db.write(DELETE, id=webhook_id)


async def enable(db: Runner, *, webhook_id: str) -> Webhook | None:
    rows = await db.write(ENABLE, id=webhook_id)
    return _webhook(rows[0]["webhook"]) if rows else None


async def rotate(
    db: Runner, *, webhook_id: str, sealed_secret: str, overlap_seconds: float
) -> Webhook | None:
    rows = await db.write(ROTATE, id=webhook_id, sealedSecret=sealed_secret, overlapSeconds=overlap_seconds)
    return _webhook(rows[0]["webhook"]) if rows else None


async def enabled(db: Runner) -> list[dict[str, Any]]:
    return await db.read(ENABLED)


async def enqueue(
    db: Runner, *, webhook_id: str, cursor: int, until: int, deliveries: list[dict[str, Any]]
) -> None:
    await db.write(ENQUEUE, id=webhook_id, cursor=cursor, until=until, deliveries=deliveries)


async def claim_due(db: Runner, *, limit: int, lease_until: datetime) -> list[dict[str, Any]]:
    return await db.write(CLAIM_DUE, limit=limit, leaseUntil=lease_until)


async def next_due(db: Runner) -> datetime | None:
    rows = await db.read(NEXT_DUE)
    return _time(rows[0]["due"]) if rows else None


async def succeeded(db: Runner, *, delivery_id: str, status_code: int) -> None:
    await db.write(SUCCEEDED, id=delivery_id, statusCode=status_code)


async def failed(
    db: Runner,
    *,
    delivery_id: str,
    status_code: int | None,
    error: str,
    next_attempt_at: datetime | None,
    disable_after: int,
) -> None:
    """Records a failed attempt; `next_attempt_at` None gives the delivery up (its window closed)."""
    await db.write(
        FAILED,
        id=delivery_id,
        statusCode=status_code,
        error=error,
        giveUp=next_attempt_at is None,
        nextAttemptAt=next_attempt_at,
        disableAfter=disable_after,
        failingReason=f"disabled after {disable_after} failed delivery attempts in a row",
        expiredReason="disabled: a delivery kept failing for its whole retry window",
    )


async def deliveries(
    db: Runner, *, webhook_id: str, status: DeliveryStatus | None, limit: int
) -> list[Delivery]:
    rows = await db.read(
        DELIVERIES, id=webhook_id, status=None if status is None else status.value, limit=limit
    )
    return [_delivery(r["delivery"]) for r in rows]
