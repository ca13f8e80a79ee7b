"""What callers ask the hub to change, before it is checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hub.domain.enums import Maturity, RiskLevel, ServiceType


@dataclass(frozen=True, slots=True)
class RegisterOrganisation:
    """An institution or tech enterprise to register (`type_name`): `values` holds the
    properties the graph model lets callers write for that type (hub/model/graph.py, `write`),
    by field name; one left out or None is not set."""

    type_name: str
    values: Mapping[str, Any]
    zone_id: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateOrganisation:
    """Only the properties in `values` change (by field name); None leaves one as it is."""

    id: str
    values: Mapping[str, Any] = field(default_factory=dict)
    zone_id: str | None = None
    type: str | None = None  # the type the caller's id named: another type's node is not found


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
