"""Abusive operations are refused before they reach Neo4j; normal portal queries pass."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

import httpx

from hub.db.database import Database
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.settings import Environment, Settings
from tests.conftest import GraphQLClient, live, serve


async def _refused(
    gql: GraphQLClient, query: str, variables: dict[str, object] | None = None
) -> dict[str, object]:
    body = await gql.raw(query, variables)
    assert body.get("data") is None, body
    error: dict[str, object] = body["errors"][0]
    return error


async def test_normal_portal_query_reports_its_cost(seeded: Database, client: httpx.AsyncClient) -> None:
    query = "{ institutions(first: 20) { nodes { name partnerships(first: 5) { nodes { title } } } } }"
    body = (await client.post("/graphql", json={"query": query})).json()
    assert "errors" not in body
    assert body["extensions"]["cost"] == {"requested": 1 + 20 + 20 * 5, "limit": 10_000}


async def test_deep_nesting_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    inner = "name"
    for _ in range(8):
        inner = f"partners(first: 1) {{ nodes {{ {inner} }} }}"
    error = await _refused(gql, f"{{ institutions(first: 1) {{ nodes {{ {inner} }} }} }}")
    assert "exceeds maximum operation depth" in str(error["message"])


async def test_alias_flood_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    aliases = " ".join(f"a{i}: zones {{ totalCount }}" for i in range(200))
    error = await _refused(gql, f"{{ {aliases} }}")
    assert "aliases" in str(error["message"]).lower()


async def test_token_flood_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    fields = " ".join(["name"] * 4000)
    error = await _refused(gql, f"{{ zones {{ nodes {{ {fields} }} }} }}")
    assert "token" in str(error["message"]).lower()


async def test_huge_first_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    error = await _refused(gql, "{ partnerships(first: 500) { totalCount } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}


async def test_cost_bomb_through_nested_connections(
    seeded: Database, db: Database, gql: GraphQLClient
) -> None:
    before = db.round_trips
    query = """query($n: Int!) { institutions(first: $n) { nodes {
        partners(first: $n) { nodes { partnerships(first: $n) { nodes { title } } } } } } }"""
    error = await _refused(gql, query, {"n": 100})
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"  # type: ignore[index]
    assert error["extensions"]["cost"]["requested"] == 1 + 100 + 100 * 100 + 100 * 100 * 100  # type: ignore[index]
    assert db.round_trips == before + 1  # the API key lookup only: refused before the operation ran


async def test_fragment_cycle_is_refused(seeded: Database, gql: GraphQLClient) -> None:
    query = """{ institutions(first: 1) { nodes { ...A } } }
        fragment A on Institution { partners(first: 1) { nodes { ...B } } }
        fragment B on Organisation { ... on Institution { ...A } }"""
    error = await _refused(gql, query)
    assert "cannot spread fragment" in str(error["message"]).lower()


async def test_oversize_body_is_refused(client: httpx.AsyncClient) -> None:
    padding = "#" + "x" * 70_000 + "\n"
    response = await client.post("/graphql", json={"query": padding + "{ zones { totalCount } }"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_batched_operations_are_refused(seeded: Database, client: httpx.AsyncClient) -> None:
    batch = [{"query": "{ zones { totalCount } }"}] * 50
    response = await client.post("/graphql", json=batch)
    assert response.status_code == 400


async def test_production_hides_the_schema(
    db: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    async with serve(test_settings.model_copy(update={"env": Environment.PRODUCTION}), db, auth) as http:
        introspection = (
            await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        ).json()
        typo = (await http.post("/graphql", json={"query": "{ zone { totalCount } }"})).json()
    assert "introspection" in introspection["errors"][0]["message"].lower()
    assert "did you mean" not in typo["errors"][0]["message"].lower()


async def test_request_storm_is_rate_limited(
    seeded: Database, test_settings: Settings, auth: dict[str, str], db: Database
) -> None:
    query = {"query": "{ institutions(first: 20) { nodes { name } } }"}  # costs 21 points
    limited = test_settings.model_copy(update={"rate_limit_points_per_minute": 300})
    async with serve(limited, seeded, auth) as http:
        answers = [await http.post("/graphql", json=query) for _ in range(20)]
        # Another caller has a budget of its own.
        other = (await ApiKeys(db).create(Role.ANALYST, None, "second caller")).key
        elsewhere = await http.post("/graphql", json=query, headers={"Authorization": f"Bearer {other}"})
    assert elsewhere.status_code == 200
    served = [r for r in answers if r.status_code == 200]
    refused = [r for r in answers if r.status_code == 429]
    assert len(served) == 300 // 21
    assert len(refused) == 20 - len(served)
    error = refused[0].json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert int(refused[0].headers["retry-after"]) == error["extensions"]["retryAfter"] > 0


async def test_slow_operation_times_out(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    async with serve(
        test_settings.model_copy(update={"operation_timeout_seconds": 0.001}), seeded, auth
    ) as http:
        body = (
            await http.post("/graphql", json={"query": "{ partnerships(first: 100) { nodes { title } } }"})
        ).json()
    assert body["errors"][0]["extensions"]["code"] == "TIMEOUT"


async def test_graphql_response_media_type(seeded: Database, client: httpx.AsyncClient) -> None:
    accept = {"accept": "application/graphql-response+json"}
    ok = await client.post("/graphql", json={"query": "{ zones { totalCount } }"}, headers=accept)
    assert (ok.status_code, ok.headers["content-type"]) == (200, "application/graphql-response+json")
    broken = await client.post("/graphql", json={"query": "{ zones { totalCount "}, headers=accept)
    assert broken.status_code == 400
    assert broken.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "data" not in broken.json()
    plain = await client.post("/graphql", json={"query": "{ zones { totalCount "})
    assert (plain.status_code, plain.headers["content-type"]) == (200, "application/json")


async def test_post_needs_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content="query={zones{totalCount}}", headers={"content-type": "text/plain"}
    )
    assert response.status_code in {400, 415}


async def test_cors_allowlist(db: Database, test_settings: Settings, auth: dict[str, str]) -> None:
    allowed = test_settings.model_copy(update={"cors_origins": ["https://portal.example"]})
    async with serve(allowed, db, auth) as http:
        preflight = {"origin": "https://portal.example", "access-control-request-method": "POST"}
        ok = await http.options("/graphql", headers=preflight)
        other = await http.options("/graphql", headers=preflight | {"origin": "https://evil.example"})
    assert ok.headers["access-control-allow-origin"] == "https://portal.example"
    assert "access-control-allow-origin" not in other.headers


def _doubling(
    levels: int, root: str = "Query", leaf: str = "viewer { role }", first: str = "...F1 ...F1"
) -> str:
    """Fragment i spreads fragment i+1 twice: 2^levels copies of the leaf once expanded."""
    fragments = [f"fragment F0 on Query {{ {first} }}"]
    fragments += [f"fragment F{i} on {root} {{ ...F{i + 1} ...F{i + 1} }}" for i in range(1, levels)]
    fragments.append(f"fragment F{levels} on {root} {{ {leaf} }}")
    return "query { ...F0 } " + " ".join(fragments)


FRAGMENT_BOMBS = {
    "viewer": _doubling(20),
    "institutions": _doubling(
        20,
        root="Institution",
        leaf="name partners(first: 1) { totalCount }",
        first="institutions(first: 1) { nodes { ...F1 ...F1 } }",
    ),
}


async def test_fragment_bomb_is_refused_at_once_while_the_hub_keeps_answering(
    seeded: Database, test_settings: Settings, admin_key: str, db: Database
) -> None:
    # 20 levels used to keep the process busy for 8.9 s, /healthz waiting 8.4 s behind it.
    auth = {"Authorization": f"Bearer {admin_key}"}
    async with live(test_settings, seeded) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        await http.post("/graphql", json={"query": "{ viewer { role } }"}, headers=auth)  # the key is cached
        for name, bomb in FRAGMENT_BOMBS.items():
            assert len(bomb) < 1600
            before = db.round_trips

            async def timed(request: Awaitable[httpx.Response]) -> tuple[float, httpx.Response]:
                started = time.perf_counter()
                response = await request
                return time.perf_counter() - started, response

            (took, refused), (health_took, health) = await asyncio.gather(
                timed(http.post("/graphql", json={"query": bomb}, headers=auth)),
                timed(http.get("/healthz")),
            )
            assert health.status_code == 200
            error = refused.json()["errors"][0]
            assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", name
            assert error["extensions"]["selections"]["requested"] > 1_000_000
            assert "once its fragments are expanded" in error["message"]
            assert db.round_trips == before  # nothing reached Neo4j
            assert took < 2 and health_took < 2, (name, took, health_took)


async def test_refused_bombs_spend_what_they_asked_for(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    # A refusal spends the operation's cost (or its expanded field selections), capped at the cost
    # limit: 10,000 points each here, so the third of them in a minute finds the budget spent.
    limited = test_settings.model_copy(update={"rate_limit_points_per_minute": 25_000})
    async with serve(limited, seeded, auth) as http:
        codes = []
        for bomb in [*FRAGMENT_BOMBS.values(), FRAGMENT_BOMBS["viewer"]]:
            response = await http.post("/graphql", json={"query": bomb})
            codes.append(response.json()["errors"][0]["extensions"]["code"])
        small = await http.post("/graphql", json={"query": "{ zones { totalCount } }"})
    assert codes == ["QUERY_TOO_COMPLEX", "QUERY_TOO_COMPLEX", "RATE_LIMITED"]
    assert small.status_code == 200  # 5,000 points are left for ordinary work


async def test_depth_and_aliases_count_through_fragments(seeded: Database, gql: GraphQLClient) -> None:
    levels = " ".join(
        f"fragment L{i} on Institution {{ partners(first: 1) {{ nodes {{ ... on Institution {{ ...L{i + 1} }} }} }} }}"
        for i in range(6)
    )
    deep = await _refused(
        gql,
        f"{{ institutions(first: 1) {{ nodes {{ ...L0 }} }} }} {levels} fragment L6 on Institution {{ name }}",
    )
    assert deep["message"] == "'anonymous' exceeds maximum operation depth of 12"
    assert deep["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    doubled = " ".join(f"fragment A{i} on Query {{ ...A{i + 1} ...A{i + 1} }}" for i in range(5))
    aliases = await _refused(gql, f"{{ ...A0 }} {doubled} fragment A5 on Query {{ me: viewer {{ role }} }}")
    assert aliases["message"] == "32 aliases found. Allowed: 30"


async def test_one_field_selected_hundreds_of_times_is_refused_before_validation(
    seeded: Database, gql: GraphQLClient, db: Database
) -> None:
    # 11 KB that graphql-core's validation took about 4 s to compare pair by pair.
    before = db.round_trips
    started = time.perf_counter()
    error = await _refused(gql, "{ " + " ".join("viewer { role }" for _ in range(700)) + " }")
    assert time.perf_counter() - started < 1
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"  # type: ignore[index]
    assert error["extensions"]["comparisons"]["limit"] == 5000  # type: ignore[index]
    assert db.round_trips == before + 1  # the API key lookup only
