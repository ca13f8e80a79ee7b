"""What the offline evaluation reads of the graph: edges with dates, capabilities, candidates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hub.db.database import Runner
from hub.db.mapping import as_date

COOPERATION_EDGES = """
MATCH (i:Institution)-[:PARTY_TO]->(p:Partnership {kind: 'COOPERATION'})<-[:PARTY_TO]-(t:TechEnterprise)
RETURN i.id AS institution, t.id AS tech, p.proposedOn AS on, p.status AS status
"""

SOUGHT = "MATCH (i:Institution)-[:SEEKS]->(c:Capability) RETURN i.id AS id, collect(c.id) AS capabilities"

OFFERED = """
MATCH (t:TechEnterprise)-[o:OFFERS]->(c:Capability)
RETURN t.id AS id, collect({name: c.id, maturity: o.maturity}) AS offers
"""

TECH_IDS = "MATCH (t:TechEnterprise) RETURN collect(t.id) AS ids"


@dataclass(frozen=True, slots=True)
class Edge:
    institution: str
    tech: str
    on: date
    status: str


@dataclass
class Snapshot:
    edges: list[Edge]
    sought: dict[str, list[str]] = field(default_factory=dict)
    offered: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    techs: list[str] = field(default_factory=list)


async def snapshot(db: Runner) -> Snapshot:
    edges = [
        Edge(r["institution"], r["tech"], as_date(r["on"]) or date.min, r["status"])
        for r in await db.read(COOPERATION_EDGES)
    ]
    sought = {r["id"]: r["capabilities"] for r in await db.read(SOUGHT)}
    offered = {r["id"]: r["offers"] for r in await db.read(OFFERED)}
    techs = (await db.read(TECH_IDS))[0]["ids"]
    return Snapshot(edges, sought, offered, sorted(techs))
