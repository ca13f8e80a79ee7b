"""Keyset cursors: a page after a cursor starts after that item, wherever rows were inserted or
removed before it since, on both read paths; a cursor that is not one of this connection's
order is a clear BAD_USER_INPUT at `after`."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from hub.db.database import Database
from hub.graphql.cursors import encode
from hub.graphql.relay import from_global_id
from hub.settings import Settings
from tests.conftest import GraphQLClient, serve

ROOT = """query($after: String) { institutions(first: 3, after: $after, orderBy: {field: NAME}) {
  pageInfo { hasNextPage hasPreviousPage endCursor } nodes { name } } }"""
NESTED = """query($after: String) { zones(first: 1) { nodes { organisations(first: 3, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { name } } } } }"""

INSERT = """
MATCH (z:Zone) WITH z ORDER BY z.name, z.id LIMIT 1
CREATE (n:Organisation:Institution {id: $id, name: $name, homeCountry: 'GB', kind: 'BANK',
  ownership: 'WHOLLY_FOREIGN_OWNED', licences: []})-[:LOCATED_IN]->(z)
"""


@pytest.fixture(params=[True, False], ids=["compiled", "executor"])
async def gql_on(
    request: pytest.FixtureRequest, seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> AsyncIterator[GraphQLClient]:
    settings = test_settings.model_copy(update={"compiled_reads": request.param})
    async with serve(settings, seeded, auth) as http:
        yield GraphQLClient(http)


def _names(data: dict[str, Any], nested: bool) -> tuple[list[str], dict[str, Any]]:
    connection = data["zones"]["nodes"][0]["organisations"] if nested else data["institutions"]
    return [n["name"] for n in connection["nodes"]], connection["pageInfo"]


@pytest.mark.parametrize("nested", [False, True], ids=["root", "nested"])
async def test_rows_inserted_or_removed_before_the_cursor_neither_repeat_nor_skip_an_item(
    seeded: Database, gql_on: GraphQLClient, nested: bool
) -> None:
    query = NESTED if nested else ROOT
    first, info = _names(await gql_on(query, {"after": None}), nested)
    assert info["hasNextPage"] and not info["hasPreviousPage"] if not nested else info["hasNextPage"]
    # Before asking for the next page, two organisations sorting before the cursor arrive and
    # the first item of the page seen leaves: an offset would now repeat an item of page one.
    await seeded.write(INSERT, id="aaa-first-bank", name="AAA First Bank")
    await seeded.write(INSERT, id="aab-second-bank", name="AAB Second Bank")
    await seeded.write("MATCH (n:Organisation {name: $name}) DETACH DELETE n", name=first[0])
    second, info = _names(await gql_on(query, {"after": info["endCursor"]}), nested)
    everything, _ = _names(await gql_on(query.replace("first: 3", "first: 100"), {"after": None}), nested)
    # Page two is exactly the three items that followed page one's last item.
    following = everything[everything.index(first[-1]) + 1 :]
    assert second == following[:3]
    assert not set(first) & set(second)
    if not nested:
        assert info["hasPreviousPage"] is True


async def test_a_cursor_seeks_past_items_with_the_same_key_by_id(
    seeded: Database, gql: GraphQLClient
) -> None:
    # Three institutions with one name: the id breaks the tie, so a page boundary between them
    # loses none of them.
    for key in ("same-c", "same-a", "same-b"):
        await seeded.write(INSERT, id=key, name="Same Name Bank")
    query = """query($after: String) { institutions(first: 2, after: $after, filter: {kind: BANK},
      orderBy: {field: NAME, direction: DESC}) { pageInfo { hasNextPage endCursor } nodes { id name } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(query, {"after": after}))["institutions"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen))
    whole = (await gql(query.replace("first: 2", "first: 100"), {"after": None}))["institutions"]["nodes"]
    assert seen == [n["id"] for n in whole]


def _raw(value: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


REFUSED: list[tuple[str, str, str]] = [
    # (query, cursor, what the message says)
    (
        "institutions(after: $a, orderBy: {field: FOUNDED})",
        encode("name", "Kestrel Bank (China)", "kestrel-bank"),
        "issued for the order name ascending, but this connection is ordered by founded ascending",
    ),
    (
        "institutions(after: $a, orderBy: {field: NAME, direction: DESC})",
        encode("name", "K", "k"),
        "ordered by name descending",
    ),
    ("partnerships(after: $a)", encode("name", "K", "k"), "ordered by proposedOn descending"),
    ("institutions(after: $a)", encode("name", 12, "k"), "not one this order can hold"),
    ("institutions(after: $a)", encode("name", None, "k"), "has no value for name"),
    ("partnerships(after: $a)", encode("-proposedOn", "2023-02-30", "p"), "not one this order can hold"),
    ("awards(after: $a)", encode("year", "2020", "a"), "not one this order can hold"),
    ("awards(after: $a)", encode("year", True, "a"), "is not a cursor of this connection"),
    ("zones(after: $a)", _raw([2, "name", "Z", "z"]), "is not a cursor of this connection"),
    ("zones(after: $a)", _raw([1, "name", "Z", ""]), "is not a cursor of this connection"),
    ("zones(after: $a)", _raw([1, "name", {"$gt": ""}, "z"]), "is not a cursor of this connection"),
    ("zones(after: $a)", _raw({"v": 1}), "is not a cursor of this connection"),
    ("zones(after: $a)", "%%%", "is not a cursor of this connection"),
    ("zones(after: $a)", encode("name", "Z" * 3000, "z"), "is not a cursor of this connection"),
    ("auditLog(after: $a)", encode("-at", "yesterday", "x"), "not one of an audit entry"),
]


@pytest.mark.parametrize(("field", "cursor", "message"), REFUSED)
async def test_a_foreign_or_tampered_cursor_is_refused_at_after(
    seeded: Database, gql_on: GraphQLClient, field: str, cursor: str, message: str
) -> None:
    answer = await gql_on.raw(
        f"query($a: String) {{ {field} {{ totalCount nodes {{ __typename }} }} }}", {"a": cursor}
    )
    (error,) = answer["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}, error
    assert error["message"].startswith("after: ") and message in error["message"], error["message"]


async def test_a_nested_cursor_of_another_order_is_refused(seeded: Database, gql_on: GraphQLClient) -> None:
    # organisation.partners is ordered by name, organisation.partnerships by proposal date.
    query = """query($a: String) { institutions(first: 1) { nodes {
      partnerships(after: $a) { totalCount } } } }"""
    answer = await gql_on.raw(query, {"a": encode("name", "K", "k")})
    assert answer["errors"][0]["extensions"]["argument"] == "after"
    assert answer["errors"][0]["path"] == ["institutions", "nodes", 0, "partnerships"]


async def test_a_connection_without_arguments_pages_alike_on_both_paths(
    seeded: Database, gql_on: GraphQLClient
) -> None:
    # No `first` and no `after` at all: the page of 20, its cursors and page info.
    query = "{ zones { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id name } } } }"
    zones = (await gql_on(query))["zones"]
    assert zones["totalCount"] == len(zones["edges"]) > 0
    assert zones["pageInfo"]["hasNextPage"] is False and zones["pageInfo"]["hasPreviousPage"] is False
    last = zones["edges"][-1]
    parsed = from_global_id(last["node"]["id"])
    assert parsed is not None
    assert zones["pageInfo"]["endCursor"] == last["cursor"] == encode("name", last["node"]["name"], parsed[1])
