"""A request seen before is screened once: its cost walk, limits and choice of operation are
remembered by its text, operation name and variables (hub/graphql/screening.py, Screener)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.analysis import OperationLimits
from hub.graphql.compiled.operations import CompiledReads
from hub.graphql.request_key import MAX_KEY_CHARS, request_key
from hub.graphql.schema import build_schema
from hub.graphql.screening import Screener
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import serve

PAGE = "query Page($n: Int!) { institutions(first: $n) { nodes { name partnerships(first: 5) { totalCount } } } }"
FILTERED = (
    "query($n: Int!, $c: String) { institutions(first: $n, filter: {homeCountry: $c}) { nodes { name } } }"
)
TWO = "query A { zones { totalCount } } query B { institutions(first: 3) { totalCount } }"


def _screener() -> Screener:
    return Screener(
        build_schema()._schema, OperationLimits(), max_cost=1_000, max_points=10_000, max_page=500
    )


def test_a_request_seen_before_is_screened_once() -> None:
    screener = _screener()
    first = screener.screen(PAGE, None, {"n": 10})
    assert first.cost == 1 + 10 + 10 * 5 and first.refusal is None and first.operation == "Page"
    assert screener.screen(PAGE, None, {"n": 10}) is first  # remembered, not walked again
    assert screener.screen(PAGE, "Page", {"n": 10}) is not first  # another key, the same answer
    assert screener.screen(PAGE, "Page", {"n": 10}).cost == first.cost


def test_the_variables_and_the_operation_chosen_still_decide() -> None:
    screener = _screener()
    assert screener.screen(PAGE, None, {"n": 2}).cost == 1 + 2 + 2 * 5
    too_dear = screener.screen(PAGE, None, {"n": 200})  # 1 + 200 + 200 * 5
    assert too_dear.refusal is not None and "cost 1201 is above the limit of 1000" in too_dear.refusal.message
    assert screener.screen(PAGE, None, {"n": 200}) is too_dear  # refused again, the same points
    assert too_dear.points == 1_000
    assert screener.screen(TWO, "A", None).operation == "A"
    assert screener.screen(TWO, "B", None).cost == 1 + 3
    assert screener.screen(TWO, None, None).refusal is not None  # which one? GraphQL says: name it


def test_variables_that_make_no_key_are_screened_each_time() -> None:
    screener = _screener()
    huge = {"n": 2**70}  # orjson encodes no integer past 64 bits
    assert screener.screen(PAGE, None, huge) is not screener.screen(PAGE, None, huge)


def test_header_values_are_parsed_once_each() -> None:
    from hub.graphql import http_protocol

    http_protocol._media_type.cache_clear()
    for _ in range(3):
        http_protocol.body_request(
            "application/json; charset=utf-8", b'{"query": "{ zones { totalCount } }"}'
        )
    assert http_protocol._media_type.cache_info().misses == 1


def test_the_cache_holds_at_most_its_size_and_no_large_request() -> None:
    screener = Screener(build_schema()._schema, OperationLimits(), max_cost=1_000, max_points=10_000, size=8)
    for n in range(1, 50):
        screener.screen(PAGE, None, {"n": n})
    assert len(screener._screened) == 8
    padded = PAGE + " " * MAX_KEY_CHARS  # the same operation, past what a key may hold
    assert request_key(padded, None, {"n": 1}) is None
    assert request_key(PAGE, None, {"n": 1, "pad": "x" * MAX_KEY_CHARS}) is None
    assert screener.screen(padded, None, {"n": 1}).cost == 1 + 1 + 5  # screened all the same


@pytest.mark.parametrize("unlike_null", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_number_does_not_share_the_key_of_null(unlike_null: str) -> None:
    """json.loads reads NaN, Infinity and 1e400 (as inf) and orjson writes each as `null`: such a
    request must not be answered as the one with null was."""
    variables = json.loads(f'{{"n": 3, "c": {unlike_null}}}')
    assert request_key(FILTERED, None, variables) is None
    assert request_key(FILTERED, None, {"n": 3, "c": None}) is not None
    assert request_key(FILTERED, None, {"n": 3, "c": [1.5, None, {"d": 0.0}]}) is not None
    reads = CompiledReads(build_schema()._schema)
    assert reads.prepare(FILTERED, None, {"n": 3, "c": None}) is not None
    assert reads.prepare(FILTERED, None, variables) is None  # the executor refuses it


async def test_over_http_each_request_is_checked_against_its_own_variables_and_caller(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    """One hub, requests differing only in their variables or their caller: none is answered with
    what another's screening or preparation allowed."""
    settings = test_settings.model_copy(update={"max_query_cost": 500})
    analyst = {"Authorization": f"Bearer {(await ApiKeys(seeded).create(Role.ANALYST, None)).key}"}
    async with serve(settings, seeded, auth) as http:

        async def post(variables: dict[str, Any], headers: dict[str, str] = auth) -> dict[str, Any]:
            body: dict[str, Any] = (
                await http.post("/graphql", json={"query": PAGE, "variables": variables}, headers=headers)
            ).json()
            return body

        for _ in range(2):  # the second round is answered from what the first remembered
            cheap = await post({"n": 2})
            assert cheap["extensions"]["cost"]["requested"] == 1 + 2 + 2 * 5
            dear = await post({"n": 100})  # the same text, a cost its own `first` raises
            assert dear["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX", dear
            assert "data" not in dear

        proposed = "{ partnerships(first: 100, filter: {status: PROPOSED}) { totalCount } }"
        for _ in range(2):
            seen = [
                (await http.post("/graphql", json={"query": proposed}, headers=headers)).json()["data"]
                for headers in (auth, analyst)
            ]
            assert seen[0]["partnerships"]["totalCount"] > 0  # the admin sees proposals
            assert seen[1]["partnerships"]["totalCount"] == 0  # the analyst, remembered after, does not

        null = await http.post(
            "/graphql",
            content=b'{"query": "%s", "variables": {"n": 3, "c": null}}' % FILTERED.encode(),
            headers={"Content-Type": "application/json"},
        )
        assert "errors" not in null.json()
        huge = await http.post(
            "/graphql",
            content=b'{"query": "%s", "variables": {"n": 3, "c": 1e400}}' % FILTERED.encode(),
            headers={"Content-Type": "application/json"},
        )
        refused = huge.json()["errors"][0]
        assert (
            refused["message"]
            == "Variable '$c' has invalid value: String cannot represent a non string value: inf"
        )
        assert huge.json().get("data") is None


async def test_a_remembered_screening_still_spends_the_callers_points(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    settings = test_settings.model_copy(update={"rate_limit_points_per_minute": 50})
    other = {"Authorization": f"Bearer {(await ApiKeys(seeded).create(Role.ANALYST, None)).key}"}
    async with serve(settings, seeded, auth) as http:
        statuses = [
            (await http.post("/graphql", json={"query": PAGE, "variables": {"n": 2}})).status_code
            for _ in range(5)
        ]  # 13 points each: three fit in 50, the fourth does not
        assert statuses == [200, 200, 200, 429, 429]
        fresh = await http.post("/graphql", json={"query": PAGE, "variables": {"n": 2}}, headers=other)
        assert fresh.status_code == 200  # another caller's budget, the same remembered screening
