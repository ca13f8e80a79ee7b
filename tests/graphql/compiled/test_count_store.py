"""How many partnerships hold a status, for a caller who sees them all, is one read of Neo4j's
count store (the status is mirrored as a label, hub/model/graph.py), not a read of the status
index entry by entry: a regression to a scan shows in the plan."""

from __future__ import annotations

from typing import Any, LiteralString

import pytest
from neo4j import Query

from hub.db.database import Database
from hub.db.repositories.aggregates import counts_statement
from hub.domain.enums import AggregateSubject, Dimension
from hub.graphql.compiled.operations import CompiledReads
from hub.graphql.schema import build_schema

READS = ("NodeIndexSeek", "NodeIndexScan", "NodeByLabelScan", "AllNodesScan", "DynamicLabelNodeLookup")


def _operators(plan: Any) -> list[tuple[str, str]]:
    found = [(plan["operatorType"].split("@")[0], str(plan.get("args", {}).get("Details", "")))]
    for child in plan.get("children", []):
        found += _operators(child)
    return found


async def _profile(db: Database, text: LiteralString, params: dict[str, Any]) -> list[tuple[str, str]]:
    """The operators that ran (PROFILE counts rows: a branch `$seesAll` cuts off reads none)."""
    async with db.driver.session(database=db.name) as session:
        await (await session.run("CALL db.prepareForReplanning()")).consume()
        result = await session.run(Query("PROFILE " + text), params)
        summary = await result.consume()
    assert summary.profile is not None
    return [(op, details) for op, details, rows in _rows(summary.profile) if rows]


def _rows(plan: Any) -> list[tuple[str, str, int]]:
    found = [(plan["operatorType"].split("@")[0], str(plan.get("args", {}).get("Details", "")), plan["rows"])]
    for child in plan.get("children", []):
        found += _rows(child)
    return found


def _compiled(query: str) -> tuple[LiteralString, dict[str, Any]]:
    ready = CompiledReads(build_schema()._schema).prepare(query, None, {})
    assert ready is not None, "the read is compiled"
    return ready.text, dict(ready.params)


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("{ partnerships(filter: {status: ACTIVE}) { totalCount } }", "ActivePartnership"),
        ("{ partnerships(filter: {status: DECLINED}) { totalCount } }", "DeclinedPartnership"),
        ("{ partnerships { totalCount } }", "Partnership"),
    ],
)
async def test_a_count_by_status_reads_the_count_store_for_who_sees_all(
    seeded: Database, query: str, label: str
) -> None:
    text, params = _compiled(query)
    ran = await _profile(seeded, text, {**params, "seesAll": True, "viewerOrg": None})
    assert ("NodeCountFromCountStore", f"count( (:{label}) ) AS c1") in ran, ran
    assert not [op for op, _ in ran if op.startswith(READS)], ran
    # A caller who sees only some reads them through the visibility rule, as before.
    restricted = await _profile(seeded, text, {**params, "seesAll": False, "viewerOrg": "kestrel-bank"})
    assert any(op.startswith(READS) for op, _ in restricted), restricted


async def test_a_count_by_status_and_kind_reads_the_index_as_before(seeded: Database) -> None:
    text, params = _compiled("{ partnerships(filter: {status: ACTIVE, kind: COOPERATION}) { totalCount } }")
    ran = await _profile(seeded, text, {**params, "seesAll": True, "viewerOrg": None})
    assert not any(op == "NodeCountFromCountStore" for op, _ in ran), ran


async def test_the_aggregate_by_status_reads_the_count_store(seeded: Database) -> None:
    text = counts_statement(AggregateSubject.PARTNERSHIPS, Dimension.STATUS, None, frozenset())
    ran = await _profile(seeded, text, {})
    stored = [details for op, details in ran if op == "NodeCountFromCountStore"]
    assert len(stored) == 4, ran  # one per status
    assert not [op for op, _ in ran if op.startswith(READS)], ran
