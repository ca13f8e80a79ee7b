"""The shape of each record in graph_seeds/, checked field by field before anything is written.

A record class names its node type of the model (`node_type`); each property the model declares
for it that the class does not spell out is a field too (optional unless the model says
`required`), checked by its kind and written as the node's property, so a property added to the
model can be given a value in the seed files with no change here.
"""

from __future__ import annotations

import inspect
import re
from datetime import date
from typing import Annotated, Any, ClassVar

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from hub.domain import enums
from hub.domain.enums import (
    InstitutionKind,
    Maturity,
    OwnershipForm,
    PartnershipKind,
    PartnershipStatus,
    RiskLevel,
    SandboxStatus,
    ServiceType,
)
from hub.domain.text import refused_character
from hub.model.graph import MODEL
from hub.model.types import Kind, Prop


def _country(value: str) -> str:
    if len(value) != 2 or value != value.upper() or pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(f"{value!r} is not an upper-case ISO 3166-1 alpha-2 country code")
    return value


def _line(value: str) -> str:
    problem = refused_character(value, multiline=False)
    if problem is not None:
        raise ValueError(problem)
    return value


def _text(value: str) -> str:
    problem = refused_character(value, multiline=True)
    if problem is not None:
        raise ValueError(problem)
    return value


Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Line = Annotated[str, AfterValidator(_line)]  # the characters a name may hold (hub/domain/text.py)
Text = Annotated[str, AfterValidator(_text)]  # free text: tabs and line breaks too
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_line)]
Country = Annotated[str, AfterValidator(_country)]


def _seed_type(prop: Prop) -> Any:
    """What a seed value of the property must be."""
    kinds: dict[Kind, Any] = {Kind.STRING: Text, Kind.INT: int, Kind.FLOAT: float, Kind.DATE: date}
    if prop.kind is Kind.ENUM:
        return getattr(enums, prop.enum or "")
    if prop.kind is Kind.STRINGS:
        return list[Line]
    return kinds[prop.kind]


class SeedRecord(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True, strict=False
    )
    node_type: ClassVar[str | None] = None  # the model's node type the record is a node of

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Runs before Pydantic collects the fields, so the model's properties become fields.
        super().__init_subclass__(**kwargs)
        node_type = cls.__dict__.get("node_type")
        if node_type is None:
            return
        own: dict[str, Any] = dict(inspect.get_annotations(cls))
        spelled = {to_camel(name) for name in own}
        for prop in MODEL.node(node_type).props:
            if prop.prop in spelled:
                continue
            name = "_".join(part.lower() for part in re.findall(r"[a-z0-9]+|[A-Z][a-z0-9]*", prop.prop))
            own[name] = _seed_type(prop) if prop.required else _seed_type(prop) | None
            setattr(
                cls, name, Field(alias=prop.prop) if prop.required else Field(default=None, alias=prop.prop)
            )
        cls.__annotations__ = own


class ZoneRecord(SeedRecord):
    node_type = "Zone"
    id: Id
    name: Name
    name_zh: Line | None = None
    district: Name
    description: Text | None = None


class CapabilityRecord(SeedRecord):
    node_type = "Capability"
    id: Id
    name: Name
    name_zh: Line | None = None
    category: Name
    description: Text | None = None


class InstitutionRecord(SeedRecord):
    node_type = "Institution"
    id: Id
    name: Name
    name_zh: Line | None = None
    kind: InstitutionKind
    home_country: Country
    ownership: OwnershipForm
    licences: list[Line] = Field(default_factory=list)
    founded: date | None = None
    zone: Id | None = None
    seeks: list[Id] = Field(default_factory=list)
    description: Text | None = None


class TechEnterpriseRecord(SeedRecord):
    node_type = "TechEnterprise"
    id: Id
    name: Name
    name_zh: Line | None = None
    home_country: Country
    founded: date | None = None
    employees: int | None = Field(default=None, ge=1)
    zone: Id | None = None
    offers: dict[Id, Maturity] = Field(default_factory=dict)
    description: Text | None = None


class PartnershipRecord(SeedRecord):
    node_type = "Partnership"
    id: Id
    kind: PartnershipKind
    status: PartnershipStatus
    title: Name
    proposer: Id
    recipient: Id
    proposed_on: date
    decided_on: date | None = None
    started_on: date | None = None
    ended_on: date | None = None
    terms: Text | None = None


class SandboxBatchRecord(SeedRecord):
    node_type = "SandboxBatch"
    id: Id
    number: int = Field(ge=1)
    name: Name
    announced_on: date


class SandboxProjectRecord(SeedRecord):
    node_type = "SandboxProject"
    id: Id
    name: Name
    name_zh: Line | None = None
    service_type: ServiceType
    status: SandboxStatus
    risk_level: RiskLevel
    batch: Id | None = None
    applied_on: date
    planned_go_live: date | None = None
    registered_on: date | None = None
    testing_started_on: date | None = None
    closed_on: date | None = None
    applicants: list[Id] = Field(min_length=1)
    providers: list[Id] = Field(default_factory=list)
    technologies: list[Id] = Field(default_factory=list)
    description: Text | None = None


class AwardRecord(SeedRecord):
    node_type = "Award"
    id: Id
    name: Name
    year: int = Field(ge=2000, le=2100)
    prize_yuan: int = Field(ge=0)
    project: Id
