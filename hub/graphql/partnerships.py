"""Partnerships: the filtered list, proposals, and the lifecycle mutations."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import strawberry

from hub.db.repositories.partnerships import PartnershipFilter
from hub.domain import commands
from hub.domain.enums import PartnershipKind, PartnershipStatus
from hub.graphql.context import Info
from hub.graphql.enums import OrderDirection
from hub.graphql.nodes import Partnership, to_node
from hub.graphql.organisations import ORGANISATION_TYPES
from hub.graphql.payloads import UserError, attempt
from hub.graphql.permissions import CanDecidePartnership, CanEndPartnership, CanProposePartnership
from hub.graphql.relay import After, Connection, connection, decode_id, page_request, root_order


@strawberry.enum
class PartnershipOrderField(StrEnum):
    PROPOSED_ON = "PROPOSED_ON"
    TITLE = "TITLE"


@strawberry.input
class PartnershipOrder:
    field: PartnershipOrderField = PartnershipOrderField.PROPOSED_ON
    direction: OrderDirection = OrderDirection.DESC


@strawberry.input
class PartnershipFilterInput:
    kind: PartnershipKind | None = None
    status: PartnershipStatus | None = None
    proposed_from: date | None = None
    proposed_to: date | None = None
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only partnerships this organisation is party to."
    )

    def to_filter(self) -> PartnershipFilter:
        org = self.organisation_id
        return PartnershipFilter(
            kind=self.kind,
            status=self.status,
            proposed_from=self.proposed_from,
            proposed_to=self.proposed_to,
            organisation_id=None
            if org is None
            else decode_id(org, "filter.organisationId", ORGANISATION_TYPES),
        )


@strawberry.type
class PartnershipQueries:
    @strawberry.field(description="Partnerships, newest proposal first unless ordered otherwise.")
    async def partnerships(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        filter: PartnershipFilterInput | None = None,
        order_by: PartnershipOrder | None = None,
    ) -> Connection[Partnership]:
        order = order_by or PartnershipOrder()
        descending = order.direction is OrderDirection.DESC
        page = await info.context.services.catalogue.partnerships(
            (filter or PartnershipFilterInput()).to_filter(),
            page_request(first, after, root_order("partnerships", order.field.value, descending), info),
            order.field.value,
            descending,
            info.context.loaders.visibility,
        )
        return connection(page, Partnership.from_record)


@strawberry.input
class ProposePartnershipInput:
    proposer_id: strawberry.ID
    recipient_id: strawberry.ID
    title: str
    terms: str | None = None


@strawberry.input
class PartnershipDecisionInput:
    id: strawberry.ID


@strawberry.type
class PartnershipPayload:
    partnership: Partnership | None
    user_errors: list[UserError]


def _key(input: PartnershipDecisionInput) -> str:
    return decode_id(input.id, "id", ("Partnership",))


@strawberry.type
class PartnershipMutations:
    @strawberry.mutation(
        description="Proposes a partnership: COOPERATION between an institution and a tech "
        "enterprise, INTRA_SECTOR between two institutions.",
        permission_classes=[CanProposePartnership],
    )
    async def propose_partnership(self, info: Info, input: ProposePartnershipInput) -> PartnershipPayload:
        service = info.context.services.partnerships

        async def call() -> object:
            return await service.propose(
                commands.ProposePartnership(
                    proposer_id=decode_id(input.proposer_id, "proposerId", ORGANISATION_TYPES),
                    recipient_id=decode_id(input.recipient_id, "recipientId", ORGANISATION_TYPES),
                    title=input.title,
                    terms=input.terms,
                )
            )

        record, errors = await attempt(call)
        return PartnershipPayload(partnership=to_node(record) if record else None, user_errors=errors)

    @strawberry.mutation(
        description="Accepts a PROPOSED partnership; it becomes ACTIVE.",
        permission_classes=[CanDecidePartnership],
    )
    async def accept_partnership(self, info: Info, input: PartnershipDecisionInput) -> PartnershipPayload:
        service = info.context.services.partnerships
        record, errors = await attempt(lambda: service.accept(_key(input)))
        return PartnershipPayload(partnership=to_node(record) if record else None, user_errors=errors)

    @strawberry.mutation(
        description="Declines a PROPOSED partnership.", permission_classes=[CanDecidePartnership]
    )
    async def decline_partnership(self, info: Info, input: PartnershipDecisionInput) -> PartnershipPayload:
        service = info.context.services.partnerships
        record, errors = await attempt(lambda: service.decline(_key(input)))
        return PartnershipPayload(partnership=to_node(record) if record else None, user_errors=errors)

    @strawberry.mutation(description="Ends an ACTIVE partnership.", permission_classes=[CanEndPartnership])
    async def end_partnership(self, info: Info, input: PartnershipDecisionInput) -> PartnershipPayload:
        service = info.context.services.partnerships
        record, errors = await attempt(lambda: service.end(_key(input)))
        return PartnershipPayload(partnership=to_node(record) if record else None, user_errors=errors)
