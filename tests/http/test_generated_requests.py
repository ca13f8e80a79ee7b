"""Generated requests, as an outside tester sends them: every query and mutation of the schema
(hypothesis-graphql), with the seed graph's ids among invalid ones, out-of-range numbers and odd
strings, for an admin and for a partner. Whatever the input, the hub answers with a clear error
(a code a client can act on) or data, never an internal error or an HTTP 500.

CI runs a bounded number of examples with a fixed seed; HUB_GENERATED_REQUESTS=2000 searches longer.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.cursors import encode
from hub.graphql.relay import to_global_id
from hub.graphql.schema import schema
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import serve

EXAMPLES = int(os.environ.get("HUB_GENERATED_REQUESTS", "40"))

KEYS = {
    "Institution": ["hudson-ridge-bank", "kestrel-bank"],
    "TechEnterprise": ["lianyu-data", "yunhe-cloud"],
    "Capability": ["cloud", "ai"],
    "Zone": ["beijing-financial-street"],
    "SandboxBatch": ["batch-2"],
    "Partnership": ["no-such-partnership"],
    "SandboxProject": ["no-such-project"],
}
IDS = [to_global_id(t, k) for t, keys in KEYS.items() for k in keys] + ["bm90LWFuLWlk", "x", ""]

SCALARS = {
    "ID": st.sampled_from(IDS).map(nodes.String),
    "Int": st.sampled_from([0, 1, 5, 100, 101, -1, 800000, 2**31 - 1]).map(nodes.Int),
    "Float": st.sampled_from([0.0, 0.5, 1.0, -1.0, 1e308]).map(nodes.Float),
    "String": st.sampled_from(
        [
            encode("name", "Kestrel Bank (China)", "kestrel-bank"),
            "b2Zmc2V0OjA=",
            "b2Zmc2V0Ojk5OTk5OTk5OTk5OTk5OTk5OTk5",
            "GB",
            "",
            "nope",
            "bank 银行",
            "x\u0001",
            "\u202eevil",
            "https://127.0.0.1:1/hook",
            "a" * 300,
        ]
    ).map(nodes.String),
    "Date": st.sampled_from(["2019-01-01", "2025-12-31", "0001-01-01", "9999-12-31"]).map(nodes.String),
    "DateTime": st.sampled_from(["2025-01-01T00:00:00Z", "0001-01-01T00:00:00Z"]).map(nodes.String),
}

CALLERS = [(Role.ADMIN, None), (Role.PARTNER, "hudson-ridge-bank")]


@pytest.fixture(params=CALLERS, ids=[f"{r.value}-{o}" for r, o in CALLERS])
async def client(
    request: pytest.FixtureRequest, seeded: Database, test_settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    role, org = request.param
    key = (await ApiKeys(seeded).create(role, org)).key
    unlimited = test_settings.model_copy(update={"rate_limit_points_per_minute": 10**9})
    async with serve(unlimited, seeded, {"Authorization": f"Bearer {key}"}) as http:
        yield http


async def _check(http: httpx.AsyncClient, operation: str) -> None:
    response = await http.post("/graphql", json={"query": operation})
    assert response.status_code in (200, 400), (response.status_code, operation, response.text[:500])
    body: dict[str, Any] = response.json()
    for error in body.get("errors", []):
        code = (error.get("extensions") or {}).get("code")
        assert code and code != "INTERNAL_SERVER_ERROR", (operation, error)
        assert "Traceback" not in error.get("message", ""), (operation, error)


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@seed(20261124)
@SETTINGS
@given(operation=queries(schema._schema, custom_scalars=SCALARS, print_ast=graphql.print_ast))
async def test_generated_queries_get_data_or_a_clear_error(client: httpx.AsyncClient, operation: str) -> None:
    await _check(client, operation)


@seed(20261124)
@SETTINGS
@given(operation=mutations(schema._schema, custom_scalars=SCALARS, print_ast=graphql.print_ast))
async def test_generated_mutations_get_data_or_a_clear_error(
    client: httpx.AsyncClient, operation: str
) -> None:
    await _check(client, operation)
