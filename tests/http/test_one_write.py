"""Each answer leaves the hub in one socket write (hub/http/one_write.py), seen from a real client
socket of the hub served by uvicorn: the kernel's count of data segments that reached it."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest

from hub.db.database import Database
from hub.settings import Settings
from tests.conftest import live

# struct tcp_info (linux/tcp.h): tcpi_data_segs_in, the segments with data this socket received.
_DATA_SEGS_IN = 152
QUERY = json.dumps({"query": "{ zones(first: 5) { totalCount edges { node { name } } } }"}).encode()


@pytest.fixture
async def hub(seeded: Database, test_settings: Settings) -> AsyncIterator[str]:
    async with live(test_settings, seeded) as url:
        yield url


def _request(auth: dict[str, str], *, close: bool = False) -> bytes:
    head = (
        "POST /graphql HTTP/1.1\r\nHost: hub.test\r\nContent-Type: application/json\r\n"
        f"Authorization: {auth['Authorization']}\r\nContent-Length: {len(QUERY)}\r\n"
    )
    if close:
        head += "Connection: close\r\n"
    return (head + "\r\n").encode() + QUERY


async def _answer(reader: asyncio.StreamReader) -> tuple[bytes, dict[str, object]]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    body = await asyncio.wait_for(reader.readexactly(length), 10)
    return head, json.loads(body)


def _data_segments_in(writer: asyncio.StreamWriter) -> int:
    sock: socket.socket = writer.get_extra_info("socket")
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    return int(struct.unpack_from("I", info, _DATA_SEGS_IN)[0])


async def test_an_answer_arrives_as_one_segment_headers_and_body_together(
    hub: str, auth: dict[str, str]
) -> None:
    address = urlsplit(hub)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        for turn in range(1, 4):  # one keep-alive connection: nothing held back crosses answers
            writer.write(_request(auth))
            head, body = await _answer(reader)
            assert head.startswith(b"HTTP/1.1 200 ")
            zones = body["data"]["zones"]
            assert zones["totalCount"] == 5
            assert len({edge["node"]["name"] for edge in zones["edges"]}) == 5
            assert _data_segments_in(writer) == turn
    finally:
        writer.close()


async def test_an_answer_before_the_connection_closes_arrives_whole(hub: str, auth: dict[str, str]) -> None:
    address = urlsplit(hub)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        writer.write(_request(auth, close=True))
        head, body = await _answer(reader)
        assert head.startswith(b"HTTP/1.1 200 ")
        assert b"connection: close" in head.lower()
        assert body["data"]["zones"]["totalCount"] == 5
        assert await asyncio.wait_for(reader.read(), 10) == b""  # then the hub closes it
        assert _data_segments_in(writer) == 1
    finally:
        writer.close()


async def test_a_client_that_stops_sending_after_its_request_still_gets_the_answer(hub: str) -> None:
    """The request and the client's end of sending (a half-close, as `nc -N` does) arrive
    together: the answer written before the server sees the end is still sent whole."""
    address = urlsplit(hub)
    for _ in range(5):
        reader, writer = await asyncio.open_connection(address.hostname, address.port)
        try:
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: hub.test\r\n\r\n")
            writer.write_eof()
            answer = await asyncio.wait_for(reader.read(), 10)
            assert answer.startswith(b"HTTP/1.1 200 "), answer
            assert answer.endswith(b'{"status":"ok"}'), answer
        finally:
            writer.close()
