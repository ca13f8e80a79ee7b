"""Differential test of the benchmark's operations (bench/operations.py): the hub, the Neo4j GraphQL
Library 7 (the peer, bench/peer/) and the hand-written Cypher floor return the same data, on the
seed graph, every time CI runs. The benchmark itself (bench/run.sh) is not part of the suite."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bench.operations import OPERATIONS, Operation, Target
from hub.db.database import Database
from hub.db.server import Connection
from tests.conftest import ROOT, GraphQLClient

PEER = ROOT / "bench" / "peer"
TARGET = Target(institution="thamesgate-bank", capability="cloud")


@pytest.fixture(scope="module")
async def peer(neo4j: Connection) -> AsyncIterator[str]:
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
        yield url
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def _peer(url: str, op: Operation) -> Any:
    async with httpx.AsyncClient(timeout=30) as client:
        body = (await client.post(url, json={"query": op.peer, "variables": op.peer_vars(TARGET)})).json()
    assert "errors" not in body, body
    return body["data"]


async def _floor(db: Database, op: Operation) -> Any:
    run = db.write if op.mutation else db.read
    return await run(op.cypher, **op.cypher_params(TARGET))  # type: ignore[arg-type]


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: o.name)
async def test_hub_peer_and_cypher_return_the_same_data(
    seeded: Database, gql: GraphQLClient, peer: str, op: Operation
) -> None:
    from_hub = op.hub_canon(await gql(op.hub, op.hub_vars(TARGET)))
    from_peer = op.peer_canon(await _peer(peer, op))
    from_floor = op.cypher_canon(await _floor(seeded, op))
    assert from_hub == from_floor
    assert from_peer == from_floor
    assert from_floor  # something was compared: no operation answers nothing on the seed graph
