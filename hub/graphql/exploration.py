"""Exploration for analysts: a node's neighbourhood, shortest paths, an organisation's ego network.

Every caller sees only what it may: hidden partnerships are left out of each answer.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from hub.domain import subgraph as domain
from hub.domain.enums import PartnershipStatus
from hub.graphql.context import Info
from hub.graphql.nodes import NODE_TYPES, to_node
from hub.graphql.relay import Node, bad_argument, bounded_first, from_global_id, to_global_id
from hub.services.exploration import MAX_DEPTH, MAX_HOPS, MAX_NODES, ORGANISATIONS


@strawberry.type(description="A relationship between two nodes of a subgraph or path.")
class GraphEdge:
    type: str = strawberry.field(
        description="The relationship type (PARTY_TO, PARTICIPATES_IN, OFFERS, ...), or PARTNERSHIP "
        "for an edge standing for a whole partnership between two organisations."
    )
    source: strawberry.ID = strawberry.field(description="Global id of the node it starts at.")
    target: strawberry.ID = strawberry.field(description="Global id of the node it ends at.")
    partnership: strawberry.ID | None = strawberry.field(description="PARTNERSHIP edges: its global id.")
    status: PartnershipStatus | None = strawberry.field(description="PARTNERSHIP edges: its status.")

    @strawberry.field(description="Stable within the graph: the same edge has the same id in every answer.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(f"{self.type}:{self.source}:{self.target}:{self.partnership or ''}")

    @classmethod
    def of(cls, edge: domain.Edge) -> GraphEdge:
        return cls(
            type=edge.type,
            source=_global(edge.source),
            target=_global(edge.target),
            partnership=strawberry.ID(to_global_id("Partnership", edge.partnership_id))
            if edge.partnership_id
            else None,
            status=edge.status,
        )


@strawberry.type(description="Nodes and the edges among them.")
class Subgraph:
    nodes: list[Node]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="True when a node cap left some nodes out.")

    @classmethod
    def of(cls, graph: domain.Subgraph) -> Subgraph:
        return cls(
            nodes=[to_node(n) for n in graph.nodes],
            edges=[GraphEdge.of(e) for e in graph.edges],
            truncated=graph.truncated,
        )


@strawberry.type(description="A shortest path from one organisation to another.")
class OrganisationPath:
    hops: int = strawberry.field(
        description="Organisation-to-organisation steps, each through a partnership or a shared "
        "sandbox project."
    )
    nodes: list[Node]
    edges: list[GraphEdge]


def _global(node: domain.NodeRef) -> strawberry.ID:
    return strawberry.ID(to_global_id(node.label, node.key))


def _within(argument: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise bad_argument(argument, f"must be between {low} and {high} (got {value})")
    return value


def _organisation_key(argument: str, global_id: str) -> str:
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] not in ORGANISATIONS:
        raise bad_argument(argument, f"{global_id!r} is not the id of an Institution or TechEnterprise")
    return parsed[1]


async def _visible_node(info: Info, global_id: str) -> Any | None:
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] not in NODE_TYPES:
        raise bad_argument("id", f"{global_id!r} is not the id of a node of this graph")
    return await info.context.loaders.nodes(parsed[0]).load(parsed[1])


@strawberry.type
class ExplorationQueries:
    @strawberry.field(
        description=f"Nodes within `depth` (1 to {MAX_DEPTH}) relationships of a node, breadth first, "
        f"at most `maxNodes` (1 to {MAX_NODES}) of them (partnerships kept first when the cap bites), "
        "and the relationships walked among them. "
        "Null if there is no such node (or it is hidden from you)."
    )
    async def neighbourhood(
        self, info: Info, id: strawberry.ID, depth: int = 1, max_nodes: int = 150
    ) -> Subgraph | None:
        _within("depth", depth, 1, MAX_DEPTH)
        _within("maxNodes", max_nodes, 1, MAX_NODES)
        start = await _visible_node(info, id)
        if start is None:
            return None
        graph = await info.context.services.explorer.neighbourhood(
            start, depth, max_nodes, info.context.loaders.visibility
        )
        return Subgraph.of(graph)

    @strawberry.field(
        description="The shortest paths between two organisations through partnerships and shared "
        f"sandbox projects, at most `maxHops` (1 to {MAX_HOPS}) organisation-to-organisation steps; "
        "empty when they are not connected within that."
    )
    async def shortest_paths(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 4,
        first: int = 5,
    ) -> list[OrganisationPath]:
        source = _organisation_key("from", from_)
        target = _organisation_key("to", to)
        if source == target:
            raise bad_argument("to", "must be another organisation than `from`")
        _within("maxHops", max_hops, 1, MAX_HOPS)
        paths = await info.context.services.explorer.shortest_paths(
            source, target, max_hops, bounded_first(first), info.context.loaders.visibility
        )
        return [
            OrganisationPath(
                hops=p.hops, nodes=[to_node(n) for n in p.nodes], edges=[GraphEdge.of(e) for e in p.edges]
            )
            for p in paths
        ]

    @strawberry.field(
        description="An organisation, its partners and the partnerships among all of them (one "
        "PARTNERSHIP edge each), with partnerships of `status` (any status you may see if null); at "
        f"most `maxNodes` (2 to {MAX_NODES}) organisations. Null if there is no such organisation."
    )
    async def ego_network(
        self,
        info: Info,
        id: strawberry.ID,
        status: PartnershipStatus | None = PartnershipStatus.ACTIVE,
        max_nodes: int = 100,
    ) -> Subgraph | None:
        key = _organisation_key("id", id)
        _within("maxNodes", max_nodes, 2, MAX_NODES)
        graph = await info.context.services.explorer.ego_network(
            key, status, max_nodes, info.context.loaders.visibility
        )
        return Subgraph.of(graph) if graph else None
