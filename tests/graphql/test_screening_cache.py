"""A request seen before is screened once: its cost walk, limits and choice of operation are
remembered by its text, operation name and variables (hub/graphql/screening.py, Screener)."""

from __future__ import annotations

from hub.graphql.analysis import OperationLimits
from hub.graphql.schema import build_schema
from hub.graphql.screening import Screener

PAGE = "query Page($n: Int!) { institutions(first: $n) { nodes { name partnerships(first: 5) { totalCount } } } }"
TWO = "query A { zones { totalCount } } query B { institutions(first: 3) { totalCount } }"


def _screener() -> Screener:
    return Screener(build_schema()._schema, OperationLimits(), max_cost=1_000, max_points=10_000)


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
