"""Exploring the graph: bounded neighbourhoods, shortest paths, ego networks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hub.db.database import Database
from hub.db.mapping import node_record
from hub.db.repositories import exploration as repo
from hub.domain.enums import PartnershipStatus
from hub.domain.principal import Visibility
from hub.domain.subgraph import PARTNERSHIP, Edge, NodeRef, Path, Subgraph, ref

MAX_DEPTH = 3
MAX_NODES = 500
MAX_HOPS = 6
ORGANISATIONS = frozenset({"Institution", "TechEnterprise"})
ROWS_PER_LAYER = 5000  # relationships read per breadth-first layer, at most


def _frontier_label(label: str) -> str:
    return "Organisation" if label in ORGANISATIONS else label


class Explorer:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def neighbourhood(self, start: Any, depth: int, max_nodes: int, visibility: Visibility) -> Subgraph:
        """Nodes within `depth` relationships of `start`, breadth first, at most `max_nodes` of them;
        `truncated` says some were left out. Edges are those walked between kept nodes."""
        graph = Subgraph(nodes=[start])
        kept: set[NodeRef] = {ref(start)}
        edges: dict[str, Edge] = {}
        frontier = [ref(start)]
        for _ in range(depth):
            if not frontier:
                break
            grouped: dict[str, list[str]] = {}
            for node in frontier:
                grouped.setdefault(_frontier_label(node.label), []).append(node.key)
            rows = await repo.neighbours(
                self.db,
                frontier=grouped,
                per_node=max_nodes,  # no node can bring more new nodes than the cap
                limit=ROWS_PER_LAYER,
                visibility=visibility,
            )
            per_group = Counter((row["fromLabel"], row["fromId"], row["priority"]) for row in rows)
            if len(rows) == ROWS_PER_LAYER or max(per_group.values(), default=0) == max_nodes:
                graph.truncated = True  # a node had more neighbours than were read
            next_frontier: list[NodeRef] = []
            for row in rows:
                here = NodeRef(row["fromLabel"], row["fromId"])
                there = NodeRef(row["node"]["__type"], row["node"]["id"])
                if there not in kept:
                    if len(kept) >= max_nodes:
                        graph.truncated = True
                        continue
                    kept.add(there)
                    graph.nodes.append(node_record(row["node"]))
                    next_frontier.append(there)
                source, target = (here, there) if row["outgoing"] else (there, here)
                edge = Edge(row["type"], source, target)
                edges.setdefault(edge.key, edge)
            frontier = next_frontier
        graph.edges = list(edges.values())
        return graph

    async def shortest_paths(
        self, source_id: str, target_id: str, max_hops: int, limit: int, visibility: Visibility
    ) -> list[Path]:
        """The shortest paths from one organisation to another through partnerships and shared
        sandbox projects, at most `max_hops` organisation-to-organisation steps long."""
        rows = await repo.shortest_paths(
            self.db,
            source=source_id,
            target=target_id,
            max_length=2 * max_hops,
            limit=limit,
            visibility=visibility,
        )
        paths = []
        for row in rows:
            nodes = [node_record(props) for props in row["nodes"]]
            refs = {r.key: r for r in map(ref, nodes)}
            edges = [Edge(rel["type"], refs[rel["from"]], refs[rel["to"]]) for rel in row["rels"]]
            paths.append(Path(nodes, edges))
        return paths

    async def ego_network(
        self,
        organisation_id: str,
        status: PartnershipStatus | None,
        max_nodes: int,
        visibility: Visibility,
    ) -> Subgraph | None:
        """The organisation, its partners (at most `max_nodes` - 1) and the partnerships among all
        of them, each partnership one PARTNERSHIP edge."""
        row = await repo.ego_network(
            self.db,
            organisation_id=organisation_id,
            status=status.value if status else None,
            limit=max_nodes,  # one more than room, to tell whether any were left out
            visibility=visibility,
        )
        if row is None:
            return None
        members = [node_record(props) for props in row["members"]]
        truncated = len(members) > max_nodes
        members = members[:max_nodes]
        refs = {r.key: r for r in map(ref, members)}
        edges = [
            Edge(PARTNERSHIP, refs[t["from"]], refs[t["to"]], t["id"], PartnershipStatus(t["status"]))
            for t in row["ties"]
            if t["from"] in refs and t["to"] in refs
        ]
        return Subgraph(members, edges, truncated)
