"""Reading and following the event log (hub/domain/events.py).

Every worker and replica follows the log in Neo4j: one `EventFeed` per process polls the log's
head by its sequence index (every `poll_seconds`, and at once when this process commits an
event), reads what is new once for all its subscribers, and keeps the latest events in memory.
A subscriber takes from that memory what it may hear; one that resumes from further back than the
memory holds reads its own way forward from Neo4j first. Sequences are handed out without gaps
and commit in order, so following them by number misses nothing and repeats nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from hub.db.database import Database
from hub.db.repositories import events as repo
from hub.domain.events import Event
from hub.security.policy import EventAudience

log = logging.getLogger("hub.events")

READ_BATCH = 500


class EventLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self, audience: EventAudience, types: list[str] | None, after: int, limit: int
    ) -> list[Event]:
        return await repo.events_after(
            self.db, after=after, types=types, audience=audience.params(), limit=limit
        )

    async def head(self) -> int:
        return await repo.head(self.db)

    async def prune(self, retention_seconds: int) -> int:
        """Deletes the events older than the retention, in batches; how many it deleted."""
        before = datetime.now(UTC) - timedelta(seconds=retention_seconds)
        total = 0
        while pruned := await repo.prune(self.db, before=before):
            total += pruned
        return total


class EventFeed:
    """The events as they commit, for this process's subscribers."""

    def __init__(self, db: Database, poll_seconds: float = 0.5, remembered: int = 2000) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self.last = 0  # the sequence of the last event this feed has read
        self._recent: deque[Event] = deque(maxlen=remembered)
        self._arrived = asyncio.Condition()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # The feed reads only while someone follows: an idle process sends Neo4j nothing.
        self._followers = 0
        self._active = asyncio.Event()
        self._activating = asyncio.Lock()

    async def start(self) -> None:
        self.db.event_listeners.append(self._wake.set)
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.db.event_listeners.remove(self._wake.set)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await self._active.wait()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            if self._followers == 0:
                self._active.clear()
                continue
            try:
                await self._read_new()
            except Exception:  # Neo4j away for a moment: the next round tries again
                log.warning("the event feed could not read the log; retrying", exc_info=False)

    async def _read_new(self) -> None:
        while True:
            batch = await repo.all_after(self.db, after=self.last, limit=READ_BATCH)
            if not batch:
                return
            self._recent.extend(batch)
            self.last = batch[-1].sequence
            async with self._arrived:
                self._arrived.notify_all()
            if len(batch) < READ_BATCH:
                return

    async def _wait_beyond(self, position: int) -> None:
        async with self._arrived:
            await self._arrived.wait_for(lambda: self.last > position)

    async def follow(
        self, audience: EventAudience, types: list[str] | None, after: int | None
    ) -> AsyncIterator[Event]:
        """The events `audience` hears, of `types`, after sequence `after` (None: from now on), in
        order, each once, as they commit."""
        self._followers += 1
        try:
            await self._activate()
            async for event in self._follow(audience, types, self.last if after is None else after):
                yield event
        finally:
            self._followers -= 1

    async def _activate(self) -> None:
        """After a time without followers the feed starts again from the log's head, forgetting
        what it held (a follower from further back reads its way forward from Neo4j)."""
        async with self._activating:
            if not self._active.is_set():
                self.last = await repo.head(self.db)
                self._recent.clear()
                self._active.set()

    async def _follow(
        self, audience: EventAudience, types: list[str] | None, position: int
    ) -> AsyncIterator[Event]:
        wanted = None if types is None else set(types)
        while True:
            if self._recent and self._recent[0].sequence <= position + 1:
                fresh = [e for e in self._recent if e.sequence > position]
            else:  # further back than the memory holds: read forward from Neo4j
                known = self.last
                fresh = await repo.all_after(self.db, after=position, limit=READ_BATCH)
                if not fresh:  # what lay between was pruned
                    position = max(position, known)
            for event in fresh:
                position = event.sequence
                if (wanted is None or event.type in wanted) and audience.hears(
                    event.scope, event.organisation_ids
                ):
                    yield event
            if not fresh:
                await self._wait_beyond(position)
