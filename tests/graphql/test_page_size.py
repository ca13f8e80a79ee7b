"""HUB_MAX_PAGE_SIZE bounds `first` (and the ids of `nodes`) on both read paths, the compiled
statement and the standard executor, and the refusal names the limit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import serve

INSTITUTIONS = "query($n: Int) { institutions(first: $n) { totalCount nodes { id } } }"
NESTED = (
    "query($n: Int) { institutions(first: 1, orderBy: {field: NAME}) { nodes {"
    " partnerships(first: $n, status: null) { totalCount } } } }"
)
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
HUDSON = to_global_id("Institution", "hudson-ridge-bank")


async def _post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    return body


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "executor"])
async def test_a_smaller_page_size_is_enforced_and_named(
    seeded: Database, test_settings: Settings, auth: dict[str, str], compiled: bool
) -> None:
    settings = test_settings.model_copy(update={"max_page_size": 30, "compiled_reads": compiled})
    async with serve(settings, seeded, auth) as http:
        assert len((await _post(http, INSTITUTIONS, {"n": 30}))["data"]["institutions"]["nodes"]) == 30
        for query in (INSTITUTIONS, NESTED):
            refused = (await _post(http, query, {"n": 31}))["errors"][0]
            assert refused["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}, refused
            assert "between 1 and 30" in refused["message"], refused
        too_many = (await _post(http, NODES, {"ids": [HUDSON] * 31}))["errors"][0]
        assert "at most 30 ids" in too_many["message"], too_many
        assert "errors" not in await _post(http, NODES, {"ids": [HUDSON] * 30})


async def test_a_larger_page_size_is_served_by_the_compiled_statement(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    settings = test_settings.model_copy(update={"max_page_size": 200, "compiled_reads": True})
    async with serve(settings, seeded, auth) as http:
        await _post(http, INSTITUTIONS, {"n": 1})  # the key is remembered: no statement of its own
        before = seeded.round_trips
        answer = await _post(http, INSTITUTIONS, {"n": 150})
        assert "errors" not in answer, answer
        assert len(answer["data"]["institutions"]["nodes"]) == answer["data"]["institutions"]["totalCount"]
        assert seeded.round_trips - before == 1  # one statement: the planner took 150, not the executor
        refused = (await _post(http, INSTITUTIONS, {"n": 201}))["errors"][0]
        assert "between 1 and 200" in refused["message"], refused


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "executor"])
async def test_a_page_size_of_any_size_is_refused_as_bad_input_for_the_price_of_a_refusal(
    seeded: Database, test_settings: Settings, compiled: bool
) -> None:
    key = (await ApiKeys(seeded).create(Role.PARTNER, "hudson-ridge-bank")).key
    settings = test_settings.model_copy(
        update={"compiled_reads": compiled, "rate_limit_points_per_minute": 1_000}
    )
    huge = [
        ("{ institutions(first: 20000) { totalCount } }", {}),
        ('{ search(text: "bank", first: 10001) { score } }', {}),
        ("query($n: Int) { institutions(first: $n) { totalCount } }", {"n": 2_000_000_000}),
        ("query($n: Int = 5000) { institutions(first: $n) { totalCount } }", {}),
    ]
    async with serve(settings, seeded, {"Authorization": f"Bearer {key}"}) as http:
        for _ in range(5):  # each would have spent up to the whole budget as a cost refusal
            for query, variables in huge:
                response = await http.post("/graphql", json={"query": query, "variables": variables})
                assert response.status_code == 200, response.text
                (refused,) = response.json()["errors"]
                assert refused["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}, refused
                assert refused["message"].startswith("first: must be between 1 and 100"), refused
                column = query.index("first: ") + len("first: ") + 1  # the value, or the variable, given
                assert refused["locations"] == [{"line": 1, "column": column}], (query, refused)
        overflow = (await _post(http, "{ institutions(first: 2147483648) { totalCount } }", {}))["errors"]
        assert overflow[0]["message"] == "Int cannot represent non 32-bit signed integer value: 2147483648"
        assert overflow[0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
        assert "errors" not in await _post(http, INSTITUTIONS, {"n": 100})  # the budget is still there
