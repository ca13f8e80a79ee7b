"""Who is calling: an authenticated principal, whatever the credential."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.enums import Role


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str  # "key:<id>" for an API key, "jwt:<sub>" for a token
    role: Role
    organisation_id: str | None  # the organisation a PARTNER acts for


@dataclass(frozen=True, slots=True)
class Visibility:
    """What partnerships a caller may see: PROPOSED and DECLINED ones only as a party, unless
    `sees_all` (regulators and admins)."""

    organisation_id: str | None
    sees_all: bool

    def params(self) -> dict[str, object]:
        return {"viewerOrg": self.organisation_id, "seesAll": self.sees_all}


EVERYTHING = Visibility(None, True)
