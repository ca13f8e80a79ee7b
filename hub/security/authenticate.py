"""From an Authorization header to a principal: `Bearer hub_...` is an API key, any other bearer a JWT."""

from __future__ import annotations

from hub.domain.principal import Principal
from hub.errors import AuthenticationError
from hub.security.api_keys import PREFIX, ApiKeys
from hub.security.tokens import TokenVerifier


class Authenticator:
    def __init__(self, keys: ApiKeys, tokens: TokenVerifier | None) -> None:
        self.keys = keys
        self.tokens = tokens

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
            return await self.keys.verify(credential)
        if self.tokens is None:
            raise AuthenticationError("JWT bearer tokens are not configured on this hub; use an API key")
        return self.tokens.verify(credential)
