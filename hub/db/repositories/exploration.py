"""Walking the graph for analysts: one breadth-first layer of a neighbourhood, shortest paths
between organisations, the partnerships around an organisation. Hidden partnerships stay hidden."""

from __future__ import annotations

from typing import Any, LiteralString

from hub.db.cypher import visible_partnership
from hub.db.database import Runner
from hub.domain.principal import Visibility

# The label a node is shown as: Institution or TechEnterprise rather than their shared Organisation.
LABEL_A: LiteralString = "[l IN labels(a) WHERE l <> 'Organisation'][0]"
LABEL_B: LiteralString = "[l IN labels(b) WHERE l <> 'Organisation'][0]"

# The relationships an analyst walks; DISMISSED (matchmaking feedback) and audit data are private.
# When the node cap bites, who works with whom (partnerships, sandbox participation) is kept before
# the context (capabilities, zones, batches, awards). No node contributes more than `$perNode` of
# each, so a zone with 20,000 organisations costs no more than a small one.
COOPERATION: LiteralString = "PARTY_TO|PARTICIPATES_IN"
CONTEXT: LiteralString = "OFFERS|SEEKS|LOCATED_IN|IN_BATCH|USES|WON"

# Frontier nodes come grouped by label so every lookup is an index seek.
FRONTIER_PARAMS = {
    "Organisation": "organisations",
    "Partnership": "partnerships",
    "Capability": "capabilities",
    "SandboxBatch": "batches",
    "SandboxProject": "projects",
    "Zone": "zones",
    "Award": "awards",
}

NEIGHBOURS = (
    """
CALL () {
  MATCH (a:Organisation) WHERE a.id IN $organisations RETURN a
  UNION MATCH (a:Partnership) WHERE a.id IN $partnerships RETURN a
  UNION MATCH (a:Capability) WHERE a.id IN $capabilities RETURN a
  UNION MATCH (a:SandboxBatch) WHERE a.id IN $batches RETURN a
  UNION MATCH (a:SandboxProject) WHERE a.id IN $projects RETURN a
  UNION MATCH (a:Zone) WHERE a.id IN $zones RETURN a
  UNION MATCH (a:Award) WHERE a.id IN $awards RETURN a
}
CALL (a) {
  MATCH (a)-[r:"""
    + COOPERATION
    + """]-(b)
  WHERE NOT b:Partnership OR """
    + visible_partnership("b")
    + """
  RETURN r, b, 0 AS priority LIMIT $perNode
  UNION
  MATCH (a)-[r:"""
    + CONTEXT
    + """]-(b)
  RETURN r, b, 1 AS priority LIMIT $perNode
}
WITH a, r, b, priority ORDER BY priority, a.id, type(r), b.id LIMIT $limit
RETURN """
    + LABEL_A
    + """ AS fromLabel, a.id AS fromId, priority, type(r) AS type, startNode(r) = a AS outgoing,
       b {.*, __type: """
    + LABEL_B
    + """} AS node
"""
)

# Organisation to organisation through partnerships and shared sandbox projects. The upper bound
# of a quantifier must be a literal: 12 relationships are 6 organisation-to-organisation hops;
# `$maxLength` cuts shorter. The visibility rule is spelled out here rather than with
# `visible_partnership`: Neo4j 2026.08 cannot plan an EXISTS subquery inside a quantified path
# pattern, so the caller's own hidden partnerships are collected first.
SHORTEST_PATHS = """
CALL () {
  OPTIONAL MATCH (:Organisation {id: $viewerOrg})-[:PARTY_TO]->(h:Partnership)
  WHERE NOT h.status IN ['ACTIVE', 'ENDED']
  RETURN collect(h.id) AS own
}
MATCH p = ALL SHORTEST (a:Organisation {id: $from})
  ((x)-[:PARTY_TO|PARTICIPATES_IN]-(y)
   WHERE NOT y:Partnership OR $seesAll OR y.status IN ['ACTIVE', 'ENDED'] OR y.id IN own){1,12}
  (b:Organisation {id: $to})
WHERE length(p) <= $maxLength
WITH p LIMIT $limit
RETURN [n IN nodes(p) | n {.*, __type: [l IN labels(n) WHERE l <> 'Organisation'][0]}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id}] AS rels
"""
EGO_NETWORK = (
    """
MATCH (e:Organisation {id: $id})
CALL (e) {
  MATCH (e)-[:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(alter:Organisation)
  WHERE ($status IS NULL OR p.status = $status) AND """
    + visible_partnership("p")
    + """
  WITH DISTINCT alter ORDER BY alter.id LIMIT $limit
  RETURN collect(alter) AS alters
}
WITH [e] + alters AS members
CALL (members) {
  UNWIND members AS a
  MATCH (a)-[:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(b:Organisation)
  WHERE a.id < b.id AND b IN members AND ($status IS NULL OR p.status = $status) AND """
    + visible_partnership("p")
    + """
  WITH a, b, p ORDER BY a.id, b.id, p.id
  RETURN collect({from: a.id, to: b.id, id: p.id, status: p.status}) AS ties
}
RETURN [m IN members | m {.*, __type: [l IN labels(m) WHERE l <> 'Organisation'][0]}] AS members, ties
"""
)


async def neighbours(
    db: Runner, *, frontier: dict[str, list[str]], per_node: int, limit: int, visibility: Visibility
) -> list[dict[str, Any]]:
    """The walked relationships of the frontier nodes (by label): at most `per_node` of each kind
    for one node, at most `limit` in all."""
    params = {param: frontier.get(label, []) for label, param in FRONTIER_PARAMS.items()}
    return await db.read(NEIGHBOURS, perNode=per_node, limit=limit, **params, **visibility.params())


async def shortest_paths(
    db: Runner, *, source: str, target: str, max_length: int, limit: int, visibility: Visibility
) -> list[dict[str, Any]]:
    return await db.read(
        SHORTEST_PATHS,
        **{"from": source, "to": target},
        maxLength=max_length,
        limit=limit,
        **visibility.params(),
    )


async def ego_network(
    db: Runner, *, organisation_id: str, status: str | None, limit: int, visibility: Visibility
) -> dict[str, Any] | None:
    rows = await db.read(EGO_NETWORK, id=organisation_id, status=status, limit=limit, **visibility.params())
    return rows[0] if rows else None
