"""Who is calling: an authenticated principal, whatever the credential."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.enums import Role


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str  # "key:<id>" for an API key, "jwt:<sub>" for a token
    role: Role
    organisation_id: str | None  # the organisation a PARTNER acts for
