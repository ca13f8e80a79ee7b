"""A page filtered on a related node with very many relationships (a capability thousands of
enterprises offer, a busy organisation's partnerships) reads the ordering's index and keeps the
nodes the filter selects, instead of reading and sorting every one of them (hub/model/types.py
`Dense`); a page on a sparse node still starts from it. Either way the answer is the executor's.

The seed graph's nodes are all sparse, so each test first makes some dense: 400 tech enterprises
offering cloud, located in one zone, and 400 partnerships of one bank."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from neo4j import Query

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.compiled.operations import CompiledReads
from hub.graphql.relay import to_global_id
from hub.graphql.schema import build_schema
from hub.settings import Settings
from tests.graphql.compiled.paths import both_paths
from tests.graphql.compiled.test_differential import CALLERS

DENSE = 400
CLOUD = to_global_id("Capability", "cloud")
PAYMENTS = to_global_id("Capability", "payments")  # not made dense
ZONE = to_global_id("Zone", "financial-street")
HUDSON = to_global_id("Institution", "hudson-ridge-bank")

_MORE_ENTERPRISES = """
UNWIND $rows AS row
MATCH (c:Capability {id: 'cloud'}), (z:Zone {id: 'financial-street'})
CREATE (t:Organisation:TechEnterprise {id: row.id, name: row.name, homeCountry: row.country,
        founded: date(row.founded), employees: 10})
CREATE (t)-[:OFFERS {maturity: row.maturity}]->(c)
CREATE (t)-[:LOCATED_IN]->(z)
"""

_MORE_PARTNERSHIPS = """
UNWIND $rows AS row
MATCH (b:Organisation {id: 'hudson-ridge-bank'}), (t:Organisation {id: row.other})
CREATE (p:Partnership {id: row.id, kind: 'COOPERATION', status: row.status, title: row.title,
        proposedOn: date(row.proposedOn)})
