"""Arguments that used to overflow something (a date, Neo4j's SKIP when cursors were offsets,
Python's int(), Lucene's clause limit) are bounded: out of range is BAD_USER_INPUT naming the argument, never an internal error."""

from __future__ import annotations

import base64
from typing import Any

from hub.db.database import Database
from tests.conftest import GraphQLClient


def refused_argument(answer: dict[str, Any]) -> str:
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    argument: str = error["extensions"]["argument"]
    return argument


def cursor(offset: str) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


async def test_test_days_that_would_overflow_a_date_are_refused(seeded: Database, gql: GraphQLClient) -> None:
    stuck = "query($d: Int!) { stuckSandboxProjects(maxTestDays: $d) { daysInTest } }"
    answer = await gql.raw(stuck, {"d": 800_000})
    assert refused_argument(answer) == "maxTestDays"
    assert "between 1 and 36,500" in answer["errors"][0]["message"]
    assert (await gql(stuck, {"d": 36_500}))["stuckSandboxProjects"] is not None


async def test_offset_cursors_of_the_hub_before_keyset_cursors_are_refused(
    seeded: Database, gql: GraphQLClient
) -> None:
    institutions = "query($after: String) { institutions(after: $after) { totalCount edges { cursor } } }"
    nested = """query($after: String) { institutions(first: 1) { nodes {
        partnerships(after: $after) { totalCount } } } }"""
    audit = "query($after: String) { auditLog(after: $after) { totalCount } }"
    for old in (
        cursor("0"),
        cursor("19"),
        "b2Zmc2V0Ojk5OTk5OTk5OTk5OTk5OTk5OTk5",  # offset:99999999999999999999, past Neo4j's SKIP
        cursor("9" * 5000),  # more digits than Python's int() converts
        cursor("١٢"),  # Arabic-Indic digits
    ):
        for query in (institutions, nested, audit):
            answer = await gql.raw(query, {"after": old})
            assert refused_argument(answer) == "after", (old, query)
            assert "offset cursor of an earlier version" in answer["errors"][0]["message"], answer


async def test_search_text_is_bounded_below_lucenes_clause_limit(
    seeded: Database, gql: GraphQLClient
) -> None:
    search = "query($t: String!) { search(text: $t, first: 5) { score } }"
    many_words = await gql.raw(search, {"t": " ".join(f"w{i}" for i in range(2000))})
    assert refused_argument(many_words) == "text"
    assert refused_argument(await gql.raw(search, {"t": " ".join("bank" for _ in range(21))})) == "text"
    # The largest texts allowed still answer: twenty long words, 200 characters of Chinese.
    longest = " ".join(f"thamesgat{i}" for i in range(10, 30))[:200]
    assert isinstance((await gql(search, {"t": longest}))["search"], list)
    for chinese in ("银行" * 100, "a银" * 100, " ".join(["银行银行银行银行银"] * 20)):
        assert isinstance((await gql(search, {"t": chinese}))["search"], list)
