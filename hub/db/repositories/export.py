"""The rows of a filtered subgraph export, streamed: organisations, then the partnerships among them.

Both statements share one organisation filter, so an edge is exported exactly when both of its
organisations are. The organisations' property columns come from the model (hub/model/graph.py):
each property of an organisation type that is `exported`, in the model's order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, LiteralString

from hub.db.cypher import visible_partnership
from hub.db.database import Database, Row
from hub.domain.principal import Visibility
from hub.model.graph import MODEL
from hub.model.types import Kind, Prop


def _exported(type_name: str) -> tuple[Prop, ...]:
    """The exported properties of the node types `type_name` stands for, each once, in order."""
    props: dict[str, Prop] = {}
    for member in MODEL.members(type_name):
        for prop in MODEL.node(member).props:
            if prop.exported and prop.kind is not Kind.ID:
                props.setdefault(prop.name, prop)
    return tuple(props.values())


PROPS = _exported("Organisation")
NETWORK_COLUMNS = ("degree", "pagerank", "betweenness", "community")
NODE_COLUMNS = ("id", "type", *(p.name for p in PROPS), "zone", *NETWORK_COLUMNS)


def _projection(props: tuple[Prop, ...]) -> LiteralString:
    """A map projection of `o` holding `props` by property name; dates as ISO strings."""
    entries: LiteralString = ""
    for prop in props:
        entry = prop.prop + ": toString(o." + prop.prop + ")" if prop.kind is Kind.DATE else "." + prop.prop
        entries = entries + (", " if entries else "") + entry
    return "o {" + entries + "}"


def _selected(o: LiteralString) -> LiteralString:
    """Whether organisation `o` passes the export's filters ($type, $kind, $country, $zone, $capability)."""
    return (
        "($type IS NULL OR ($type = 'Institution' AND " + o + ":Institution) "
        "OR ($type = 'TechEnterprise' AND " + o + ":TechEnterprise)) "
        "AND ($kind IS NULL OR " + o + ":TechEnterprise OR " + o + ".kind = $kind) "
        "AND ($country IS NULL OR " + o + ".homeCountry = $country) "
        "AND ($zone IS NULL OR EXISTS { (" + o + ")-[:LOCATED_IN]->(:Zone {id: $zone}) }) "
        "AND ($capability IS NULL OR EXISTS { (" + o + ")-[:OFFERS|SEEKS]->(:Capability {id: $capability}) })"
    )


NODES = (
    "MATCH (o:Organisation) WHERE "
    + _selected("o")
    + """
OPTIONAL MATCH (o)-[:LOCATED_IN]->(z:Zone)
RETURN o.id AS id, CASE WHEN o:Institution THEN 'Institution' ELSE 'TechEnterprise' END AS type,
       """
    + _projection(PROPS)
    + """ AS props, z.id AS zone, o.networkDegree AS degree,
       o.networkPagerank AS pagerank, o.networkBetweenness AS betweenness,
       o.networkCommunity AS community
ORDER BY o.id
"""
)

COUNT_NODES = "MATCH (o:Organisation) WHERE " + _selected("o") + " RETURN count(o) AS organisations"

EDGES = (
    """
MATCH (a:Organisation)-[:PARTY_TO {role: 'PROPOSER'}]->(p:Partnership)<-[:PARTY_TO {role: 'RECIPIENT'}]-(b:Organisation)
WHERE p.status IN $statuses AND ($partnershipKind IS NULL OR p.kind = $partnershipKind)
  AND """
    + visible_partnership("p")
    + " AND "
    + _selected("a")
    + " AND "
    + _selected("b")
    + """
RETURN p.id AS id, a.id AS source, b.id AS target, p.kind AS kind, p.status AS status,
       toString(p.proposedOn) AS proposedOn, toString(p.startedOn) AS startedOn,
       toString(p.endedOn) AS endedOn
ORDER BY p.id
"""
)


def _column(value: Any) -> Any:
    return ";".join(value) if isinstance(value, list) else value  # a list of strings in one cell


async def nodes(db: Database, filters: dict[str, Any], time_limit: float | None) -> AsyncIterator[Row]:
    """The selected organisations, one row of NODE_COLUMNS each."""
    async for row in db.stream(NODES, time_limit=time_limit, **filters):
        props = row.pop("props")
        yield {**row, **{p.name: _column(props.get(p.prop)) for p in PROPS}}


async def count_nodes(db: Database, filters: dict[str, Any]) -> int:
    rows = await db.read(COUNT_NODES, **filters)
    return int(rows[0]["organisations"])


def edges(
    db: Database, filters: dict[str, Any], visibility: Visibility, time_limit: float | None
) -> AsyncIterator[Row]:
    return db.stream(EDGES, time_limit=time_limit, **filters, **visibility.params())
