"""Issuing, checking and revoking API keys.

A key reads `hub_<id>_<secret>`; only a SHA-256 digest of the secret is stored (the secret has
256 bits of entropy, so a fast hash is enough), and it is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from hub.db.database import Database
from hub.db.repositories import api_keys as repo
from hub.db.repositories import organisations
from hub.domain.enums import Role
from hub.domain.principal import Principal
from hub.errors import AuthenticationError, NotFoundError, UserInputError
from hub.security.revocations import Revocations

PREFIX = "hub_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key_id: str
    key: str  # shown once


class ApiKeys:
    def __init__(self, db: Database, revocations: Revocations | None = None) -> None:
        self.db = db
        self.revocations = revocations

    async def create(self, role: Role, organisation_id: str | None, name: str = "") -> IssuedKey:
        if role is Role.PARTNER and organisation_id is None:
            raise UserInputError.single(
                "org", "a PARTNER key acts for an organisation: give --org", "REQUIRED"
            )
        if organisation_id is not None and not await organisations.organisations_by_id(
            self.db, ids=[organisation_id]
        ):
            raise NotFoundError("org", "organisation", organisation_id)
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        await repo.create(
            self.db,
            key_id=key_id,
            digest=_digest(secret),
            role=role.value,
            organisation_id=organisation_id,
            name=name,
        )
        return IssuedKey(key_id, f"{PREFIX}{key_id}_{secret}")

    async def revoke(self, key_id: str) -> bool:
        """Revokes in Neo4j, then tells every replica (through Redis, when configured)."""
        revoked = await repo.revoke(self.db, key_id=key_id)
        if revoked and self.revocations is not None:
            await self.revocations.revoke(key_id)
        return revoked

    async def verify(self, key: str) -> Principal:
        key_id, _, secret = key.removeprefix(PREFIX).partition("_")
        if not key.startswith(PREFIX) or not key_id or not secret:
            raise AuthenticationError("malformed API key")
        stored = await repo.find(self.db, key_id=key_id)
        if stored is None or not hmac.compare_digest(stored["hash"], _digest(secret)):
            raise AuthenticationError("unknown API key")
        if stored.get("revokedAt") is not None:
            raise AuthenticationError("this API key has been revoked")
        return Principal(f"key:{key_id}", Role(stored["role"]), stored.get("organisationId"))
