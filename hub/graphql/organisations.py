"""Institutions and tech enterprises: directory queries and registration mutations."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import strawberry

from hub.db.repositories.organisations import InstitutionFilter, Ordering, TechEnterpriseFilter
from hub.domain import commands
from hub.domain.enums import InstitutionKind, Maturity
from hub.graphql.context import Info
from hub.graphql.enums import OrderDirection
from hub.graphql.model_fields import model_inputs, values
from hub.graphql.nodes import Institution, Organisation, TechEnterprise, to_node
from hub.graphql.payloads import UserError, attempt
from hub.graphql.permissions import CanRegisterOrganisation, CanUpdateOrganisation
from hub.graphql.relay import (
    After,
    Connection,
    connection,
    decode_id,
    decode_ids,
    decode_typed_id,
    page_request,
    root_order,
)
from hub.model.graph import MODEL

ORGANISATION_TYPES = ("Institution", "TechEnterprise")


def _optional_id(value: strawberry.ID | None, field: str, type_name: str) -> str | None:
    return None if value is None else decode_id(value, field, (type_name,))


@strawberry.enum
class OrganisationOrderField(StrEnum):
    NAME = "NAME"
    FOUNDED = "FOUNDED"


@strawberry.input
class OrganisationOrder:
    field: OrganisationOrderField = OrganisationOrderField.NAME
    direction: OrderDirection = OrderDirection.ASC

    def to_ordering(self) -> Ordering:
        return Ordering(by=self.field.value, descending=self.direction is OrderDirection.DESC)


@strawberry.input
class InstitutionFilterInput:
    kind: InstitutionKind | None = None
    home_country: str | None = None
    zone_id: strawberry.ID | None = None
    capability_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only institutions seeking this capability."
    )
    founded_from: date | None = None
    founded_to: date | None = None

    def to_filter(self) -> InstitutionFilter:
        return InstitutionFilter(
            kind=self.kind,
            home_country=self.home_country,
            zone_id=_optional_id(self.zone_id, "filter.zoneId", "Zone"),
            capability_id=_optional_id(self.capability_id, "filter.capabilityId", "Capability"),
            founded_from=self.founded_from,
            founded_to=self.founded_to,
        )


@strawberry.input
class TechEnterpriseFilterInput:
    home_country: str | None = None
    zone_id: strawberry.ID | None = None
    capability_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only enterprises offering this capability."
    )
    maturity: Maturity | None = strawberry.field(
        default=None, description="With `capabilityId`: only offers of this maturity."
    )
    founded_from: date | None = None
    founded_to: date | None = None

    def to_filter(self) -> TechEnterpriseFilter:
        return TechEnterpriseFilter(
            home_country=self.home_country,
            zone_id=_optional_id(self.zone_id, "filter.zoneId", "Zone"),
            capability_id=_optional_id(self.capability_id, "filter.capabilityId", "Capability"),
            maturity=self.maturity,
            founded_from=self.founded_from,
            founded_to=self.founded_to,
        )


@strawberry.type
class OrganisationQueries:
    @strawberry.field(description="Foreign-invested financial institutions.")
    async def institutions(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        filter: InstitutionFilterInput | None = None,
        order_by: OrganisationOrder | None = None,
    ) -> Connection[Institution]:
        ordering = (order_by or OrganisationOrder()).to_ordering()
        page = await info.context.services.catalogue.institutions(
            (filter or InstitutionFilterInput()).to_filter(),
            page_request(first, after, root_order("institutions", ordering.by, ordering.descending), info),
            ordering,
        )
        return connection(page, Institution.from_record)

    @strawberry.field(description="Technology enterprises.")
    async def tech_enterprises(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        filter: TechEnterpriseFilterInput | None = None,
        order_by: OrganisationOrder | None = None,
    ) -> Connection[TechEnterprise]:
        ordering = (order_by or OrganisationOrder()).to_ordering()
        page = await info.context.services.catalogue.tech_enterprises(
            (filter or TechEnterpriseFilterInput()).to_filter(),
            page_request(first, after, root_order("techEnterprises", ordering.by, ordering.descending), info),
            ordering,
        )
        return connection(page, TechEnterprise.from_record)


# -- mutations ---------------------------------------------------------------------------------


# The inputs' property fields come from the graph model (hub/model/graph.py, `write`).
@strawberry.input
@model_inputs(MODEL.node("Institution").written())
class RegisterInstitutionInput:
    zone_id: strawberry.ID | None = None


@strawberry.input
@model_inputs(MODEL.node("TechEnterprise").written())
class RegisterTechEnterpriseInput:
    zone_id: strawberry.ID | None = None


@strawberry.input(description="Fields left out stay as they are.")
@model_inputs(
    [*MODEL.node("Institution").written(updating=True), *MODEL.node("TechEnterprise").written(updating=True)],
    changes=True,
)
class UpdateOrganisationInput:
    id: strawberry.ID
    zone_id: strawberry.ID | None = None


@strawberry.input
class DeclareSoughtCapabilitiesInput:
    institution_id: strawberry.ID
    capability_ids: list[strawberry.ID] = strawberry.field(
        description="The whole set sought from now on; it replaces the previous one."
    )


@strawberry.input
class OfferInput:
    capability_id: strawberry.ID
    maturity: Maturity


@strawberry.input
class DeclareOfferedCapabilitiesInput:
    tech_enterprise_id: strawberry.ID
    offers: list[OfferInput] = strawberry.field(
        description="The whole set offered from now on; it replaces the previous one."
    )


def update_command(input: UpdateOrganisationInput) -> commands.UpdateOrganisation:
    """The command of `updateOrganisation` (also the compiled mutation's: hub/graphql/compiled/mutations.py)."""
    type_name, key = decode_typed_id(input.id, "id", ORGANISATION_TYPES)
    return commands.UpdateOrganisation(
        id=key,
        values=values(input),
        zone_id=_optional_id(input.zone_id, "zoneId", "Zone"),
        type=type_name,
    )


@strawberry.type
class InstitutionPayload:
    institution: Institution | None
    user_errors: list[UserError]


@strawberry.type
class TechEnterprisePayload:
    tech_enterprise: TechEnterprise | None
    user_errors: list[UserError]


@strawberry.type
class OrganisationPayload:
    organisation: Organisation | None
    user_errors: list[UserError]


@strawberry.type
class OrganisationMutations:
    @strawberry.mutation(
        description="Registers a foreign-invested financial institution.",
        permission_classes=[CanRegisterOrganisation],
    )
    async def register_institution(self, info: Info, input: RegisterInstitutionInput) -> InstitutionPayload:
        service = info.context.services.organisations

        async def call() -> object:
            zone = _optional_id(input.zone_id, "zoneId", "Zone")
            return await service.register(commands.RegisterOrganisation("Institution", values(input), zone))

        record, errors = await attempt(call)
        return InstitutionPayload(institution=to_node(record) if record else None, user_errors=errors)

    @strawberry.mutation(
        description="Registers a technology enterprise.", permission_classes=[CanRegisterOrganisation]
    )
    async def register_tech_enterprise(
        self, info: Info, input: RegisterTechEnterpriseInput
    ) -> TechEnterprisePayload:
        service = info.context.services.organisations

        async def call() -> object:
            zone = _optional_id(input.zone_id, "zoneId", "Zone")
            return await service.register(
                commands.RegisterOrganisation("TechEnterprise", values(input), zone)
            )

        record, errors = await attempt(call)
        return TechEnterprisePayload(tech_enterprise=to_node(record) if record else None, user_errors=errors)

    @strawberry.mutation(
        description="Changes an institution's or tech enterprise's details.",
        permission_classes=[CanUpdateOrganisation],
    )
    async def update_organisation(self, info: Info, input: UpdateOrganisationInput) -> OrganisationPayload:
        service = info.context.services.organisations

        async def call() -> object:
            return await service.update(update_command(input))

        record, errors = await attempt(call)
        return OrganisationPayload(organisation=to_node(record) if record else None, user_errors=errors)

    @strawberry.mutation(
        description="Declares the capabilities an institution seeks.",
        permission_classes=[CanUpdateOrganisation],
    )
    async def declare_sought_capabilities(
        self, info: Info, input: DeclareSoughtCapabilitiesInput
    ) -> InstitutionPayload:
        service = info.context.services.organisations

        async def call() -> object:
            return await service.declare_sought(
                decode_id(input.institution_id, "institutionId", ("Institution",)),
                decode_ids(input.capability_ids, "capabilityIds", ("Capability",)),
            )

        record, errors = await attempt(call)
        return InstitutionPayload(institution=to_node(record) if record else None, user_errors=errors)

    @strawberry.mutation(
        description="Declares the capabilities a tech enterprise offers.",
        permission_classes=[CanUpdateOrganisation],
    )
    async def declare_offered_capabilities(
        self, info: Info, input: DeclareOfferedCapabilitiesInput
    ) -> TechEnterprisePayload:
        service = info.context.services.organisations

        async def call() -> object:
            offers = [
                commands.OfferCapability(
                    decode_id(o.capability_id, f"offers.{i}.capabilityId", ("Capability",)), o.maturity
                )
                for i, o in enumerate(input.offers)
            ]
            return await service.declare_offered(
                decode_id(input.tech_enterprise_id, "techEnterpriseId", ("TechEnterprise",)), offers
            )

        record, errors = await attempt(call)
        return TechEnterprisePayload(tech_enterprise=to_node(record) if record else None, user_errors=errors)
