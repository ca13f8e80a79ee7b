"""Neo4j goes away: every request is answered within the operation timeout with 503
SERVICE_UNAVAILABLE and `Retry-After`, the hub recovers by itself, and a mutation whose answer was
lost is retried safely with its idempotency key.

These tests kill (SIGKILL) and restart a Neo4j of their own, so the session's server is never
disturbed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from neo4j import AsyncGraphDatabase
from neo4j.exceptions import ServiceUnavailable

from hub.db.database import Database
from hub.db.migrations import apply_schema
from hub.db.server import ManagedNeo4j
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.seeds.loading import load_seed_dir
from hub.settings import Settings
from tests.conftest import ROOT, WIPE, serve

OUTAGE_HOME = ROOT / ".hub" / "test-outage"
TIMEOUT = 3.0  # the operation timeout of these tests: short, with room for a loaded machine
NOT_HANGING = TIMEOUT + 2  # before the fix: 33 s (uncached key), 17.9 s (cached key), 10 s (GraphQL)

PROPOSE = """mutation($input: ProposePartnershipInput!) { proposePartnership(input: $input) {
    partnership { id status } userErrors { field code } } }"""
PAIRS = """MATCH (a:Organisation {id: $a})-[:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(b:Organisation {id: $b})
           RETURN count(p) AS n"""


@pytest.fixture(scope="module")
def outage_server() -> Iterator[ManagedNeo4j]:
    server = ManagedNeo4j(
        Settings(home=OUTAGE_HOME, neo4j_bolt_port=7699, neo4j_heap="512m", neo4j_pagecache="64m")
    )
    server.start(print)
    yield server
    server.stop(print)


@pytest.fixture(scope="module")
async def outage_db(outage_server: ManagedNeo4j) -> AsyncIterator[Database]:
    c = outage_server.connection()
    setup = Database.connect(c.uri, c.user, c.password, c.database)
    try:
        await apply_schema(setup)
        await setup.write(WIPE)
        await load_seed_dir(setup)
    finally:
        await setup.close()
    # The hub's driver, with its waits bounded by the operation timeout as `hub serve` sets them.
    db = Database.connect(c.uri, c.user, c.password, c.database, timeout=TIMEOUT)
    yield db
    await db.close()


@pytest.fixture
def outage_settings() -> Settings:
    return Settings(
        home=OUTAGE_HOME,
        operation_timeout_seconds=TIMEOUT,
        api_key_cache_seconds=300,
        matchmaking_refresh_seconds=0,
        network_refresh_seconds=0,
    )


def _kill(server: ManagedNeo4j) -> None:
    pid = server.status().pid
    assert pid is not None, "the test's Neo4j is not running"
    os.kill(pid, signal.SIGKILL)
    while server.status().running:
        time.sleep(0.05)


@contextlib.asynccontextmanager
async def _killed(server: ManagedNeo4j) -> AsyncIterator[None]:
    """Neo4j killed (kill -9) for the block, then started again (it recovers its store)."""
    _kill(server)
    try:
        yield
    finally:
        await asyncio.to_thread(server.start)


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _timed(send: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await send
    return response, time.monotonic() - started


def _answered(response: httpx.Response) -> bool:
    """Neither unavailable nor out of time (a restarted Neo4j's first statements are slow to plan)."""
    if response.status_code in (503, 504):
        return False
    if not response.headers["content-type"].startswith("application/json"):
        return True
    return all(e["extensions"]["code"] != "TIMEOUT" for e in response.json().get("errors", []))


async def _once_back(send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    """The first real answer, sending again while Neo4j comes back (for at most a minute)."""
    deadline = time.monotonic() + 60
    while not _answered(response := await send()) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.5)
    return response


def _assert_unavailable(name: str, response: httpx.Response, elapsed: float) -> None:
    assert response.status_code == 503, (name, response.status_code, response.text)
    assert response.headers["retry-after"] == "5", name
    assert elapsed < NOT_HANGING, (name, elapsed)


async def test_an_outage_is_answered_503_within_the_timeout_and_the_hub_recovers(
    outage_server: ManagedNeo4j, outage_db: Database, outage_settings: Settings
) -> None:
    keys = ApiKeys(outage_db)
    cached = _bearer((await keys.create(Role.ADMIN, None, "cached")).key)
    uncached = _bearer((await keys.create(Role.ADMIN, None, "uncached")).key)
    zones = {"query": "{ zones { totalCount } }"}
    proposal = {
        "query": PROPOSE,
        "variables": {
            "input": {
                "proposerId": to_global_id("Institution", "thamesgate-bank"),
                "recipientId": to_global_id("TechEnterprise", "yunhe-cloud"),
                "title": "Cloud core banking",
            }
        },
    }
    update = {  # one auto-commit statement (Database.change), not a managed transaction
        "query": 'mutation($id: ID!) { updateOrganisation(input: {id: $id, description: "x"}) '
        "{ organisation { id } userErrors { code } } }",
        "variables": {"id": to_global_id("Institution", "thamesgate-bank")},
    }
    requests: dict[str, Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]] = {
        "uncached key": lambda http: http.post("/graphql", json=zones, headers=uncached),
        "cached key, query": lambda http: http.post("/graphql", json=zones, headers=cached),
        "cached key, mutation": lambda http: http.post("/graphql", json=proposal, headers=cached),
        "cached key, update": lambda http: http.post("/graphql", json=update, headers=cached),
        "export": lambda http: http.get("/export/graph.graphml", headers=cached),
        "readiness": lambda http: http.get("/readyz"),
    }
    async with serve(outage_settings, outage_db) as http:
        warm = await http.post("/graphql", json=zones, headers=cached)  # the key is now remembered
        assert warm.json()["data"] == {"zones": {"totalCount": 5}}

        async with _killed(outage_server):
            for name, send in requests.items():
                # Each request finds the driver's pool broken or the port closed, not the answer
                # of the previous one: the hub only fails fast for a moment after a failure.
                await asyncio.sleep(outage_db.reachability.probe_every)
                response, elapsed = await _timed(send(http))
                _assert_unavailable(name, response, elapsed)
                if name != "readiness":
                    error = response.json()["errors"][0]
                    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE", (name, response.text)
                    assert "unavailable" in error["message"]

        # Neo4j is back: the same hub answers again, without a restart.
        back = await _once_back(lambda: http.post("/graphql", json=zones, headers=uncached))
        assert back.json()["data"] == {"zones": {"totalCount": 5}}, back.text
        assert (await http.get("/readyz")).status_code == 200
        exported = await _once_back(lambda: http.get("/export/nodes.csv", headers=cached))
        assert exported.status_code == 200 and exported.text.count("\n") == 45 + 64 + 1


async def _wait_for_blocked_commit(uri: str, auth: tuple[str, str]) -> None:
    """Returns once a transaction waits to commit (held back by the test's lock)."""
    async with AsyncGraphDatabase.driver(uri, auth=auth) as watcher:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            records, _, _ = await watcher.execute_query("SHOW TRANSACTIONS YIELD status RETURN status")
            if any(r["status"] == "Closing" for r in records):
                return
            await asyncio.sleep(0.05)
    raise AssertionError("the mutation's transaction never reached its commit")


async def test_a_mutation_lost_in_a_crash_is_retried_once_with_its_key(
    outage_server: ManagedNeo4j, outage_settings: Settings
) -> None:
    c = outage_server.connection()
    # Long enough for the lock wait below; this test is about what lands, not about time.
    db = Database.connect(c.uri, c.user, c.password, c.database, timeout=20)
    admin = (await ApiKeys(db).create(Role.ADMIN, None, "retrying client")).key
    settings = outage_settings.model_copy(update={"operation_timeout_seconds": 20})

    def proposal(proposer: str, recipient: str) -> dict[str, Any]:
        ids = {"proposerId": to_global_id("Institution", proposer), "title": "Retried"}
        return {
            "query": PROPOSE,
            "variables": {"input": {**ids, "recipientId": to_global_id("TechEnterprise", recipient)}},
        }

    committed = proposal("albion-crown-bank", "yunhe-data")  # lands; its answer is then lost
    in_flight = proposal("hudson-ridge-bank", "lianyu-data")  # its commit is under way at the crash

    async def send(http: httpx.AsyncClient, body: dict[str, Any], key: str) -> httpx.Response:
        return await http.post("/graphql", json=body, headers={"Idempotency-Key": key})

    try:
        async with serve(settings, db, _bearer(admin)) as http:
            first = (await send(http, committed, "key-committed")).json()["data"]["proposePartnership"]
            assert first["userErrors"] == []

            # Another transaction holds the proposer's lock, so the mutation's commit waits ...
            async with AsyncGraphDatabase.driver(c.uri, auth=(c.user, c.password)) as locker:
                session = locker.session()
                lock = await session.begin_transaction()
                await lock.run("MATCH (o:Organisation {id: 'hudson-ridge-bank'}) SET o.lockedByTest = true")
                pending = asyncio.create_task(send(http, in_flight, "key-in-flight"))
                await _wait_for_blocked_commit(c.uri, (c.user, c.password))
                # ... and Neo4j dies then: the client cannot know whether the change landed.
                async with _killed(outage_server):
                    lost = await pending
                    assert lost.status_code == 503, lost.text
                    assert lost.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                    assert "Idempotency-Key" in lost.json()["errors"][0]["message"]
                    retried = await send(http, committed, "key-committed")
                    assert retried.status_code == 503  # retrying during the outage is refused too
                    with contextlib.suppress(ServiceUnavailable):  # its connection died with Neo4j
                        await lock.rollback()
                    await session.close()

            # Neo4j is back; both clients retry with their keys.
            again = await _once_back(lambda: send(http, committed, "key-committed"))
            assert again.json()["data"]["proposePartnership"] == first
            assert again.headers["idempotent-replayed"] == "true"
            landed = await _once_back(lambda: send(http, in_flight, "key-in-flight"))
            assert landed.json()["data"]["proposePartnership"]["userErrors"] == [], landed.text
            replayed = await send(http, in_flight, "key-in-flight")
            assert replayed.json() == landed.json()

        for proposer, recipient in (
            ("albion-crown-bank", "yunhe-data"),
            ("hudson-ridge-bank", "lianyu-data"),
        ):
            rows = await db.read(PAIRS, a=proposer, b=recipient)
            assert rows[0]["n"] == 1, (proposer, recipient)
    finally:
        await db.close()
