"""What the learned matchmaking reads and keeps: the graph's snapshot rows, live exclusions of a
party, the candidates' nodes, and the fitted models (one :MatchmakingModel node per query)."""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from hub.db.database import Runner
from hub.db.mapping import as_date, organisation
from hub.domain.models import Organisation

ORGANISATIONS: LiteralString = (
    "MATCH (o:Organisation) "
    "RETURN o.id AS id, o.name AS name, CASE WHEN o:Institution THEN o.kind END AS kind, "
    "o:Institution AS institution, o.homeCountry AS country, "
    "[(o)-[:LOCATED_IN]->(z:Zone) | z.id][0] AS zone"
)

# Each partnership once, from the party with the smaller id, with the party that proposed it.
LINKS: LiteralString = (
    "MATCH (a:Organisation)-[ra:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(b:Organisation) WHERE a.id < b.id "
    "RETURN a.id AS a, b.id AS b, p.kind AS kind, p.proposedOn AS on, p.status AS status, "
    "ra.role = 'PROPOSER' AS aProposed"
)

SOUGHT: LiteralString = (
    "MATCH (i:Institution)-[:SEEKS]->(c:Capability) RETURN i.id AS id, collect(c.id) AS ids"
)
OFFERED: LiteralString = (
    "MATCH (t:TechEnterprise)-[o:OFFERS]->(c:Capability) "
    "RETURN t.id AS id, collect([c.id, coalesce(o.maturity, 'EMERGING')]) AS offers"
)
PROJECTS: LiteralString = "MATCH (o:Organisation)-[:PARTICIPATES_IN]->(p:SandboxProject) RETURN o.id AS id, collect(p.name) AS names"
DISMISSALS: LiteralString = (
    "MATCH (a:Organisation)-[:DISMISSED]->(b:Organisation) RETURN a.id AS a, b.id AS b"
)

# Read at every request, so an answer given a second ago already counts.
LIVE_EXCLUSIONS: LiteralString = (
    "MATCH (o:Organisation {id: $id}) "
    "RETURN [(o)-[:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(x:Organisation) "
    "WHERE p.status IN ['ACTIVE', 'PROPOSED'] | x.id] + [(o)-[:DISMISSED]->(d:Organisation) | d.id] AS ids"
)

CANDIDATE_NODES: LiteralString = (
    "UNWIND $ids AS id MATCH (n:Organisation {id: id}) "
    "RETURN n {.*, __type: CASE WHEN n:Institution THEN 'Institution' ELSE 'TechEnterprise' END} AS node"
)

STORE_MODEL: LiteralString = (
    "MERGE (m:MatchmakingModel {query: $query}) "
    "SET m += $props, m.version = coalesce(m.version, 0) + 1 "
    "RETURN m.version AS version"
)

# Changes whenever what the ranker learns from changes: organisations, partnerships, dismissals.
SIGNATURE: LiteralString = (
    "CALL () { MATCH (o:Organisation) RETURN count(o) AS orgs } "
    "CALL () { MATCH (p:Partnership) RETURN count(p) AS partnerships, max(p.proposedOn) AS newest, "
    "  sum(CASE p.status WHEN 'DECLINED' THEN 1 ELSE 0 END) AS declined } "
    "CALL () { MATCH ()-[d:DISMISSED]->() RETURN count(d) AS dismissals } "
    "RETURN orgs, partnerships, toString(newest) AS newest, declined, dismissals"
)

MODELS: LiteralString = "MATCH (m:MatchmakingModel) RETURN m {.*} AS model ORDER BY m.query"


async def snapshot_rows(db: Runner) -> dict[str, list[dict[str, Any]]]:
    return {
        "organisations": await db.read(ORGANISATIONS),
        "links": [r | {"on": as_date(r["on"]) or date.min} for r in await db.read(LINKS)],
        "sought": await db.read(SOUGHT),
        "offered": await db.read(OFFERED),
        "projects": await db.read(PROJECTS),
        "dismissals": await db.read(DISMISSALS),
    }


async def live_exclusions(db: Runner, party_id: str) -> set[str]:
    rows = await db.read(LIVE_EXCLUSIONS, id=party_id)
    return set(rows[0]["ids"]) if rows else set()


async def candidate_nodes(db: Runner, ids: list[str]) -> dict[str, Organisation]:
    rows = await db.read(CANDIDATE_NODES, ids=ids)
    nodes = [organisation(r["node"]) for r in rows]
    return {n.id: n for n in nodes}


async def store_model(db: Runner, query: str, props: dict[str, Any]) -> int:
    rows = await db.write(STORE_MODEL, query=query, props=props)
    return int(rows[0]["version"])


async def graph_signature(db: Runner) -> str:
    row = (await db.read(SIGNATURE))[0]
    return "/".join(str(row[k]) for k in ("orgs", "partnerships", "newest", "declined", "dismissals"))


async def models(db: Runner) -> list[dict[str, Any]]:
    return [r["model"] for r in await db.read(MODELS)]
