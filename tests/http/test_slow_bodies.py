"""A body that stops arriving, or a client that leaves while sending it, over a real socket to the
hub served by uvicorn."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from hub.db.database import Database
from hub.settings import Settings
from tests.conftest import live

HALF_A_BODY = b'{"query": "{ zones { totalCount } }"'  # 100 bytes declared, 36 sent


def _head(auth: dict[str, str]) -> bytes:
    return (
        "POST /graphql HTTP/1.1\r\nHost: hub.test\r\nContent-Type: application/json\r\n"
        f"Authorization: {auth['Authorization']}\r\nContent-Length: 100\r\n\r\n"
    ).encode()


@pytest.fixture
async def hub(db: Database, test_settings: Settings) -> AsyncIterator[str]:
    async with live(test_settings.model_copy(update={"operation_timeout_seconds": 1.0}), db) as url:
        yield url


async def _requests(url: str, auth: dict[str, str], outcome: str) -> float:
    async with httpx.AsyncClient(base_url=url, headers=auth) as http:
        scraped = (await http.get("/metrics")).text
    return sum(
        s.value
        for family in text_string_to_metric_families(scraped)
        for s in family.samples
        if s.name == "hub_requests_total"
        and s.labels["route"] == "/graphql"
        and s.labels["outcome"] == outcome
    )


async def test_a_body_that_stops_arriving_is_a_408_within_the_timeout_and_the_connection_closes(
    hub: str, auth: dict[str, str]
) -> None:
    address = urlsplit(hub)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    began = time.monotonic()
    try:
        writer.write(_head(auth) + HALF_A_BODY)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=5)  # to the end: the hub closes the connection
        waited = time.monotonic() - began
    finally:
        writer.close()

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body) == {
        "errors": [
            {
                "message": "the request body did not arrive within 1 s; send it whole, without pauses",
                "extensions": {"code": "REQUEST_TIMEOUT"},
            }
        ]
    }
    assert 0.9 < waited < 4


async def test_a_client_leaving_while_it_sends_its_body_is_one_line_and_no_500(
    hub: str, auth: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    closed_before = await _requests(hub, auth, "client_closed")
    failed_before = await _requests(hub, auth, "http_500")
    address = urlsplit(hub)
    _, writer = await asyncio.open_connection(address.hostname, address.port)
    writer.write(_head(auth) + HALF_A_BODY)
    await writer.drain()
    await asyncio.sleep(0.2)
    writer.close()  # well before the 1 s timeout
    await writer.wait_closed()
    for _ in range(100):
        if any(r.name == "hub.access" and "POST /graphql" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.02)

    assert await _requests(hub, auth, "client_closed") == closed_before + 1
    assert await _requests(hub, auth, "http_500") == failed_before
    mine = [r for r in caplog.records if "POST /graphql" in r.getMessage()]
    assert [(r.name, r.levelname) for r in mine] == [("hub.http", "INFO"), ("hub.access", "INFO")]
    assert "client closed the connection" in mine[0].getMessage()
    assert " 499 client_closed " in mine[1].getMessage()
    assert not any(r.exc_info for r in caplog.records)
    assert not any(r.levelno >= logging.WARNING for r in caplog.records)
