"""Text inputs: control characters, unpaired surrogates and bidirectional overrides are refused
with BAD_USER_INPUT naming where they are, in any argument of any field, before anything runs."""

from __future__ import annotations

import json
from typing import Any

import httpx

from hub.db.database import Database
from hub.graphql.relay import to_global_id
from hub.seeds.loading import graph_counts
from tests.conftest import GraphQLClient

THAMESGATE = to_global_id("Institution", "thamesgate-bank")

UPDATE = """mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) {
    organisation { name description } userErrors { field message code } } }"""

NAME = "query($id: ID!) { node(id: $id) { ... on Institution { name description } } }"

AUDIT = """{ auditLog(first: 20, filter: {operation: "updateOrganisation"}) {
    nodes { outcome input errors } } }"""


async def send(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Posts the operation as JSON with every non-ASCII character escaped, as `\\ud800`: the only
    way a JSON body carries an unpaired surrogate (httpx would refuse to encode it raw)."""
    body = json.dumps({"query": query, "variables": variables or {}})
    response = await http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def refused_fields(answer: dict[str, Any]) -> list[str]:
    assert answer.get("data") is None, answer
    errors = answer["errors"]
    assert all(e["extensions"]["code"] == "BAD_USER_INPUT" for e in errors), errors
    return [f for e in errors for f in e["extensions"]["fields"]]


REFUSED = {
    "U+0001": "Thamesgate Bank\u0001",
    "NUL": "Thamesgate\u0000Bank",
    "right-to-left override": "\u202eknaB etagsemahT",
    "isolate": "Thamesgate \u2066Bank\u2069",
    "C1 control": "Thamesgate\u0085Bank",
    "unpaired surrogate": "\ud800",
    "noncharacter": "Thamesgate\uffff",
    "DEL": "Thamesgate\u007f",
}


async def test_a_name_with_a_refused_character_is_refused_and_nothing_is_written(
    seeded: Database, client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    before = await graph_counts(seeded)
    for what, name in REFUSED.items():
        answer = await send(client, UPDATE, {"input": {"id": THAMESGATE, "name": name}})
        assert refused_fields(answer) == ["input.name"], what
        assert "input.name: must not hold" in answer["errors"][0]["message"], what
    assert (await gql(NAME, {"id": THAMESGATE}))["node"]["name"] == "Thamesgate Bank (China)"
    assert await graph_counts(seeded) == before
    # Every refused mutation is in the audit log, the unpaired surrogate too (as a JSON escape).
    entries = (await gql(AUDIT))["auditLog"]["nodes"]
    assert [e["outcome"] for e in entries] == ["REFUSED"] * len(REFUSED)
    surrogate = next(e for e in entries if "U+D800" in e["errors"][0])
    assert json.loads(surrogate["input"])["input"]["name"] == "\ud800"
    assert surrogate["errors"] == ["input.name: must not hold the unpaired surrogate U+D800 (at character 1)"]


async def test_literals_in_the_document_are_checked_too(seeded: Database, client: httpx.AsyncClient) -> None:
    literal = (
        f'mutation {{ updateOrganisation(input: {{id: "{THAMESGATE}", name: "Bank\\u0001", '
        'licences: ["ok", "bad\\u202e"]}) { userErrors { field } } }'
    )
    answer = await send(client, literal)
    assert sorted(refused_fields(answer)) == ["input.licences.1", "input.name"]
    assert answer["errors"][0]["locations"]  # points at the literal


async def test_query_arguments_are_checked_wherever_they_are(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    search = await send(client, "query($t: String!) { search(text: $t) { score } }", {"t": "\ud800"})
    assert refused_fields(search) == ["text"]
    nested_filter = await send(
        client,
        "query($f: InstitutionFilterInput) { institutions(filter: $f) { totalCount } }",
        {"f": {"homeCountry": "\u202eGB"}},
    )
    assert refused_fields(nested_filter) == ["filter.homeCountry"]
    in_a_fragment = await send(
        client,
        "query { institutions(first: 1) { nodes { ...P } } }"
        ' fragment P on Institution { partnerships(after: "\\u0007") { totalCount } }',
    )
    assert refused_fields(in_a_fragment) == ["after"]
    by_default = await send(client, 'query($t: String = "\\u0000") { search(text: $t) { score } }')
    assert refused_fields(by_default) == ["text"]


async def test_line_breaks_belong_in_descriptions_not_in_names(
    seeded: Database, client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    described = await send(
        client, UPDATE, {"input": {"id": THAMESGATE, "description": "First line.\r\nSecond\tline."}}
    )
    assert described["data"]["updateOrganisation"]["userErrors"] == []
    stored = (await gql(NAME, {"id": THAMESGATE}))["node"]
    assert stored["description"] == "First line.\r\nSecond\tline."

    two_lines = await send(client, UPDATE, {"input": {"id": THAMESGATE, "name": "Thamesgate\nBank"}})
    errors = two_lines["data"]["updateOrganisation"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("input.name", "INVALID_CHARACTER")]
    assert "line breaks belong only in multi-line text" in errors[0]["message"]
    assert (await gql(NAME, {"id": THAMESGATE}))["node"]["name"] == "Thamesgate Bank (China)"


async def test_the_operation_name_is_checked_too(seeded: Database, client: httpx.AsyncClient) -> None:
    body = json.dumps({"query": 'query Find { search(text: "bank") { score } }', "operationName": "\ud800"})
    response = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert refused_fields(response.json()) == ["operationName"]
