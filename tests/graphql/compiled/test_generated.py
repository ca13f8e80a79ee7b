"""Generated reads (hypothesis-graphql, from the schema itself): the compiled path and the
standard executor give byte-equal `data` and equal errors, for every kind of caller.

Scalars are drawn from the seed graph's own values (real global ids and cursors among invalid
ones, small page sizes among out-of-range ones), so most operations take the compiled path and
the rest check that both paths refuse the same things. An operation with `after` is asked again
with cursors its own answer gave, so the pages that follow are compared too. CI runs a fixed number of examples
with a fixed seed; HUB_DIFFERENTIAL_EXAMPLES=2000 runs a longer search (docs/architecture.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.compiled import operations
from hub.graphql.cursors import encode
from hub.graphql.relay import to_global_id
from hub.graphql.schema import schema
from hub.settings import Settings
from tests.graphql.compiled.paths import both_paths
from tests.graphql.compiled.test_differential import CALLERS

EXAMPLES = int(os.environ.get("HUB_DIFFERENTIAL_EXAMPLES", "40"))

COMPILABLE_ROOTS = [
    "institutions",
    "techEnterprises",
    "partnerships",
    "sandboxProjects",
    "sandboxBatches",
    "capabilities",
    "zones",
    "awards",
    "node",
    "nodes",
    "search",
]

KEYS = {
    "Institution": ["hudson-ridge-bank", "kestrel-bank", "thamesgate-bank"],
    "TechEnterprise": ["lianyu-data", "yunhe-cloud"],
    "Capability": ["cloud", "privacy-computing", "ai"],
    "Zone": ["beijing-financial-street", "no-such-zone"],
    "SandboxBatch": ["batch-2"],
    "Partnership": ["no-such-partnership"],
}
IDS = [to_global_id(t, k) for t, keys in KEYS.items() for k in keys] + ["bm90LWFuLWlk", "x"]

SCALARS = {
    "ID": st.sampled_from(IDS).map(nodes.String),
    "Int": st.sampled_from([1, 2, 3, 5, 20, 100, 0, 101, 2020]).map(nodes.Int),
    "String": st.sampled_from(
        [
            # Keyset cursors of the seed graph's orders (each valid on some connections and
            # refused, alike, on the others) and an offset cursor of the hub before them.
            encode("name", "Hudson Ridge Bank (China)", "hudson-ridge-bank"),
            encode("name", "Kestrel Bank (China)", "kestrel-bank"),
            encode("-proposedOn", "2023-09-04", "p-0003"),
            encode("-appliedOn", "2022-01-01", "zzz"),
            encode("number", 1, "batch-1"),
            encode("year", 2020, "a"),
            encode("id", None, "m"),
            "b2Zmc2V0OjQ=",
            "GB",
            "DE",
            "US",
            "analytics",
            "Xicheng",
            "",
            "nope",
            "bank 银行",
            "cloud",
        ]
    ).map(nodes.String),
    "Date": st.sampled_from(["2019-01-01", "2022-06-30", "2025-12-31"]).map(nodes.String),
}


def _pair(
    db: Database, settings: Settings, role: Role, org: str | None
) -> contextlib.AbstractAsyncContextManager[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    return both_paths(db, settings, role, org, "compiled_reads", rate_limit_points_per_minute=10**9)


@pytest.fixture(params=CALLERS, ids=[f"{r.value}-{o}" for r, o in CALLERS])
async def pair(
    request: pytest.FixtureRequest, seeded: Database, test_settings: Settings
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    role, org = request.param
    async with _pair(seeded, test_settings, role, org) as clients:
        yield clients


async def _answer(http: httpx.AsyncClient, query: str) -> tuple[int, str, Any]:
    response = await http.post("/graphql", json={"query": query})
    body = response.json()
    errors = [
        (e.get("message"), e.get("path"), (e.get("extensions") or {}).get("code"))
        for e in body.get("errors", [])
    ]
    return response.status_code, json.dumps(body.get("data"), ensure_ascii=False), errors


@seed(20261124)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(
    query=queries(
        schema._schema, fields=COMPILABLE_ROOTS, custom_scalars=SCALARS, print_ast=graphql.print_ast
    )
)
async def test_generated_reads_answer_as_the_executor(
    pair: tuple[httpx.AsyncClient, httpx.AsyncClient], query: str
) -> None:
    fast, slow = pair
    answer = await _answer(fast, query)
    assert answer == await _answer(slow, query), query
    # The next pages: the operation again with each `after` set to a cursor its answer gave.
    for cursor in _cursors(json.loads(answer[1]))[:2]:
        argument = f"after: {json.dumps(cursor)}"
        following = AFTER.sub(lambda _, text=argument: text, query)  # type: ignore[misc]
        if following != query:
            assert await _answer(fast, following) == await _answer(slow, following), following


AFTER = re.compile(r'after: "[^"\\]*"')


def _cursors(data: Any) -> list[str]:
    """The cursors in an answer (edges' and pageInfo's), last ones first."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in {"cursor", "endCursor"} and isinstance(value, str):
                found.append(value)
            else:
                found += _cursors(value)
    elif isinstance(data, list):
        for value in data:
            found += _cursors(value)
    return found[::-1]


# Preparing costs no round trip, so the share is counted over more operations than the
# differential test sends: at 40 the share moved between a quarter and 60 % with the schema.
COUNTED = 300


def test_most_generated_reads_take_the_compiled_path() -> None:
    """The generated operations above exercise the compiler, not only the fallback (which
    answers operations with out-of-range or malformed arguments, so errors match exactly)."""
    compiled = operations.CompiledReads(schema._schema)
    taken = 0
    strategy = queries(schema._schema, fields=COMPILABLE_ROOTS, custom_scalars=SCALARS)

    @seed(20261124)
    @settings(max_examples=COUNTED, deadline=None, database=None)
    @given(query=strategy)
    def count(query: str) -> None:
        nonlocal taken
        taken += compiled.prepare(query, None, None) is not None

    count()
    assert taken >= COUNTED // 3, taken
