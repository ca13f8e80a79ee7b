"""The directory: capabilities, zones and awards."""

from __future__ import annotations

import strawberry

from hub.domain.models import Award as AwardRecord
from hub.graphql.context import Info
from hub.graphql.nodes import Award, Capability, Zone
from hub.graphql.payloads import UserError, attempt
from hub.graphql.permissions import CanManageAwards
from hub.graphql.relay import After, Connection, connection, decode_id, page_request, root_order


@strawberry.type
class DirectoryQueries:
    @strawberry.field(description="The capability taxonomy.")
    async def capabilities(
        self, info: Info, first: int | None = None, after: After = None, category: str | None = None
    ) -> Connection[Capability]:
        page = await info.context.services.catalogue.capabilities(
            category, page_request(first, after, root_order("capabilities"), info)
        )
        return connection(page, Capability.from_record)

    @strawberry.field(description="Zones of the fintech demonstration area.")
    async def zones(
        self, info: Info, first: int | None = None, after: After = None, district: str | None = None
    ) -> Connection[Zone]:
        page = await info.context.services.catalogue.zones(
            district, page_request(first, after, root_order("zones"), info)
        )
        return connection(page, Zone.from_record)

    @strawberry.field(description="Capital Financial Innovation Awards.")
    async def awards(
        self, info: Info, first: int | None = None, after: After = None, year: int | None = None
    ) -> Connection[Award]:
        page = await info.context.services.catalogue.awards(
            year, page_request(first, after, root_order("awards"), info)
        )
        return connection(page, Award.from_record)


@strawberry.input
class GrantAwardInput:
    project_id: strawberry.ID
    name: str
    year: int
    prize_yuan: int = strawberry.field(description="Prize money in yuan.")


@strawberry.type
class AwardPayload:
    award: Award | None
    user_errors: list[UserError]


@strawberry.type
class DirectoryMutations:
    @strawberry.mutation(
        description="Grants a Capital Financial Innovation Award to a sandbox project.",
        permission_classes=[CanManageAwards],
    )
    async def grant_award(self, info: Info, input: GrantAwardInput) -> AwardPayload:
        service = info.context.services.awards

        async def call() -> object:
            project = decode_id(input.project_id, "projectId", ("SandboxProject",))
            return await service.grant(project, input.name, input.year, input.prize_yuan)

        record, errors = await attempt(call)
        return AwardPayload(
            award=Award.from_record(record) if isinstance(record, AwardRecord) else None, user_errors=errors
        )
