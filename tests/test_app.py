"""HTTP behaviour: health, readiness, GraphQL over GET and POST."""

from __future__ import annotations

import httpx

from hub.db.database import Database


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_neo4j_reachable(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["neo4j"] == "reachable"


async def test_query_over_get(seeded: Database, client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ zones { totalCount } }"})
    assert response.status_code == 200
    assert response.json()["data"]["zones"]["totalCount"] == 5


async def test_mutation_over_get_is_refused(seeded: Database, client: httpx.AsyncClient) -> None:
    mutation = 'mutation { acceptPartnership(input: {id: "x"}) { userErrors { message } } }'
    response = await client.get("/graphql", params={"query": mutation})
    assert response.status_code == 405


async def test_graphiql_in_development(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_syntax_error_has_a_code_and_no_internals(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ institutions { "})
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Traceback" not in response.text
