"""Differential test of the benchmark's operations (bench/operations.py): the hub, the Neo4j GraphQL
Library 7 (the peer, bench/peer/) and the hand-written Cypher floor return the same data, on the
seed graph, every time CI runs. The peer runs as the benchmark runs it, with two Node processes,
and must really answer from both. The benchmark itself (bench/run.sh) is not part of the suite."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bench import processes
from bench.cursors import deep_page_cursors
from bench.operations import DEEP_PAGE, OPERATIONS, Operation, Target
from hub.db.database import Database
from hub.db.server import Connection
from tests.conftest import ROOT, GraphQLClient

PEER = ROOT / "bench" / "peer"
# Pages of 4 for the deep page: the seed graph's banks fill a few, so the cursors are walked.
TARGET = Target(institution="thamesgate-bank", capability="cloud", deep_page_size=4)
PEER_WORKERS = 2  # as in the benchmark (HUB_WORKERS=2)


class Peer:
    def __init__(self, url: str, pid: int) -> None:
        self.url = url
        self.pid = pid


@pytest.fixture(scope="module")
async def peer(neo4j: Connection) -> AsyncIterator[Peer]:
    assert (PEER / "node_modules").exists(), "the peer is installed by `bash .ci/setup.sh` (npm ci)"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "NEO4J_URI": neo4j.uri,
        "NEO4J_USER": neo4j.user,
        "NEO4J_PASSWORD": neo4j.password,
        "NEO4J_DATABASE": neo4j.database,
        "PORT": str(port),
        "PEER_WORKERS": str(PEER_WORKERS),
    }
    process = await asyncio.create_subprocess_exec(
        "node", "server.mjs", cwd=PEER, env=env, stdout=asyncio.subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(150):
                if process.returncode is not None:
                    raise AssertionError(f"the peer exited with {process.returncode}")
                try:
                    await client.post(url, json={"query": "{ __typename }"})
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
        yield Peer(url, process.pid)
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def _post_peer(url: str, query: str, variables: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(timeout=30) as client:
        body = (await client.post(url, json={"query": query, "variables": variables})).json()
    assert "errors" not in body, body
    return body["data"]


async def _read(db: Database, cypher: str, params: dict[str, Any]) -> Any:
    return await db.read(cypher, **params)  # type: ignore[arg-type]


async def _with_cursors(db: Database, gql: GraphQLClient, peer: Peer) -> Target:
    return await deep_page_cursors(
        TARGET,
        hub=gql,
        peer=lambda q, v: _post_peer(peer.url, q, v),
        floor=lambda c, p: _read(db, c, p),
    )


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: o.name)
async def test_hub_peer_and_cypher_return_the_same_data(
    seeded: Database, gql: GraphQLClient, peer: Peer, op: Operation
) -> None:
    target = await _with_cursors(seeded, gql, peer) if op.name == "deep page" else TARGET
    from_hub = op.hub_canon(await gql(op.hub, op.hub_vars(target)))
    from_peer = op.peer_canon(await _post_peer(peer.url, op.peer, op.peer_vars(target)))
    run = seeded.write if op.mutation else seeded.read
    from_floor = op.cypher_canon(await run(op.cypher, **op.cypher_params(target)))  # type: ignore[arg-type]
    assert from_hub == from_floor
    assert from_peer == from_floor
    assert from_floor  # something was compared: no operation answers nothing on the seed graph


async def test_each_side_walks_to_the_same_deep_page_with_its_own_cursor(
    seeded: Database, gql: GraphQLClient, peer: Peer
) -> None:
    """The seed graph's banks make fewer pages of 4 than the 50 the benchmark asks for, so every
    side stops at the last one, which has no page after it."""
    banks = (await seeded.read("MATCH (n:Institution {kind: 'BANK'}) RETURN count(*) AS n"))[0]["n"]
    pages = -(-banks // TARGET.deep_page_size)
    assert 2 < pages < DEEP_PAGE  # enough pages for the walk to mean something
    target = await _with_cursors(seeded, gql, peer)
    assert target.deep_page == pages
    assert target.hub_after and target.peer_after and target.floor_after
    op = next(o for o in OPERATIONS if o.name == "deep page")
    items, more = op.cypher_canon(await seeded.read(op.cypher, **op.cypher_params(target)))  # type: ignore[arg-type]
    assert (len(items), more) == (banks - (pages - 1) * TARGET.deep_page_size, False)


async def test_the_peer_answers_from_as_many_node_processes_as_it_was_given(peer: Peer) -> None:
    workers = processes.tree(peer.pid)[1:]
    assert len(workers) == PEER_WORKERS
    served = set()
    for _ in range(20):  # a new connection each time: the cluster's primary deals them out in turn
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(peer.url, json={"query": "{ __typename }"})
        served.add(int(response.headers["x-peer-pid"]))
    assert served == set(workers)


async def test_the_nested_connection_compares_items_at_both_levels(seeded: Database) -> None:
    """Its equality above means something: a full page of banks, some with ACTIVE partnerships."""
    op = next(o for o in OPERATIONS if o.name == "nested connection")
    total, banks = op.cypher_canon(await seeded.read(op.cypher, **op.cypher_params(TARGET)))  # type: ignore[arg-type]
    assert total > len(banks) == 10
    assert any(partnerships for _, _, _, partnerships in banks)
    assert all(count >= len(partnerships) for _, _, count, partnerships in banks)
