"""Pages filtered on an equality are read in the order of a composite index (hub/model/graph.py
`Start.serves`, schema/constraints.cypher): Neo4j stops after the page instead of sorting every
match, so a page costs about its own size however many nodes share the value."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Query

from hub.db.database import Database
from hub.graphql.compiled.operations import CompiledReads
from hub.graphql.cursors import encode
from hub.graphql.schema import build_schema


def _operators(plan: Any) -> list[tuple[str, str]]:
    found = [(plan["operatorType"], str(plan.get("args", {}).get("Details", "")))]
    for child in plan.get("children", []):
        found += _operators(child)
    return found


async def _plan(db: Database, query: str, variables: dict[str, Any]) -> list[tuple[str, str]]:
    ready = CompiledReads(build_schema()._schema).prepare(query, None, variables)
    assert ready is not None, "the read is compiled"
    params = {**ready.params, "viewerOrg": None, "seesAll": True}
    async with db.driver.session(database=db.name) as session:
        # The plan for this graph: index samples taken now (the graph was just wiped and loaded)
        # and no plan cached from an earlier test's graph (db.prepareForReplanning does both).
        await (await session.run("CALL db.prepareForReplanning()")).consume()
        result = await session.run(Query("EXPLAIN " + ready.text), params)
        summary = await result.consume()
    assert summary.plan is not None
    return _operators(summary.plan)


@pytest.mark.parametrize(
    ("query", "variables", "index"),
    [
        (
            "{ institutions(first: 20, filter: {kind: BANK}, orderBy: {field: NAME}) { nodes { name } } }",
            {},
            "Institution(kind, name)",
        ),
        (
            "query($c: String!) { techEnterprises(first: 100, filter: {homeCountry: $c}) { nodes { name } } }",
            {"c": "CN"},
            "TechEnterprise(homeCountry, name)",
        ),
        (
            "{ partnerships(first: 10, filter: {status: ACTIVE}) { nodes { title } } }",
            {},
            "Partnership(status, proposedOn)",
        ),
    ],
)
async def test_a_page_on_an_equality_reads_a_composite_index_in_order(
    seeded: Database, query: str, variables: dict[str, Any], index: str
) -> None:
    operators = await _plan(seeded, query, variables)
    assert any(index in details for _, details in operators), "\n".join(map(str, operators))
    # Only the ties of the index's order are sorted (by id), never every match.
    assert not any(op.startswith(("Sort", "Top@")) or op == "Top" for op, _ in operators), operators


async def test_an_order_the_index_does_not_serve_is_sorted_as_before(seeded: Database) -> None:
    # Founding dates may be missing, so no index on (kind, founded) may leave nodes out.
    operators = await _plan(
        seeded,
        "{ institutions(first: 20, filter: {kind: BANK}, orderBy: {field: FOUNDED}) { nodes { name } } }",
        {},
    )
    assert not any("Institution(kind, name)" in details for _, details in operators), operators


@pytest.mark.parametrize(
    ("query", "variables", "index"),
    [
        (
            "query($a: String) { institutions(first: 20, after: $a, filter: {kind: BANK},"
            " orderBy: {field: NAME}) { nodes { name } } }",
            {"a": encode("name", "Kestrel Bank (China)", "kestrel-bank")},
            "Institution(kind, name)",
        ),
        (
            "query($a: String) { partnerships(first: 20, after: $a, filter: {status: ACTIVE}) { nodes { title } } }",
            {"a": encode("-proposedOn", "2023-09-04", "p-0003")},
            "Partnership(status, proposedOn)",
        ),
    ],
)
async def test_a_page_after_a_cursor_seeks_the_index_from_the_cursor_key_and_skips_nothing(
    seeded: Database, query: str, variables: dict[str, Any], index: str
) -> None:
    operators = await _plan(seeded, query, variables)
    seeks = [(op, details) for op, details in operators if index in details]
    assert seeks, "\n".join(map(str, operators))
    # A range seek from the cursor's key (`name >= $p..`), not a scan of the keys before it.
    assert all("Seek" in op for op, _ in seeks) and any(">=" in d or "<=" in d for _, d in seeks), seeks
    assert not any(op.startswith(("Skip", "Sort", "Top@")) or op == "Top" for op, _ in operators), operators
