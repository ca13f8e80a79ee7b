"""HTTP behaviour: health, readiness, GraphQL over GET and POST."""

from __future__ import annotations

from pathlib import Path

import httpx

from hub.db.database import Database
from hub.db.server import Connection
from hub.settings import Environment, Settings
from tests.conftest import serve


async def test_healthz(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_neo4j_reachable(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/readyz")
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


async def test_graphiql_in_development(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_syntax_error_has_a_code_and_no_internals(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ institutions { "})
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "Traceback" not in response.text


async def test_graphiql_is_off_in_production(
    db: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    async with serve(test_settings.model_copy(update={"env": Environment.PRODUCTION}), db, auth) as http:
        response = await http.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in response.text.lower()


async def test_existing_neo4j_through_environment(
    seeded: Database, neo4j: Connection, tmp_path: Path, auth: dict[str, str]
) -> None:
    # NEO4J_URI and friends point the hub at a server it does not manage: it opens its own driver
    # and never looks at a managed server's home (an empty folder here).
    settings = Settings(
        home=tmp_path / "unused",
        neo4j_uri=neo4j.uri,
        neo4j_user=neo4j.user,
        neo4j_password=neo4j.password,
        neo4j_database=neo4j.database,
    )
    async with serve(settings, None, auth) as http:
        response = await http.post("/graphql", json={"query": "{ zones { totalCount } }"})
    assert response.json()["data"] == {"zones": {"totalCount": 5}}
    assert not (tmp_path / "unused").exists()
