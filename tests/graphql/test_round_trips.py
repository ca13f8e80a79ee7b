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
    # One statement holds the checks, the change, its audit entry and its event (issue 14), sent
    # as an auto-commit transaction: no separate commit.
    assert seeded.round_trips - before == 1
    assert data["updateOrganisation"]["organisation"]["description"] == "Trade finance"
    log = (await gql(AUDIT))["auditLog"]["nodes"]
    assert log[0] == {"operation": "updateOrganisation", "outcome": "ALLOWED"}


async def test_an_update_refused_by_its_statement_leaves_nothing_changed(
    seeded: Database, gql: GraphQLClient
) -> None:
    # The check that needs the organisation's type runs in the one statement, before the change:
    # refused, it changes nothing and writes no ALLOWED entry.
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


async def test_every_refusal_of_the_one_statement_update_names_its_field_and_changes_nothing(
    seeded: Database, gql: GraphQLClient
) -> None:
    bank = to_global_id("Institution", "hudson-ridge-bank")
    tech = to_global_id("TechEnterprise", "lianyu-data")
    graph = "MATCH (n) RETURN count(n) AS nodes, sum(size(keys(n))) AS properties"
    before = await seeded.read(graph)
    located = "MATCH (:Organisation {id: 'hudson-ridge-bank'})-[:LOCATED_IN]->(z) RETURN z.id AS zone"
    zone_before = await seeded.read(located)
    cases = [
        (
            {"id": bank, "description": "x", "zoneId": to_global_id("Zone", "no-such-zone")},
            "input.zoneId",
            "NOT_FOUND",
        ),
        ({"id": to_global_id("Institution", "no-such-bank"), "description": "x"}, "input.id", "NOT_FOUND"),
        ({"id": tech, "licences": ["Payment"]}, "input.licences", "NOT_APPLICABLE"),
        # The zone is checked first, as before the update was one statement.
        (
            {"id": to_global_id("Institution", "nobody"), "zoneId": to_global_id("Zone", "no-such-zone")},
            "input.zoneId",
            "NOT_FOUND",
        ),
    ]
    for given, field, code in cases:
        data = await gql(
            "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) "
            "{ organisation { id } userErrors { field code } } }",
            {"input": given},
        )
        assert data["updateOrganisation"] == {
            "organisation": None,
            "userErrors": [{"field": field, "code": code}],
        }
    # Only the REFUSED audit entries were written.
    after = await seeded.read(graph)
    audit = await seeded.read("MATCH (a:AuditEntry) RETURN count(a) AS n, sum(size(keys(a))) AS p")
    assert after[0]["nodes"] - before[0]["nodes"] == audit[0]["n"] == len(cases)
    assert await seeded.read(located) == zone_before


async def test_an_update_moves_the_zone_in_its_one_statement(seeded: Database, gql: GraphQLClient) -> None:
    bank = to_global_id("Institution", "hudson-ridge-bank")
    zones = await seeded.read("MATCH (z:Zone) RETURN z.id AS id ORDER BY id")
    current = await seeded.read(
        "MATCH (:Organisation {id: 'hudson-ridge-bank'})-[:LOCATED_IN]->(z) RETURN z.id AS id"
    )
    target = next(z["id"] for z in zones if [z] != current)
    await gql("{ viewer { role } }")  # the key is now remembered
    before = seeded.round_trips
    data = await gql(
        "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) "
        "{ organisation { ... on Institution { zone { id } } } userErrors { code } } }",
        {"input": {"id": bank, "zoneId": to_global_id("Zone", target)}},
    )
    assert data["updateOrganisation"]["userErrors"] == []
    # The change and the new zone the answer asks for, read back by the same statement (the
    # compiled mutation; the executor read the zone with a statement of its own).
    assert seeded.round_trips - before == 1
    assert data["updateOrganisation"]["organisation"]["zone"]["id"] == to_global_id("Zone", target)
    located = await seeded.read(
        "MATCH (:Organisation {id: 'hudson-ridge-bank'})-[:LOCATED_IN]->(z) RETURN z.id AS id"
    )
    assert located == [{"id": target}]
    event = await seeded.read(
        "MATCH (e:Event {type: 'organisation.updated'}) "
        "RETURN e.subjectType AS type, e.organisationRefs AS refs, e.payload AS payload"
    )
    assert event == [
        {
            "type": "Institution",
            "refs": ["Institution:hudson-ridge-bank"],
            "payload": '{"changed": ["zoneId"]}',
        }
    ]
