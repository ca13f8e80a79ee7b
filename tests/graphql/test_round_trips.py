"""No N+1: the Cypher round trips of a request do not grow with the size of its result."""

from __future__ import annotations

from hub.db.database import Database
from hub.graphql.relay import to_global_id
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


UPDATE = """mutation($id: ID!, $d: String!) { updateOrganisation(input: {id: $id, description: $d}) {
    organisation { ... on Institution { name description } } userErrors { code } } }"""
AUDIT = "{ auditLog(first: 5) { nodes { operation outcome } } }"


async def test_an_update_is_its_statement_carrying_its_audit_entry_and_its_event(
    seeded: Database, gql: GraphQLClient
) -> None:
    await gql("{ viewer { role } }")  # the key is now remembered
    bank = to_global_id("Institution", "hudson-ridge-bank")
    before = seeded.round_trips
    data = await gql(UPDATE, {"id": bank, "d": "Trade finance"})
    # The change (with its audit entry riding on it) and its event (issue 14), then the commit.
    assert seeded.round_trips - before == 2
    assert data["updateOrganisation"]["organisation"]["description"] == "Trade finance"
    log = (await gql(AUDIT))["auditLog"]["nodes"]
    assert log[0] == {"operation": "updateOrganisation", "outcome": "ALLOWED"}


async def test_an_update_refused_after_its_statement_leaves_nothing_changed(
    seeded: Database, gql: GraphQLClient
) -> None:
    # The check that needs the organisation's type runs after the one statement; its refusal
    # rolls back the change and the ALLOWED entry that rode on it.
    bank = to_global_id("Institution", "hudson-ridge-bank")
    before = await gql(
        "query($id: ID!) { node(id: $id) { ... on Institution { description } } }", {"id": bank}
    )
    data = await gql(
        'mutation($id: ID!) { updateOrganisation(input: {id: $id, description: "x", employees: 5}) '
        "{ organisation { id } userErrors { field code } } }",
        {"id": bank},
    )
    assert data["updateOrganisation"] == {
        "organisation": None,
        "userErrors": [{"field": "input.employees", "code": "NOT_APPLICABLE"}],
    }
    after = await gql(
        "query($id: ID!) { node(id: $id) { ... on Institution { description } } }", {"id": bank}
    )
    assert after == before
    log = (await gql(AUDIT))["auditLog"]["nodes"]
    assert [(n["operation"], n["outcome"]) for n in log] == [("updateOrganisation", "REFUSED")]
