"""No N+1: the Cypher round trips of a request do not grow with the size of its result."""

from __future__ import annotations

from hub.db.database import Database
from tests.conftest import GraphQLClient

NESTED = """query($first: Int!) {
  partnerships(first: $first) {
    totalCount
    nodes {
      title
      parties {
        role
        organisation {
          name
          zone { name }
          ... on Institution { soughtCapabilities { name } }
          ... on TechEnterprise { offeredCapabilities { maturity capability { name } } }
          partnerships(first: 3) { totalCount nodes { status } }
        }
      }
    }
  }
}"""


async def _round_trips(db: Database, gql: GraphQLClient, first: int) -> tuple[int, int]:
    before = db.round_trips
    data = await gql(NESTED, {"first": first})
    return db.round_trips - before, len(data["partnerships"]["nodes"])


async def test_nested_query_over_100_items_is_bounded(seeded: Database, gql: GraphQLClient) -> None:
    await gql("{ viewer { role } }")  # the hub verifies the key once, then remembers it
    few, n_few = await _round_trips(seeded, gql, 2)
    many, n_many = await _round_trips(seeded, gql, 100)
    assert (n_few, n_many) == (2, 100)
    # One statement per root field and one per nested relationship field: 6.
    assert many == few
    assert many <= 6, many


async def test_node_lookups_are_batched(seeded: Database, gql: GraphQLClient) -> None:
    page = await gql("{ institutions(first: 40) { nodes { id } } }")  # the key is now remembered
    ids = [n["id"] for n in page["institutions"]["nodes"]]
    before = seeded.round_trips
    data = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert [n["id"] for n in data["nodes"]] == ids
    assert seeded.round_trips - before == 1  # one batched node lookup
