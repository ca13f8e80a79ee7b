"""The ranker's snapshot of the graph: read in pages of organisations, one record per page (on
100,000 organisations, 400,000 records of maps took the API process minutes to decode under load;
bench/profiling.md), and the same graph whatever the page size."""

from __future__ import annotations

import math
from datetime import date

from hub.db.database import Database
from hub.db.repositories.matchmaking_model import snapshot_rows


def _sorted(rows: dict[str, list[dict[str, object]]]) -> dict[str, list[str]]:
    return {k: sorted(repr(sorted(r.items())) for r in v) for k, v in rows.items()}


async def test_the_snapshot_is_read_in_pages_of_one_record_each(seeded: Database) -> None:
    counts = (
        await seeded.read(
            "MATCH (o:Organisation) WITH count(o) AS orgs "
            "MATCH (p:Partnership) WHERE COUNT { (p)<-[:PARTY_TO]-(:Organisation) } = 2 "
            "RETURN orgs, count(p) AS partnerships"
        )
    )[0]
    before = seeded.round_trips
    paged = await snapshot_rows(seeded, page=7)
    # One statement (one record) per page, one that finds the end, one for the dismissals.
    assert seeded.round_trips - before == math.ceil(counts["orgs"] / 7) + 2
    assert len(paged["organisations"]) == counts["orgs"]
    assert len(paged["links"]) == counts["partnerships"]
    assert all(isinstance(r["on"], date) for r in paged["links"])
    assert _sorted(paged) == _sorted(await snapshot_rows(seeded))


async def test_the_snapshot_holds_each_organisations_capabilities_and_projects(seeded: Database) -> None:
    rows = await snapshot_rows(seeded, page=3)
    sought = {r["id"]: set(r["ids"]) for r in rows["sought"]}
    offered = {r["id"]: dict(r["offers"]) for r in rows["offered"]}
    expected_sought = {
        r["id"]: set(r["ids"])
        for r in await seeded.read(
            "MATCH (i:Institution)-[:SEEKS]->(c:Capability) RETURN i.id AS id, collect(c.id) AS ids"
        )
    }
    expected_offered = {
        r["id"]: dict(r["offers"])
        for r in await seeded.read(
            "MATCH (t:TechEnterprise)-[o:OFFERS]->(c:Capability) "
            "RETURN t.id AS id, collect([c.id, coalesce(o.maturity, 'EMERGING')]) AS offers"
        )
    }
    assert sought == expected_sought and sought
    assert offered == expected_offered and offered
