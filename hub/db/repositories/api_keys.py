"""API keys: stored as a SHA-256 of their secret, never the secret itself."""

from __future__ import annotations

from typing import Any

from hub.db.database import Runner

CREATE = """
CREATE (k:ApiKey {id: $id, hash: $hash, role: $role, organisationId: $organisationId,
                  name: $name, createdAt: datetime()})
"""

FIND = "MATCH (k:ApiKey {id: $id}) RETURN k {.*} AS key"

REVOKE = """
MATCH (k:ApiKey {id: $id}) WHERE k.revokedAt IS NULL
SET k.revokedAt = datetime()
RETURN k.id AS id
"""

LIST = """
MATCH (k:ApiKey)
RETURN k.id AS id, k.role AS role, k.organisationId AS organisationId, k.name AS name,
       toString(k.createdAt) AS createdAt, toString(k.revokedAt) AS revokedAt
ORDER BY k.createdAt
"""


async def create(
    db: Runner, *, key_id: str, digest: str, role: str, organisation_id: str | None, name: str
) -> None:
    await db.write(CREATE, id=key_id, hash=digest, role=role, organisationId=organisation_id, name=name)


async def find(db: Runner, *, key_id: str) -> dict[str, Any] | None:
    rows = await db.read(FIND, id=key_id)
    return rows[0]["key"] if rows else None


async def revoke(db: Runner, *, key_id: str) -> bool:
    return bool(await db.write(REVOKE, id=key_id))


async def list_keys(db: Runner) -> list[dict[str, Any]]:
    return await db.read(LIST)
