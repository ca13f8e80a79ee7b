"""Exports draw on the caller's rate-limit budget, are bounded per caller, and always stream."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx

from hub.db.database import Database
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.seeds.files import read_seed_dir
from hub.seeds.loading import DEFAULT_SEED_DIR
from hub.seeds.synthetic import generate
from hub.seeds.writer import write_in_batches
from hub.settings import Settings
from tests.conftest import live, serve

PAGE = {"query": "{ institutions(first: 20) { nodes { name } } }"}  # costs 21 points


async def test_a_caller_refused_on_graphql_is_refused_exports(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    limited = test_settings.model_copy(update={"rate_limit_points_per_minute": 300})
    async with serve(limited, seeded, auth) as http:
        answers = [await http.post("/graphql", json=PAGE) for _ in range(15)]
        assert answers[-1].status_code == 429
        exports = [await http.get("/export/nodes.csv") for _ in range(5)]
    assert {r.status_code for r in exports} == {429}
    error = exports[0].json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert int(exports[0].headers["retry-after"]) == error["extensions"]["retryAfter"] > 0
    assert "300 points per minute" in error["message"]


async def test_exports_spend_points_of_the_same_budget(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    # The seed graph's whole export selects 109 organisations: 109 points.
    limited = test_settings.model_copy(update={"rate_limit_points_per_minute": 250})
    async with serve(limited, seeded, auth) as http:
        exports = [await http.get("/export/nodes.csv") for _ in range(2)]
        first = await http.post("/graphql", json=PAGE)  # 218 + 21 = 239 points
        second = await http.post("/graphql", json=PAGE)  # 260: over
        banks = await http.get("/export/edges.csv", params={"kind": "BANK", "type": "Institution"})
    assert [r.status_code for r in exports] == [200, 200]
    assert first.status_code == 200
    assert second.status_code == 429
    assert banks.status_code == 429  # even a small export: nothing is left this minute


def _slow_reader(url: str, path: str, key: str) -> socket.socket:
    """A client that sends a request and then reads nothing: its receive buffer is tiny, so the
    hub's stream stalls once a few of its chunks are on the way."""
    host, port = url.removeprefix("http://").split(":")
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.connect((host, int(port)))
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n\r\n"
    client.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:  # the response has begun: the export holds its slot
        head += client.recv(1)
    assert head.startswith(b"HTTP/1.1 200"), head
    return client


def _read_all(client: socket.socket) -> bytes:
    received = b""
    while chunk := client.recv(65536):
        received += chunk
        if received.endswith(b"\r\n0\r\n\r\n"):  # the last chunk of a chunked body
            break
    return received


async def test_a_caller_streams_at_most_two_exports_at_once(
    empty_graph: Database, test_settings: Settings
) -> None:
    # Large enough that its GraphML export (over 1 MB) is far more than the socket buffers hold.
    await write_in_batches(empty_graph, generate(3000, 11, read_seed_dir(DEFAULT_SEED_DIR)))
    key = (await ApiKeys(empty_graph).create(Role.ANALYST, None, "slow reader")).key
    other = (await ApiKeys(empty_graph).create(Role.ANALYST, None, "another analyst")).key
    path = "/export/graph.graphml?status=ACTIVE&status=ENDED"
    async with live(test_settings, empty_graph, send_buffer=4096) as url:
        readers = [await asyncio.to_thread(_slow_reader, url, path, key) for _ in range(2)]
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            third = await http.get(path, headers={"Authorization": f"Bearer {key}"})
            elsewhere = await http.get("/export/nodes.csv", headers={"Authorization": f"Bearer {other}"})
            # The first stream was still open: read it to its end, and the caller may export again.
            whole = await asyncio.to_thread(_read_all, readers[0])
            readers[0].close()
            for _ in range(50):  # the hub gives the slot back once its last chunk is sent
                again = await http.get("/export/nodes.csv", headers={"Authorization": f"Bearer {key}"})
                if again.status_code != 429:
                    break
                await asyncio.sleep(0.1)
        for reader in readers[1:]:
            reader.close()
    assert third.status_code == 429
    error = third.json()["errors"][0]
    assert error["extensions"]["code"] == "TOO_MANY_EXPORTS"
    assert int(third.headers["retry-after"]) == error["extensions"]["retryAfter"] > 0
    assert "2 exports at once" in error["message"]
    assert elsewhere.status_code == 200  # the bound is per caller
    assert len(whole) > 1_000_000 and whole.rstrip().endswith(b"</graphml>\n\r\n0")
    assert again.status_code == 200


async def test_an_export_streams_whatever_the_accept_header(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    accept = {**auth, "accept": "application/graphql-response+json"}
    async with live(test_settings, seeded) as url, httpx.AsyncClient(base_url=url, headers=accept) as http:
        async with http.stream("GET", "/export/graph.graphml") as response:
            headers = response.headers
            body = b"".join([chunk async for chunk in response.aiter_raw()])
        graphql = await http.post("/graphql", json={"query": "{ zones { totalCount } }"})
    # Streamed as it is written (chunked, no length known in advance), in its own media type.
    assert "content-length" not in headers
    assert headers["transfer-encoding"] == "chunked"
    assert headers["content-type"].startswith("application/graphml+xml")
    assert body.rstrip().endswith(b"</graphml>")
    # /graphql still speaks the media type the client accepts.
    assert graphql.headers["content-type"] == "application/graphql-response+json"
    assert json.loads(graphql.content)["data"]["zones"]["totalCount"] > 0
