"""The test session's Neo4j: a real server the session starts (or HUB_TEST_NEO4J_URI), wiped per test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from hub.app import create_app
from hub.db.database import Database
from hub.db.migrations import apply_schema
from hub.db.server import Connection, ManagedNeo4j
from hub.domain.enums import Role
from hub.http.one_write import OneWriteHTTP
from hub.security.api_keys import ApiKeys
from hub.seeds.loading import load_seed_dir
from hub.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
TEST_HOME = ROOT / ".hub" / "test"

WIPE = "MATCH (n) WHERE NOT n:ApiKey DETACH DELETE n"


@pytest.fixture(scope="session")
def test_settings() -> Settings:
    # No periodic jobs: their statements would run beside the tests' (some count round trips);
    # tests/services/test_schedule.py and tests/replicas run them on purpose.
    return Settings(
        home=TEST_HOME,
        neo4j_bolt_port=7697,
        neo4j_heap="768m",
        neo4j_pagecache="256m",
        matchmaking_refresh_seconds=0,
        network_refresh_seconds=0,
        idempotency_purge_seconds=0,
        event_prune_seconds=0,
    )


@pytest.fixture(scope="session")
def neo4j(test_settings: Settings) -> Iterator[Connection]:
    uri = os.environ.get("HUB_TEST_NEO4J_URI")
    if uri:
        yield Connection(
            uri,
            os.environ.get("HUB_TEST_NEO4J_USER", "neo4j"),
            os.environ["HUB_TEST_NEO4J_PASSWORD"],
            os.environ.get("HUB_TEST_NEO4J_DATABASE", "neo4j"),
        )
        return
    server = ManagedNeo4j(test_settings)
    connection = server.start(print)
    yield connection
    server.stop(print)


@pytest.fixture(scope="session")
async def db(neo4j: Connection) -> AsyncIterator[Database]:
    database = Database.connect(neo4j.uri, neo4j.user, neo4j.password, neo4j.database)
    await apply_schema(database)
    yield database
    await database.close()


@pytest.fixture(scope="session")
async def admin_key(db: Database) -> str:
    """An ADMIN API key for the whole session (keys survive the per-test wipes)."""
    return (await ApiKeys(db).create(Role.ADMIN, None, "test session")).key


@pytest.fixture(scope="session")
def auth(admin_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_key}"}


@pytest.fixture
async def empty_graph(db: Database) -> Database:
    await db.write(WIPE)
    return db


@pytest.fixture
async def seeded(empty_graph: Database) -> Database:
    await load_seed_dir(empty_graph)
    return empty_graph


@contextlib.asynccontextmanager
async def serve(
    settings: Settings, db: Database | None, headers: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The hub in process, with a client sending `headers` (credentials) on every request."""
    app = create_app(settings, database=db)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hub.test", headers=headers
        ) as http,
    ):
        yield http


@pytest.fixture
async def client(
    db: Database, test_settings: Settings, auth: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(test_settings, db, auth) as http:
        yield http


@pytest.fixture
async def anonymous(db: Database, test_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(test_settings, db) as http:
        yield http


@contextlib.asynccontextmanager
async def live(settings: Settings, db: Database, send_buffer: int | None = None) -> AsyncIterator[str]:
    """The hub served by uvicorn on a free loopback port, as a browser reaches it; yields its URL.
    `send_buffer` bounds the kernel's send buffer of each connection (to stall a stream on a slow reader)."""
    app = create_app(settings, database=db)
    sock = socket.socket()
    if send_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)  # accepted sockets inherit it
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", http=OneWriteHTTP))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        body: dict[str, Any] = response.json()
        return body

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a query that must succeed."""
        body = await self.raw(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture
def neo4j_connection_uri(neo4j: Connection) -> str:
    return neo4j.uri
