"""Delivering webhooks, in a process of its own (`hub worker`), never in a request handler.

Each round: for every enabled endpoint, the events after its cursor that its organisation may
hear (the policy's audience of a partner of that organisation) and that it asked for become
deliveries, and the cursor moves, in one statement; then the deliveries that are due are claimed
(leased, so a second worker leaves them alone) and sent, signed, at most `concurrency` at once.
Everything a delivery needs is in Neo4j, so a restarted worker resumes where the last one left
off; a delivery whose worker died mid-send is sent again when its lease lapses (at least once,
with the same `webhook-id`, so the receiver drops the duplicate).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from hub.db.database import Database
from hub.db.repositories import events as event_repo
from hub.db.repositories import webhooks as repo
from hub.domain.enums import Role
from hub.domain.principal import Principal
from hub.domain.webhooks import body, retry_delay, sign
from hub.security.endpoints import EndpointRefused, check_endpoint, pinned
from hub.security.policy import event_audience
from hub.security.secret_box import SecretBox
from hub.services.events import EventLog
from hub.settings import Settings

log = logging.getLogger("hub.webhooks")

ENQUEUE_BATCH = 500
PRUNE_EVERY_SECONDS = 3600


class WebhookWorker:
    def __init__(self, db: Database, settings: Settings, rng: random.Random | None = None) -> None:
        self.db = db
        self.settings = settings
        self.box = SecretBox.from_settings(settings)
        self.rng = rng or random.Random()
        self.http = httpx.AsyncClient(
            timeout=settings.webhook_timeout_seconds,
            follow_redirects=False,
            headers={"User-Agent": "fintech-hub"},
        )
        self._last_prune = 0.0

    async def close(self) -> None:
        await self.http.aclose()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Rounds until `stop` is set (or forever); a failed round is logged and the next one runs."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.round()
            except Exception:
                log.exception("a webhook round failed; the next one retries")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.webhook_poll_seconds)

    async def round(self) -> int:
        """Enqueues new events, sends what is due; how many attempts it made."""
        if time.monotonic() - self._last_prune > PRUNE_EVERY_SECONDS:
            self._last_prune = time.monotonic()
            await EventLog(self.db).prune(self.settings.event_retention_seconds)
        await self.enqueue_new()
        return await self.deliver_due()

    async def enqueue_new(self) -> None:
        until = await event_repo.head(self.db)
        for endpoint in await repo.enabled(self.db):
            cursor = int(endpoint["cursor"])
            if cursor >= until:
                continue
            owner = Principal(f"webhook:{endpoint['id']}", Role.PARTNER, endpoint["organisationId"])
            found = await event_repo.events_after(
                self.db,
                after=cursor,
                until=until,
                types=list(endpoint["types"]) or None,
                audience=event_audience(owner).params(),
                limit=ENQUEUE_BATCH,
            )
            reached = until if len(found) < ENQUEUE_BATCH else found[-1].sequence
            deliveries = [
                {"eventId": e.id, "eventType": e.type, "sequence": e.sequence, "body": body(e).decode()}
                for e in found
            ]
            await repo.enqueue(
                self.db, webhook_id=endpoint["id"], cursor=cursor, until=reached, deliveries=deliveries
            )

    async def deliver_due(self) -> int:
        timeout = self.settings.webhook_timeout_seconds
        lease_until = datetime.now(UTC) + timedelta(seconds=2 * timeout + 1)
        due = await repo.claim_due(
            self.db, limit=4 * self.settings.webhook_concurrency, lease_until=lease_until
        )
        slots = asyncio.Semaphore(self.settings.webhook_concurrency)

        async def one(row: dict[str, Any]) -> None:
            async with slots:
                await self._attempt(row)

        await asyncio.gather(*(one(row) for row in due))
        return len(due)

    async def _attempt(self, row: dict[str, Any]) -> None:
        content = str(row["body"]).encode()
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": row["eventId"],
            "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(
                sign(self.box.open(sealed), row["eventId"], timestamp, content)
                for sealed in (row["sealedSecret"], row["previousSealedSecret"])
                if sealed is not None
            ),
        }
        status: int | None = None
        try:
            # Sent to the address just checked, not to the name (hub/security/endpoints.py).
            target = pinned(row["url"], await check_endpoint(row["url"], self.settings.production))
            # Only the status matters: the body is never read, so a receiver cannot make it large.
            async with self.http.stream(
                "POST",
                target.url,
                content=content,
                headers={**headers, **target.headers},
                extensions=target.extensions,
            ) as response:
                status = response.status_code
            if 200 <= status < 300:
                await repo.succeeded(self.db, delivery_id=row["id"], status_code=status)
                return
            error = f"HTTP {status}"
        except EndpointRefused as refused:
            error = f"the URL {refused}"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"[:300] or type(failure).__name__
        await self._failed(row, status, error)

    async def _failed(self, row: dict[str, Any], status: int | None, error: str) -> None:
        attempts = int(row["attempts"]) + 1
        delay = retry_delay(
            attempts,
            self.settings.webhook_retry_base_seconds,
            self.settings.webhook_retry_cap_seconds,
            self.rng,
        )
        now = datetime.now(UTC)
        created = row["createdAt"].to_native() if hasattr(row["createdAt"], "to_native") else row["createdAt"]
        window_ends = created + timedelta(seconds=self.settings.webhook_retry_window_seconds)
        next_at: datetime | None = now + timedelta(seconds=delay)
        if next_at is not None and next_at > window_ends:
            next_at = None if now >= window_ends else window_ends  # one last try as the window closes
        log.info("webhook delivery %s failed (attempt %d): %s", row["id"], attempts, error)
        await repo.failed(
            self.db,
            delivery_id=row["id"],
            status_code=status,
            error=error,
            next_attempt_at=next_at,
            disable_after=self.settings.webhook_disable_after_failures,
        )
