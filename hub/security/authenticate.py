"""From an Authorization header to a principal: `Bearer hub_...` is an API key, any other bearer a JWT."""

from __future__ import annotations

import hashlib

from cachetools import TTLCache

from hub.db.repositories import organisations
from hub.domain.principal import Principal
from hub.errors import AuthenticationError
from hub.security.api_keys import PREFIX, ApiKeys
from hub.security.revocations import Revocations
from hub.security.tokens import TokenVerifier


class Authenticator:
    """Verified API keys are remembered for `cache_seconds` (hashed, in this process only), so a
    busy caller costs no database round trip per request; a revoked key stops working within that
    time, or at once on every replica when Redis tells them of revocations (hub/security/revocations.py).
    So are the organisations that tokens' `org` claims named and that exist (organisations
    are never deleted). Refusals are never remembered."""

    def __init__(
        self,
        keys: ApiKeys,
        tokens: TokenVerifier | None,
        cache_seconds: float = 30,
        revocations: Revocations | None = None,
    ) -> None:
        self.keys = keys
        self.revocations = revocations
        self.tokens = tokens
        self._verified: TTLCache[bytes, Principal] | None = (
            TTLCache(maxsize=10_000, ttl=cache_seconds) if cache_seconds > 0 else None
        )
        self._known_organisations: TTLCache[str, bool] | None = (
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
        return await self._token(self.tokens, credential)

    async def _token(self, tokens: TokenVerifier, token: str) -> Principal:
        """A valid token whose `org` claim names an organisation of this hub (any role's claim)."""
        principal = tokens.verify(token)
        org = principal.organisation_id
        if org is not None and not await self._organisation_exists(org):
            raise AuthenticationError("the token's `org` claim names no organisation of this hub")
        return principal

    async def _organisation_exists(self, org_id: str) -> bool:
        known = self._known_organisations
        if known is not None and org_id in known:
            return True
        exists = bool(await organisations.organisations_by_id(self.keys.db, ids=[org_id]))
        if exists and known is not None:
            known[org_id] = True
        return exists

    async def _api_key(self, key: str) -> Principal:
        if self._verified is None:
            return await self.keys.verify(key)
        digest = hashlib.sha256(key.encode()).digest()
        principal = self._verified.get(digest)
        if principal is not None and self.revocations is not None:
            # Remembered here, but maybe revoked through another replica since.
            key_id = principal.subject.removeprefix("key:")
            if await self.revocations.revoked(key_id) is not False:
                del self._verified[digest]
                principal = None
        if principal is None:
            principal = self._verified[digest] = await self.keys.verify(key)
        return principal
