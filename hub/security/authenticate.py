"""From an Authorization header to a principal: `Bearer hub_...` is an API key, any other bearer a JWT."""

from __future__ import annotations

import hashlib

from cachetools import TTLCache

from hub.domain.principal import Principal
from hub.errors import AuthenticationError
from hub.security.api_keys import PREFIX, ApiKeys
from hub.security.tokens import TokenVerifier


class Authenticator:
    """Verified API keys are remembered for `cache_seconds` (hashed, in this process only), so a
    busy caller costs no database round trip per request; a revoked key stops working within that
    time. Refusals are never remembered."""

    def __init__(self, keys: ApiKeys, tokens: TokenVerifier | None, cache_seconds: float = 30) -> None:
        self.keys = keys
        self.tokens = tokens
        self._verified: TTLCache[bytes, Principal] | None = (
            TTLCache(maxsize=10_000, ttl=cache_seconds) if cache_seconds > 0 else None
        )

    async def principal(self, authorization: str | None) -> Principal:
        if not authorization:
            raise AuthenticationError(
                "credentials are required: send `Authorization: Bearer <API key or token>`"
            )
        scheme, _, credential = authorization.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise AuthenticationError("use the Bearer scheme: `Authorization: Bearer <API key or token>`")
        if credential.startswith(PREFIX):
            return await self._api_key(credential)
        if self.tokens is None:
            raise AuthenticationError("JWT bearer tokens are not configured on this hub; use an API key")
        return self.tokens.verify(credential)

    async def _api_key(self, key: str) -> Principal:
        if self._verified is None:
            return await self.keys.verify(key)
        digest = hashlib.sha256(key.encode()).digest()
        principal = self._verified.get(digest)
        if principal is None:
            principal = self._verified[digest] = await self.keys.verify(key)
        return principal
