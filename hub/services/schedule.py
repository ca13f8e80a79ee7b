"""Periodic jobs run once per interval across every worker and replica of the hub.

Each worker runs a loop per job; a loop asks the job's lease in Neo4j (hub/db/repositories/leases.py)
whether the job is due and free, and the one that gets it runs the job, then marks the next run due
one interval later. The others sleep until then, so a run costs one claim per worker per interval.
A worker that dies while holding a lease keeps it only until it expires (`lease_seconds`); a worker
that is shut down gives it back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from hub.db.database import Database
from hub.db.repositories import leases
from hub.observe import metrics

log = logging.getLogger("hub.schedule")

MAX_POLL_SECONDS = 30.0  # a worker asks again at least this often (a changed schedule is seen)


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every: float  # seconds between the end of one run and the start of the next
    run: Callable[[], Awaitable[object]]
    first_wait: float = 0  # when the lease is first created: seconds until the first run


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Scheduler:
    def __init__(self, db: Database, owner: str | None = None, lease_seconds: float = 900) -> None:
        self.db = db
        self.owner = owner or worker_identity()
        self.lease_seconds = lease_seconds
        self._jitter = random.Random()  # its own generator: the process-wide one is left alone

    async def run_forever(self, job: PeriodicJob) -> None:
        while True:
            wait = await self.turn(job)
            await asyncio.sleep(wait)

    async def turn(self, job: PeriodicJob) -> float:
        """Runs `job` if it is due and no one else holds it; returns the seconds to wait before asking again."""
        ceiling = min(job.every, MAX_POLL_SECONDS)
        try:
            claim = await leases.claim(
                self.db,
                job=job.name,
                owner=self.owner,
                first_wait_ms=round(job.first_wait * 1000),
                lease_ms=round(self.lease_seconds * 1000),
            )
        except Exception as exc:
            log.warning(
                "could not ask for the lease of %s (%s); asking again in %.0f s", job.name, exc, ceiling
            )
            return ceiling
        if not claim["free"]:
            wait: float = max(claim["dueInMs"], claim["heldForMs"], 0) / 1000
            return min(max(wait, 0.05), ceiling) + self._jitter.uniform(0, min(0.05 * ceiling, 1))
        await self._run(job)
        return 0

    async def _run(self, job: PeriodicJob) -> None:
        started = time.perf_counter()
        succeeded = False
        try:
            await job.run()
            succeeded = True
        except asyncio.CancelledError:
            log.warning(
                "periodic job %s cut off by shutdown after %.1f s; the next worker to claim it runs it",
                job.name,
                time.perf_counter() - started,
            )
            with contextlib.suppress(Exception):  # shutting down: another worker takes the run
                await asyncio.wait_for(leases.abandon(self.db, job=job.name, owner=self.owner), 2)
            raise
        except Exception:
            log.exception("periodic job %s failed", job.name)
        seconds = time.perf_counter() - started
        metrics.JOB_SECONDS.labels(job.name).observe(seconds)
        metrics.JOB_RUNS.labels(job.name, "ok" if succeeded else "failed").inc()
        if succeeded:
            metrics.JOB_LAST_SUCCESS.labels(job.name).set_to_current_time()
        finishing = leases.finish(
            self.db,
            job=job.name,
            owner=self.owner,
            every_ms=round(job.every * 1000),
            seconds=round(seconds, 3),
            succeeded=succeeded,
        )
        try:
            await asyncio.shield(finishing)  # a shutdown now still records the run that ended
        except Exception:
            log.warning(
                "could not hand back the lease of %s; it expires in %.0f s", job.name, self.lease_seconds
            )