CREATE (b)-[:PARTY_TO {role: 'PROPOSER'}]->(p)
CREATE (t)-[:PARTY_TO {role: 'RECIPIENT'}]->(p)
"""


@pytest.fixture
async def dense(seeded: Database) -> Database:
    draw = random.Random(11)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    enterprises = [
        {
            "id": f"dense-tech-{i:03d}",
            # Names shared by several enterprises, so the id must break ties in both reads.
            "name": "".join(draw.choice(letters) for _ in range(2)) + " Cloud",
            "country": draw.choice(["CN", "SG", "US"]),
            "founded": f"20{draw.randint(10, 23)}-0{draw.randint(1, 9)}-1{draw.randint(0, 9)}",
            "maturity": draw.choice(["EMERGING", "PROVEN", "MATURE"]),
        }
        for i in range(DENSE)
    ]
    partnerships = [
        {
            "id": f"dense-p-{i:03d}",
            "other": enterprises[draw.randrange(DENSE)]["id"],
            "status": draw.choice(["PROPOSED", "ACTIVE", "DECLINED", "ENDED"]),
            "title": f"Dense cooperation {draw.randint(0, 99):02d}",
            "proposedOn": f"202{draw.randint(0, 5)}-0{draw.randint(1, 9)}-0{draw.randint(1, 9)}",
        }
        for i in range(DENSE)
    ]
    await seeded.write(_MORE_ENTERPRISES, rows=enterprises)
    await seeded.write(_MORE_PARTNERSHIPS, rows=partnerships)
    return seeded


async def _index_rows(db: Database, query: str, variables: dict[str, Any]) -> tuple[int, int]:
    """Rows read from the ordering's index and rows expanded from the related node, as Neo4j
    counted them running the compiled statement."""
    ready = CompiledReads(build_schema()._schema).prepare(query, None, variables)
    assert ready is not None, "the read is compiled"
    params = {**ready.params, "viewerOrg": None, "seesAll": True}
    async with db.driver.session(database=db.name) as session:
        result = await session.run(Query("PROFILE " + ready.text), params)
        summary = await result.consume()
    assert summary.profile is not None
    scanned = expanded = 0
    stack = [summary.profile]
    while stack:
        plan = stack.pop()
        details = str(plan.get("args", {}).get("Details", ""))
        if plan["operatorType"].startswith("NodeIndexScan") and "(name)" in details:
            scanned += plan["rows"]
        if plan["operatorType"].startswith("Expand") and "<-[:OFFERS]-(v1)" in details:
            expanded += plan["rows"]  # from the capability to its providers
        stack.extend(plan.get("children", []))
    return scanned, expanded


PAGE = "query($c: ID!, $n: Int) { techEnterprises(first: $n, filter: {capabilityId: $c}) { nodes { name } } }"


async def test_a_dense_node_is_read_through_the_ordering_index(dense: Database) -> None:
    scanned, expanded = await _index_rows(dense, PAGE, {"c": CLOUD, "n": 20})
    assert expanded == 0, "the capability's 400 offers were not read"
    assert 0 < scanned < DENSE, scanned  # a page's worth of the name index, not all of it


async def test_a_sparse_node_is_still_where_the_page_starts(dense: Database) -> None:
    scanned, expanded = await _index_rows(dense, PAGE, {"c": PAYMENTS, "n": 20})
    assert scanned == 0
    assert expanded > 0


async def test_a_large_page_of_a_dense_node_starts_from_it(dense: Database) -> None:
    # fetch x t grows with the page: reading the index for 100 of 400 is no longer cheaper.
    scanned, expanded = await _index_rows(dense, PAGE, {"c": CLOUD, "n": 100})
    assert scanned == 0
    assert expanded > DENSE


# Pages on dense and sparse nodes, both orders, other filters beside, walked page by page by
# cursor (each page ends where the next seeks from), with counts: every answer the executor's.
PAGES: list[tuple[str, dict[str, Any]]] = [
    (
        "query($c: ID!, $n: Int, $a: String, $d: OrderDirection!) { techEnterprises(first: $n, after: $a,"
        " filter: {capabilityId: $c}, orderBy: {field: NAME, direction: $d}) {"
        " totalCount pageInfo { hasNextPage endCursor } nodes { id name homeCountry } } }",
        {"c": CLOUD, "n": 20, "d": "ASC"},
    ),
    (
        "query($c: ID!, $n: Int, $a: String, $d: OrderDirection!) { techEnterprises(first: $n, after: $a,"
        ' filter: {capabilityId: $c, homeCountry: "SG"}, orderBy: {field: NAME, direction: $d}) {'
        " totalCount pageInfo { hasNextPage endCursor } nodes { id name } } }",
        {"c": CLOUD, "n": 7, "d": "DESC"},
    ),
    (
        "query($c: ID!, $n: Int, $a: String) { techEnterprises(first: $n, after: $a,"
        " filter: {capabilityId: $c, maturity: PROVEN}) {"
        " totalCount pageInfo { hasNextPage endCursor } nodes { id name offeredCapabilities { maturity } } } }",
        {"c": CLOUD, "n": 12},
    ),
    (
        "query($c: ID!, $n: Int, $a: String) { techEnterprises(first: $n, after: $a, filter: {capabilityId: $c},"
        " orderBy: {field: FOUNDED}) { pageInfo { hasNextPage endCursor } nodes { id founded } } }",
        {"c": CLOUD, "n": 25},
    ),
    (
        "query($z: ID!, $n: Int, $a: String) { techEnterprises(first: $n, after: $a, filter: {zoneId: $z}) {"
        " totalCount pageInfo { hasNextPage endCursor } nodes { id name zone { name } } } }",
        {"z": ZONE, "n": 15},
    ),
    (
        "query($z: ID!, $n: Int, $a: String) { institutions(first: $n, after: $a, filter: {zoneId: $z}) {"
        " pageInfo { hasNextPage endCursor } nodes { id name } } }",
        {"z": ZONE, "n": 2},
    ),
    (
        "query($c: ID!, $n: Int, $a: String) { techEnterprises(first: $n, after: $a, filter: {capabilityId: $c}) {"
        " pageInfo { hasNextPage endCursor } nodes { id name } } }",
        {"c": PAYMENTS, "n": 1},
    ),
    (
        "query($o: ID!, $n: Int, $a: String) { partnerships(first: $n, after: $a, filter: {organisationId: $o}) {"
        " totalCount pageInfo { hasNextPage endCursor } nodes { id title status terms proposedOn } } }",
        {"o": HUDSON, "n": 20},
    ),
    (
        "query($o: ID!, $n: Int, $a: String) { partnerships(first: $n, after: $a,"
        " filter: {organisationId: $o, status: ACTIVE}) { pageInfo { hasNextPage endCursor } nodes { id } } }",
        {"o": HUDSON, "n": 10},
    ),
]


async def _walk(http: Any, query: str, variables: dict[str, Any]) -> list[str]:
    """Every page of the query, from the first, as the client sees them."""
    pages: list[str] = []
    after = None
    while len(pages) < 60:
        body = (
            await http.post("/graphql", json={"query": query, "variables": {**variables, "a": after}})
        ).json()
        assert body.get("errors") is None, body["errors"]
        pages.append(json.dumps(body["data"], ensure_ascii=False))
        info = next(iter(body["data"].values()))["pageInfo"]
        if not info["hasNextPage"]:
            return pages
        after = info["endCursor"]
    raise AssertionError("more pages than the graph has")


@pytest.mark.parametrize(("role", "org"), CALLERS, ids=[f"{r.value}-{o}" for r, o in CALLERS])
async def test_pages_of_dense_and_sparse_nodes_answer_as_the_executor(
    dense: Database, test_settings: Settings, role: Role, org: str | None
) -> None:
    async with both_paths(dense, test_settings, role, org, "compiled_reads") as (fast, slow):
        for query, variables in PAGES:
            compiled = await _walk(fast, query, variables)
            assert compiled == await _walk(slow, query, variables), query
            assert len(compiled) > 1, query  # the cursors were followed
