"""The partnership network as the measures see it, and the measures kept on the graph.

Each organisation carries its measures as properties (`networkDegree`, `networkPagerank`,
`networkBetweenness`, `networkCommunity`); the communities are `NetworkCommunity` nodes, and one
`NetworkSnapshot` node says when and over what they were computed. A refresh replaces all of them
in one transaction, so readers see one computation or the next, never a mix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from hub.db.database import Database, Runner, Statement, Transaction
from hub.db.repositories import events
from hub.domain.events import NewEvent
from hub.domain.network import NetworkPosition

ORGANISATIONS = """
MATCH (o:Organisation)
RETURN collect(o.id) AS ids, collect(o:Institution) AS institutions
"""

ACTIVE_TIES = """
MATCH (a:Organisation)-[:PARTY_TO]->(:Partnership {status: 'ACTIVE'})<-[:PARTY_TO]-(b:Organisation)
WHERE a.id < b.id
RETURN collect(a.id) AS a, collect(b.id) AS b
"""

SET_POSITIONS = """
UNWIND $rows AS row
MATCH (o:Organisation {id: row.id})
SET o.networkDegree = row.degree, o.networkPagerank = row.pagerank,
    o.networkBetweenness = row.betweenness, o.networkCommunity = row.community
"""

CLEAR_COMMUNITIES = "MATCH (c:NetworkCommunity) DETACH DELETE c"
CREATE_COMMUNITIES = "UNWIND $rows AS row CREATE (c:NetworkCommunity) SET c = row"
SET_SNAPSHOT = "MERGE (s:NetworkSnapshot {id: 'partnerships'}) SET s = $snapshot, s.id = 'partnerships'"

SNAPSHOT = "MATCH (s:NetworkSnapshot {id: 'partnerships'}) RETURN s {.*} AS snapshot"

# One constant per measure, so each ranking is read in order from its index.
RANKED: dict[str, LiteralString] = {
    "DEGREE": (
        "MATCH (o:Organisation) WHERE o.networkDegree IS NOT NULL "
        "WITH o ORDER BY o.networkDegree DESC, o.id LIMIT $limit RETURN o.id AS id"
    ),
    "PAGERANK": (
        "MATCH (o:Organisation) WHERE o.networkPagerank IS NOT NULL "
        "WITH o ORDER BY o.networkPagerank DESC, o.id LIMIT $limit RETURN o.id AS id"
    ),
    "BETWEENNESS": (
        "MATCH (o:Organisation) WHERE o.networkBetweenness IS NOT NULL "
        "WITH o ORDER BY o.networkBetweenness DESC, o.id LIMIT $limit RETURN o.id AS id"
    ),
}

POSITIONS_OF = """
UNWIND $ids AS id
MATCH (o:Organisation {id: id}) WHERE o.networkDegree IS NOT NULL
RETURN id, o.networkDegree AS degree, o.networkPagerank AS pagerank,
       o.networkBetweenness AS betweenness, o.networkCommunity AS community
"""

COMMUNITIES = """
MATCH (c:NetworkCommunity)
WITH c ORDER BY c.id LIMIT $limit
RETURN c {.*} AS community
"""

ROWS_PER_STATEMENT = 20_000


async def organisations(db: Runner) -> dict[str, Any]:
    rows = await db.read(ORGANISATIONS)
    return rows[0]


async def active_ties(db: Runner) -> dict[str, Any]:
    rows = await db.read(ACTIVE_TIES)
    return rows[0]


async def replace(
    db: Database,
    positions: Sequence[dict[str, Any]],
    communities: Sequence[dict[str, Any]],
    snapshot: dict[str, Any],
    event: NewEvent,
) -> None:
    """The new measures and their event, in one transaction."""
    statements: list[Statement] = [
        (SET_POSITIONS, {"rows": list(positions[i : i + ROWS_PER_STATEMENT])})
        for i in range(0, len(positions), ROWS_PER_STATEMENT)
    ]
    statements += [
        (CLEAR_COMMUNITIES, {}),
        (CREATE_COMMUNITIES, {"rows": list(communities)}),
        (SET_SNAPSHOT, {"snapshot": snapshot}),
    ]

    async def work(tx: Transaction) -> None:
        for query, params in statements:
            await tx.write(query, **params)
        await events.append(tx, event)

    await db.transaction(work)


async def snapshot(db: Runner) -> dict[str, Any] | None:
    rows = await db.read(SNAPSHOT)
    return rows[0]["snapshot"] if rows else None


async def ranked(db: Runner, *, measure: str, limit: int) -> list[str]:
    return [row["id"] for row in await db.read(RANKED[measure], limit=limit)]


async def positions_of(db: Runner, *, ids: list[str]) -> dict[str, NetworkPosition]:
    """Where each of `ids` stands; organisations registered since the last refresh are absent."""
    return {
        row["id"]: NetworkPosition(
            row["id"], row["degree"], row["pagerank"], row["betweenness"], row["community"]
        )
        for row in await db.read(POSITIONS_OF, ids=ids)
    }


async def communities(db: Runner, *, limit: int) -> list[dict[str, Any]]:
    return [row["community"] for row in await db.read(COMMUNITIES, limit=limit)]
