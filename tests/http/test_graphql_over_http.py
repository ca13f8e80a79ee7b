"""GraphQL over HTTP: malformed requests, request errors, media types, the choice of operation."""

from __future__ import annotations

import logging

import httpx
import pytest

from hub.db.database import Database
from tests.conftest import GraphQLClient

GRAPHQL_RESPONSE = "application/graphql-response+json"

MALFORMED_BODIES = {
    "null": b"null",
    "a string": b'"x"',
    "a number": b"123",
    "a boolean": b"true",
    "an array of numbers": b"[1, 2]",
    "invalid UTF-8": b'{"query": "{ zones { totalCount } }\xff\xfe"}',
    "JSON nested 30,000 deep": b"[" * 30_000 + b"]" * 30_000,
    "nested 30,000 deep in variables": b'{"query": "{ zones { totalCount } }", "variables": {"a": '
    + b"[" * 30_000
    + b"]" * 30_000
    + b"}}",
    "not JSON": b'{ "not a JSON',
    "an integer of 5,000 digits": b'{"query": "{ zones { totalCount } }", "variables": {"n": '
    + b"9" * 5000
    + b"}}",
    "empty": b"",
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_malformed_body_is_a_400_with_a_json_error(
    anonymous: httpx.AsyncClient, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    # Without credentials too: the body is read before anyone is authenticated.
    with caplog.at_level(logging.INFO):
        response = await anonymous.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert "Traceback" not in response.text
    # Its access line (hub/observe/access.py), and at most one more line, without a traceback.
    assert len([r for r in caplog.records if r.name == "hub.access"]) == 1
    assert len([r for r in caplog.records if r.name != "hub.access"]) <= 1
    assert not any(r.exc_info for r in caplog.records)


async def test_malformed_body_errors_say_what_was_wrong(anonymous: httpx.AsyncClient) -> None:
    async def message(body: bytes) -> str:
        response = await anonymous.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        return str(response.json()["errors"][0]["message"])

    assert "must be a JSON object" in await message(b"null")
    assert "not valid UTF-8" in await message(b'{"query": "\xff"}')
    assert "nests too deeply" in await message(b"[" * 30_000 + b"]" * 30_000)
    assert "`variables` must be an object or null, not an array" in await message(
        b'{"query": "{ zones { totalCount } }", "variables": [1]}'
    )
    assert "`operationName` must be a string or null, not a number" in await message(
        b'{"query": "{ zones { totalCount } }", "operationName": 0}'
    )


async def test_a_number_with_too_many_digits_is_named_without_python_internals(
    anonymous: httpx.AsyncClient,
) -> None:
    digits = "9" * 5_001
    posted = await anonymous.post(
        "/graphql",
        content=f'{{"query": "{{ zones {{ totalCount }} }}", "variables": {{"n": {digits}}}}}'.encode(),
        headers={"content-type": "application/json"},
    )
    sent = await anonymous.get(
        "/graphql", params={"query": "{ zones { totalCount } }", "variables": f'{{"n": {digits}}}'}
    )
    for response, where in ((posted, "the request body"), (sent, "the `variables` parameter")):
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"message": f"a number in {where} has too many digits", "extensions": {"code": "BAD_REQUEST"}}
        ]


async def test_wrong_content_type_and_method(anonymous: httpx.AsyncClient) -> None:
    plain = await anonymous.post("/graphql", content=b'{"query": "{ zones { totalCount } }"}')
    assert plain.status_code == 415
    assert plain.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    put = await anonymous.put("/graphql", json={"query": "{ zones { totalCount } }"})
    assert put.status_code == 405


async def test_mutation_over_get_is_a_json_405(seeded: Database, client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "mutation { refreshNetworkMeasures { computedAt } }"}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


PROPOSE = """mutation Propose { proposePartnership(input: {
    proposerId: "SW5zdGl0dXRpb246aHVkc29uLXJpZGdlLWJhbms"
    recipientId: "VGVjaEVudGVycHJpc2U6bGlhbnl1LWRhdGE"
    title: "Written although no operation was named" }) { partnership { id } } }"""
COUNT = "query Count { partnerships(first: 1) { totalCount } }"


async def test_two_operations_without_a_name_run_neither(seeded: Database, gql: GraphQLClient) -> None:
    before = await gql(COUNT)
    refused = await gql.raw(f"{PROPOSE}\n{COUNT}")
    assert "data" not in refused
    (error,) = refused["errors"]
    assert error["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
    assert "2 operations" in error["message"] and "operationName" in error["message"]
    assert await gql(COUNT) == before  # the mutation did not run


async def test_operation_name_chooses_and_must_exist(seeded: Database, client: httpx.AsyncClient) -> None:
    document = f"{PROPOSE}\n{COUNT}"
    chosen = await client.post("/graphql", json={"query": document, "operationName": "Count"})
    assert chosen.json()["data"]["partnerships"]["totalCount"] > 0
    missing = await client.post("/graphql", json={"query": document, "operationName": "Nope"})
    assert missing.json()["errors"][0]["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
    assert "'Nope'" in missing.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ zones { totalCount ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ zonez { totalCount } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($n: Int!) { institutions(first: $n) { totalCount } }", {"n": None}, "BAD_USER_INPUT"),
    ],
    ids=["syntax error", "unknown field", "variable coercion"],
)
async def test_request_errors_have_no_data(
    seeded: Database,
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, object] | None,
    code: str,
) -> None:
    body = {"query": query, "variables": variables}
    strict = await client.post("/graphql", json=body, headers={"accept": GRAPHQL_RESPONSE})
    assert (strict.status_code, strict.headers["content-type"]) == (400, GRAPHQL_RESPONSE)
    assert "data" not in strict.json()
    assert strict.json()["errors"][0]["extensions"]["code"] == code
    # A plain JSON client gets 200 for a well-formed request, and no `data` either.
    plain = await client.post("/graphql", json=body, headers={"accept": "application/json"})
    assert (plain.status_code, plain.headers["content-type"]) == (200, "application/json")
    assert "data" not in plain.json()


async def test_execution_errors_keep_their_data_and_200(seeded: Database, client: httpx.AsyncClient) -> None:
    # Execution began, so `data` is there (null when the error reached the root) and the status is 200.
    query = '{ zones { totalCount } partnerships(first: 5, after: "bm90LWEtY3Vyc29y") { totalCount } }'
    response = await client.post("/graphql", json={"query": query}, headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert body["errors"][0]["path"] == ["partnerships"]
