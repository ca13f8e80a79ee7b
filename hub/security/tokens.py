"""JWT bearer tokens from an identity provider, checked with PyJWT.

HS256 with a shared secret, or RS256 with a PEM public key or a JWKS file. Expiry and audience
are always checked (and the issuer, when one is configured). Claims: `sub`, `role` (PARTNER,
ANALYST, REGULATOR or ADMIN) and, for partners, `org` (the organisation's id).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

from hub.domain.enums import Role
from hub.domain.principal import Principal
from hub.errors import AuthenticationError, ConfigurationError


@dataclass(frozen=True, slots=True)
class TokenSettings:
    audience: str
    secret: str | None = None
    public_key_file: Path | None = None
    jwks_file: Path | None = None
    issuer: str | None = None


class TokenVerifier:
    def __init__(self, settings: TokenSettings) -> None:
        self.settings = settings
        self._keys: dict[str, Any] = {}
        if settings.secret:
            self.algorithms = ["HS256"]
        elif settings.public_key_file or settings.jwks_file:
            self.algorithms = ["RS256"]
            self._load_public_keys()
        else:
            raise ConfigurationError("JWT needs HUB_JWT_SECRET, HUB_JWT_PUBLIC_KEY_FILE or HUB_JWT_JWKS_FILE")

    def _load_public_keys(self) -> None:
        s = self.settings
        if s.public_key_file:
            self._keys[""] = s.public_key_file.read_text()
        if s.jwks_file:
            for jwk in json.loads(s.jwks_file.read_text())["keys"]:
                self._keys[jwk.get("kid", "")] = jwt.PyJWK(jwk).key

    def _key_for(self, token: str) -> Any:
        if self.settings.secret:
            return self.settings.secret
        kid = jwt.get_unverified_header(token).get("kid", "")
        key = self._keys.get(kid) or (self._keys.get("") if len(self._keys) == 1 else None)
        if key is None:
            raise AuthenticationError(f"token signed with unknown key {kid!r}")
        return key

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=self.algorithms,
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                options={"require": ["exp", "sub", "role"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthenticationError("the token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthenticationError("the token is not for this audience") from exc
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"invalid token: {exc}") from exc
        try:
            role = Role(str(claims["role"]).upper())
        except ValueError as exc:
            raise AuthenticationError(f"unknown role {claims['role']!r} in the token") from exc
        org = claims.get("org")
        if role is Role.PARTNER and not org:
            raise AuthenticationError("a PARTNER token needs an `org` claim")
        return Principal(f"jwt:{claims['sub']}", role, str(org) if org else None)
