"""What callers ask the hub to change, before it is checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hub.domain.enums import InstitutionKind, Maturity, OwnershipForm, RiskLevel, ServiceType


@dataclass(frozen=True, slots=True)
class RegisterInstitution:
    name: str
    kind: InstitutionKind
    home_country: str
    ownership: OwnershipForm
    name_zh: str | None = None
    licences: tuple[str, ...] = ()
    founded: date | None = None
    zone_id: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterTechEnterprise:
    name: str
    home_country: str
    name_zh: str | None = None
    founded: date | None = None
    employees: int | None = None
    zone_id: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateOrganisation:
    """Only the fields that are set change; None leaves a field as it is."""

    id: str
    name: str | None = None
    name_zh: str | None = None
    home_country: str | None = None
    founded: date | None = None
    zone_id: str | None = None
    description: str | None = None
    licences: tuple[str, ...] | None = None
    employees: int | None = None


@dataclass(frozen=True, slots=True)
class OfferCapability:
    capability_id: str
    maturity: Maturity


@dataclass(frozen=True, slots=True)
class ProposePartnership:
    proposer_id: str
    recipient_id: str
    title: str
    terms: str | None = None


@dataclass(frozen=True, slots=True)
class ApplyToSandbox:
    name: str
    service_type: ServiceType
    risk_level: RiskLevel
    applicant_ids: tuple[str, ...]
    provider_ids: tuple[str, ...] = ()
    capability_ids: tuple[str, ...] = field(default=())
    name_zh: str | None = None
    planned_go_live: date | None = None
    description: str | None = None
    # Of the organisations named, those that join at once (hub/security/policy.py decides); the
    # others are invited and join only when they confirm.
    joining_ids: frozenset[str] = frozenset()
