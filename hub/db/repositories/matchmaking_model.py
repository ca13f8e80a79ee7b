"""What the learned matchmaking reads and keeps: the graph's snapshot rows, live exclusions of a
party, the candidates' nodes, and the fitted models (one :MatchmakingModel node per query)."""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from hub.db.database import Database, Runner
from hub.db.mapping import organisation
from hub.domain.models import Organisation

# The snapshot, read in pages of organisations by id (`SNAPSHOT_PAGE` organisations a statement):
# each page is one record of compact lists (no map per row), so the driver decodes a few large
# messages instead of 400,000 small records. On 100,000 organisations that read took 50 s, most of
# it the async driver's work per record, not Neo4j's (bench/profiling.md). Each partnership comes
# once, from the party with the smaller id, with whether that party proposed it; dates as ISO text.
# The pages follow the id index in order (a seek, not a sort of every organisation per page).
SNAPSHOT_PAGE: LiteralString = (
    "MATCH (a:Organisation) WHERE a.id > $after "
    "WITH a ORDER BY a.id LIMIT $page "
    "WITH collect(a) AS page "
    "RETURN page[-1].id AS last, "
    "[a IN page | [a.id, a.name, CASE WHEN a:Institution THEN a.kind END, a:Institution, a.homeCountry, "
    "  [(a)-[:LOCATED_IN]->(z:Zone) | z.id][0], "
    "  CASE WHEN a:Institution THEN [(a)-[:SEEKS]->(c:Capability) | c.id] ELSE [] END, "
    "  CASE WHEN a:TechEnterprise "
    "    THEN [(a)-[o:OFFERS]->(c:Capability) | [c.id, coalesce(o.maturity, 'EMERGING')]] ELSE [] END, "
    "  [(a)-[:PARTICIPATES_IN]->(s:SandboxProject) | s.name]]] AS organisations, "
    "COLLECT { UNWIND page AS a "
    "  MATCH (a)-[ra:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(b:Organisation) WHERE a.id < b.id "
    "  RETURN [a.id, b.id, p.kind, toString(p.proposedOn), p.status, ra.role = 'PROPOSER'] } AS links"
)
PAGE = 10_000

DISMISSALS: LiteralString = (
    "MATCH (a:Organisation)-[:DISMISSED]->(b:Organisation) RETURN collect([a.id, b.id]) AS pairs"
)

# Read at every request, so an answer given a second ago already counts; no row when there is no
# such party of that label (the request's not-found check, without a round trip of its own).
LIVE_EXCLUSIONS: LiteralString = (
    "MATCH (o:Organisation {id: $id}) WHERE $label IN labels(o) "
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


async def snapshot_rows(db: Database, page: int = PAGE) -> dict[str, list[dict[str, Any]]]:
    """The graph's organisations, partnerships, capabilities, sandbox projects and dismissals."""
    rows: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("organisations", "links", "sought", "offered", "projects")
    }
    dates: dict[str | None, date] = {None: date.min}  # a few thousand distinct days among the links
    after = ""  # below every id
    while True:
        # read_single: the record as decoded, without data()'s walk over its 100,000s of values.
        record = await db.read_single(SNAPSHOT_PAGE, after=after, page=page)
        if record["last"] is None:
            break
        after = record["last"]
        for oid, name, kind, institution, country, zone, sought, offers, projects in record["organisations"]:
            rows["organisations"].append(
                {
                    "id": oid,
                    "name": name,
                    "kind": kind,
                    "institution": institution,
                    "country": country,
                    "zone": zone,
                }
            )
            if sought:
                rows["sought"].append({"id": oid, "ids": sought})
            if offers:
                rows["offered"].append({"id": oid, "offers": offers})
            if projects:
                rows["projects"].append({"id": oid, "names": projects})
        for a, b, kind, on, status, a_proposed in record["links"]:
            day = dates.get(on)
            if day is None:
                day = dates[on] = date.fromisoformat(on)
            rows["links"].append(
                {"a": a, "b": b, "kind": kind, "on": day, "status": status, "aProposed": a_proposed}
            )
    pairs = (await db.read_single(DISMISSALS))["pairs"]
    rows["dismissals"] = [{"a": a, "b": b} for a, b in pairs]
    return rows


async def live_exclusions(db: Runner, party_id: str, label: str) -> set[str] | None:
    """The party's open partners and dismissed candidates; None if there is no such `label`."""
    rows = await db.read(LIVE_EXCLUSIONS, id=party_id, label=label)
    return set(rows[0]["ids"]) if rows else None


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
