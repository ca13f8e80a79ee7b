"""Idempotency keys (hub/domain/idempotency.py): claimed and filled inside the mutation's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, LiteralString

if TYPE_CHECKING:  # the Database imports this module to claim keys in its transactions
    from hub.db.database import Runner

# MERGE on the unique (scope, key) takes its lock: a second request with the same key waits for
# the first one's transaction and then sees its key (committed) or none (rolled back). An expired
# key is taken over as if it were new.
CLAIM: LiteralString = """
MERGE (k:IdempotencyKey {scope: $scope, key: $key})
WITH k, k.expiresAt IS NULL OR k.expiresAt <= datetime() AS free
SET k += CASE WHEN free THEN {
  operation: $operation, fingerprint: $fingerprint, result: null,
  createdAt: datetime(), expiresAt: datetime() + duration({seconds: $retention})
} ELSE {} END
RETURN free, k.operation AS operation, k.fingerprint AS fingerprint, k.result AS result
"""

STORE_RESULT: LiteralString = "MATCH (k:IdempotencyKey {scope: $scope, key: $key}) SET k.result = $result"

PURGE_EXPIRED: LiteralString = """
MATCH (k:IdempotencyKey) WHERE k.expiresAt <= datetime()
WITH k LIMIT $batch
DELETE k
RETURN count(*) AS purged
"""


async def claim(
    db: Runner, *, scope: str, key: str, operation: str, fingerprint: str, retention: int
) -> dict[str, Any]:
    """The key's row: `free` when this transaction claimed it, else what the first request stored."""
    rows = await db.write(
        CLAIM, scope=scope, key=key, operation=operation, fingerprint=fingerprint, retention=retention
    )
    return rows[0]


async def store_result(db: Runner, *, scope: str, key: str, result: str) -> None:
    await db.write(STORE_RESULT, scope=scope, key=key, result=result)


async def purge_expired(db: Runner, *, batch: int = 10_000) -> int:
    rows = await db.write(PURGE_EXPIRED, batch=batch)
    return int(rows[0]["purged"])
