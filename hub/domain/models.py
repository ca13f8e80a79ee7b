"""The nodes of the graph as plain, immutable records.

A node's record holds the properties the domain works with as typed fields. The other
properties the declarative model (hub/model/graph.py) gives the node travel in `extra`, keyed by
property name, from Neo4j to the API: a property only read and shown needs no field here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hub.domain.enums import (
    InstitutionKind,
    Maturity,
    OwnershipForm,
    PartnershipKind,
    PartnershipStatus,
    PartyRole,
    RiskLevel,
    SandboxInvitationStatus,
    SandboxRole,
    SandboxStatus,
    ServiceType,
)


@dataclass(frozen=True, slots=True)
class Institution:
    id: str
    name: str
    name_zh: str | None
    kind: InstitutionKind
    home_country: str
    ownership: OwnershipForm
    licences: tuple[str, ...] = ()
    founded: date | None = None
    description: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TechEnterprise:
    id: str
    name: str
    name_zh: str | None
    home_country: str
    founded: date | None = None
    employees: int | None = None
    description: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


Organisation = Institution | TechEnterprise


@dataclass(frozen=True, slots=True)
class Capability:
    id: str
    name: str
    name_zh: str | None
    category: str
    description: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class CapabilityOffer:
    capability_id: str
    maturity: Maturity


@dataclass(frozen=True, slots=True)
class Party:
    organisation_id: str
    role: PartyRole


@dataclass(frozen=True, slots=True)
class Partnership:
    id: str
    kind: PartnershipKind
    status: PartnershipStatus
    title: str
    proposed_on: date
    started_on: date | None = None
    ended_on: date | None = None
    decided_on: date | None = None
    terms: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SandboxBatch:
    id: str
    number: int
    name: str
    announced_on: date
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SandboxParticipant:
    organisation_id: str
    role: SandboxRole


@dataclass(frozen=True, slots=True)
class SandboxInvitation:
    """An organisation named in another's sandbox application, which has not (yet) joined."""

    project_id: str
    organisation_id: str
    role: SandboxRole
    status: SandboxInvitationStatus
    invited_on: date
    answered_on: date | None = None


@dataclass(frozen=True, slots=True)
class SandboxProject:
    id: str
    name: str
    name_zh: str | None
    service_type: ServiceType
    status: SandboxStatus
    risk_level: RiskLevel
    applied_on: date
    planned_go_live: date | None = None
    registered_on: date | None = None
    testing_started_on: date | None = None
    closed_on: date | None = None
    description: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Zone:
    id: str
    name: str
    name_zh: str | None
    district: str
    description: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Award:
    id: str
    name: str
    year: int
    prize_yuan: int
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
