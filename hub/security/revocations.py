"""Revoked API keys, told to every replica through Redis.

Each process remembers verified keys for a while (hub/security/authenticate.py). With Redis
configured, revoking a key adds its id to a Redis set, and a remembered key is checked against
that set on every use, so every replica refuses it from the next request on. If Redis cannot be
asked, the key is verified against Neo4j instead (which knows of every revocation).
"""

from __future__ import annotations

import logging

import redis.asyncio as redis

log = logging.getLogger("hub.security")

REVOKED_SET = "hub:revoked-api-keys"


class Revocations:
    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    async def revoke(self, key_id: str) -> None:
        await self._redis.sadd(REVOKED_SET, key_id)

    async def revoked(self, key_id: str) -> bool | None:
        """Whether the key was revoked; None when Redis cannot say (ask Neo4j)."""
        try:
            return bool(await self._redis.sismember(REVOKED_SET, key_id))
        except redis.RedisError as exc:
            log.warning("could not ask Redis about revoked keys (%s); asking Neo4j", exc)
            return None

    async def close(self) -> None:
        await self._redis.aclose()
