"""Pieces of the graph handed to analysts: nodes, the edges between them, paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hub.domain.enums import PartnershipStatus

PARTNERSHIP = "PARTNERSHIP"
"""The type of an edge that stands for a whole partnership between two organisations."""


@dataclass(frozen=True, slots=True)
class NodeRef:
    label: str  # Institution, TechEnterprise, Partnership, Capability, ...
    key: str


@dataclass(frozen=True, slots=True)
class Edge:
    type: str  # a relationship type of the graph (PARTY_TO, USES, ...) or PARTNERSHIP
    source: NodeRef
    target: NodeRef
    partnership_id: str | None = None  # PARTNERSHIP edges: the partnership they stand for
    status: PartnershipStatus | None = None

    @property
    def key(self) -> str:
        return f"{self.type}:{self.source.label}:{self.source.key}:{self.target.label}:{self.target.key}" + (
            f":{self.partnership_id}" if self.partnership_id else ""
        )


@dataclass(slots=True)
class Subgraph:
    """Nodes (domain records), the edges among them, and whether a cap cut it short."""

    nodes: list[Any] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Path:
    nodes: list[Any]  # domain records from one organisation to the other
    edges: list[Edge]

    @property
    def hops(self) -> int:
        """Organisation-to-organisation steps (each through a partnership or a shared project)."""
        return len(self.edges) // 2


def ref(record: Any) -> NodeRef:
    """The reference of a domain record: its class name and id."""
    return NodeRef(type(record).__name__, record.id)
