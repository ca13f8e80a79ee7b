"""Network measures of the partnership graph: rankings and communities, computed off the request
path (on a schedule, after seeding, or by `refreshNetworkMeasures`) and read here."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry

from hub.domain import network
from hub.domain.network import NetworkMeasure
from hub.graphql.context import Info
from hub.graphql.nodes import NetworkPosition, Organisation, to_node
from hub.graphql.permissions import CanAnalyseNetwork
from hub.graphql.relay import bounded_first

strawberry.enum(NetworkMeasure, description="A measure organisations can be ranked by.")


@strawberry.type
class RankedOrganisation:
    organisation: Organisation
    position: NetworkPosition


@strawberry.type(description="A community of organisations that partner more among themselves.")
class NetworkCommunity:
    id: int = strawberry.field(description="0 is the largest community.")
    size: int
    institutions: int
    tech_enterprises: int

    central_member_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="Its members with the highest PageRank, most central first.")
    async def central_members(self, info: Info) -> list[Organisation]:
        return await _organisations(info, list(self.central_member_ids))


async def _organisations(info: Info, ids: list[str]) -> list[Organisation]:
    # Each id is an Institution or a TechEnterprise: ask both loaders, in one batch each.
    institutions = info.context.loaders.nodes("Institution")
    tech = info.context.loaders.nodes("TechEnterprise")
    found = await asyncio.gather(*(institutions.load(i) for i in ids), *(tech.load(i) for i in ids))
    pairs = zip(found[: len(ids)], found[len(ids) :], strict=True)
    return [to_node(a or b) for a, b in pairs if (a or b) is not None]


@strawberry.type(description="When the network was last measured, over what, and its rankings.")
class NetworkMeasures:
    computed_at: datetime
    organisations: int
    ties: int = strawberry.field(description="Pairs of organisations with an ACTIVE partnership.")
    communities: int
    modularity: float = strawberry.field(description="Modularity of the communities found, -0.5 to 1.")
    betweenness_sources: int = strawberry.field(
        description="Sources sampled to estimate betweenness; equal to `organisations` when exact."
    )
    seconds: float = strawberry.field(description="How long the computation took.")

    @classmethod
    def of(cls, s: network.NetworkSnapshot) -> NetworkMeasures:
        return cls(
            computed_at=s.computed_at,
            organisations=s.organisations,
            ties=s.ties,
            communities=s.communities,
            modularity=s.modularity,
            betweenness_sources=s.betweenness_sources,
            seconds=s.seconds,
        )

    @strawberry.field(description="Organisations with the highest `by`, highest first.")
    async def ranking(
        self, info: Info, by: NetworkMeasure = NetworkMeasure.PAGERANK, first: int = 20
    ) -> list[RankedOrganisation]:
        service = info.context.services.network
        ids = await service.ranking(by, bounded_first(first))
        positions = await service.positions(ids)
        organisations = {o.key: o for o in await _organisations(info, ids)}
        return [
            RankedOrganisation(
                organisation=organisations[i], position=NetworkPosition.from_record(positions[i])
            )
            for i in ids
            if i in organisations and i in positions
        ]

    @strawberry.field(description="The largest communities, largest first.")
    async def top_communities(self, info: Info, first: int = 10) -> list[NetworkCommunity]:
        found = await info.context.services.network.communities(bounded_first(first))
        return [
            NetworkCommunity(
                id=c.id,
                size=c.size,
                institutions=c.institutions,
                tech_enterprises=c.tech_enterprises,
                central_member_ids=c.central_members,
            )
            for c in found
        ]


@strawberry.type
class NetworkQueries:
    @strawberry.field(
        description="The partnership network's measures as last computed; null before the first.",
        permission_classes=[CanAnalyseNetwork],
    )
    async def network_measures(self, info: Info) -> NetworkMeasures | None:
        snapshot = await info.context.services.network.snapshot()
        return NetworkMeasures.of(snapshot) if snapshot else None


@strawberry.type
class NetworkMutations:
    @strawberry.mutation(
        description="Measures the ACTIVE partnership network now (seconds on a large graph) and "
        "replaces the stored measures. The hub also does this on a schedule.",
        permission_classes=[CanAnalyseNetwork],
    )
    async def refresh_network_measures(self, info: Info) -> NetworkMeasures:
        return NetworkMeasures.of(await info.context.services.network.refresh())
