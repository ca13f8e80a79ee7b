"""The directory: capabilities, zones and awards."""

from __future__ import annotations

import strawberry

from hub.graphql.context import Info
from hub.graphql.nodes import Award, Capability, Zone
from hub.graphql.relay import Connection, connection, page_request


@strawberry.type
class DirectoryQueries:
    @strawberry.field(description="The capability taxonomy.")
    async def capabilities(
        self, info: Info, first: int | None = None, after: str | None = None, category: str | None = None
    ) -> Connection[Capability]:
        page = await info.context.services.catalogue.capabilities(category, page_request(first, after))
        return connection(page, Capability.from_record)

    @strawberry.field(description="Zones of the fintech demonstration area.")
    async def zones(
        self, info: Info, first: int | None = None, after: str | None = None, district: str | None = None
    ) -> Connection[Zone]:
        page = await info.context.services.catalogue.zones(district, page_request(first, after))
        return connection(page, Zone.from_record)

    @strawberry.field(description="Capital Financial Innovation Awards.")
    async def awards(
        self, info: Info, first: int | None = None, after: str | None = None, year: int | None = None
    ) -> Connection[Award]:
        page = await info.context.services.catalogue.awards(year, page_request(first, after))
        return connection(page, Award.from_record)
