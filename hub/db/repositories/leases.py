"""Leases of the periodic jobs: one node per job, so one worker of one replica runs each due run.

Times are the database's (`timestamp()`, milliseconds), so replicas' clocks do not matter. The
claim first sets `lockedAt`, which takes the node's write lock before its fields are read: of two
workers claiming at once, the second reads what the first committed.
"""

from __future__ import annotations

from typing import Any, LiteralString

from hub.db.database import Runner

CLAIM: LiteralString = """
MERGE (l:JobLease {job: $job})
ON CREATE SET l.dueAt = timestamp() + $firstWaitMs, l.runs = 0, l.failures = 0
SET l.lockedAt = timestamp()
WITH l, l.dueAt <= timestamp() AND (l.owner IS NULL OR l.expiresAt <= timestamp()) AS free
SET l.owner = CASE WHEN free THEN $owner ELSE l.owner END,
    l.expiresAt = CASE WHEN free THEN timestamp() + $leaseMs ELSE l.expiresAt END
RETURN free,
       l.dueAt - timestamp() AS dueInMs,
       CASE WHEN l.owner IS NULL THEN 0 ELSE l.expiresAt - timestamp() END AS heldForMs
"""

FINISH: LiteralString = """
MATCH (l:JobLease {job: $job}) WHERE l.owner = $owner
SET l.owner = null, l.expiresAt = null, l.dueAt = timestamp() + $everyMs, l.lastOwner = $owner,
    l.lastRunAt = timestamp(), l.lastSeconds = $seconds,
    l.runs = l.runs + CASE WHEN $succeeded THEN 1 ELSE 0 END,
    l.failures = l.failures + CASE WHEN $succeeded THEN 0 ELSE 1 END
RETURN l.runs AS runs
"""

LEASE: LiteralString = """
MATCH (l:JobLease {job: $job})
RETURN l.runs AS runs, l.failures AS failures, l.owner AS owner, l.lastOwner AS lastOwner,
       l.dueAt AS dueAt, l.lastRunAt AS lastRunAt
"""


async def claim(db: Runner, *, job: str, owner: str, first_wait_ms: int, lease_ms: int) -> dict[str, Any]:
    """`free` (the caller now holds the lease), `dueInMs` and `heldForMs` (when to ask again)."""
    (row,) = await db.write(CLAIM, job=job, owner=owner, firstWaitMs=first_wait_ms, leaseMs=lease_ms)
    return row


async def finish(db: Runner, *, job: str, owner: str, every_ms: int, seconds: float, succeeded: bool) -> None:
    await db.write(FINISH, job=job, owner=owner, everyMs=every_ms, seconds=seconds, succeeded=succeeded)


async def lease(db: Runner, *, job: str) -> dict[str, Any] | None:
    rows = await db.read(LEASE, job=job)
    return rows[0] if rows else None


ABANDON: LiteralString = """
MATCH (l:JobLease {job: $job}) WHERE l.owner = $owner
SET l.owner = null, l.expiresAt = null
"""


async def abandon(db: Runner, *, job: str, owner: str) -> None:
    """Gives the lease back without a run (shutting down): the job stays due for another worker."""
    await db.write(ABANDON, job=job, owner=owner)
