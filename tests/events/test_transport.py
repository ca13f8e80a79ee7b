"""How subscriptions travel: over WebSocket (graphql-transport-ws) at /graphql in text frames, a
message of the wrong shape closing the socket 4400, and a subscription sent over HTTP refused
with where to send it; none of it a traceback in the log."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from hub.db.database import Database
from hub.domain.enums import Role
from hub.settings import Settings
from tests.conftest import live, serve
from tests.events.helpers import bearer, key
from tests.events.ws import GRAPHQL_TRANSPORT_WS, received


@pytest.fixture
async def hub_url(seeded: Database, test_settings: Settings) -> AsyncIterator[str]:
    async with live(test_settings, seeded) as url:
        yield url


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Records of every level, uvicorn's too (its loggers do not propagate to the root)."""
    uvicorn = logging.getLogger("uvicorn.error")
    uvicorn.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG):
            yield caplog
    finally:
        uvicorn.removeHandler(caplog.handler)


def _no_traceback(log: pytest.LogCaptureFixture) -> None:
    assert "Traceback" not in log.text and not [r for r in log.records if r.exc_info], log.text
    assert not [r for r in log.records if r.levelno >= logging.ERROR], log.text


async def _acknowledged(url: str, token: str) -> ClientConnection:
    socket = await connect(url.replace("http://", "ws://") + "/graphql", subprotocols=[GRAPHQL_TRANSPORT_WS])
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    )
    assert (await received(socket))["type"] == "connection_ack"
    return socket


async def _closed_with(socket: ClientConnection) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), 10)
    assert closed.value.rcvd is not None, "closed without a close frame (1006)"
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_a_subscription_over_http_is_refused_with_where_to_send_it(
    seeded: Database, test_settings: Settings, server_log: pytest.LogCaptureFixture
) -> None:
    query = "subscription { events { id } }"
    async with serve(test_settings, seeded, bearer(await key(seeded, Role.ANALYST))) as http:
        posted = await http.post("/graphql", json={"query": query})
        got = await http.get("/graphql", params={"query": query})
    for response, status, code in ((posted, 400, "BAD_REQUEST"), (got, 405, "METHOD_NOT_ALLOWED")):
        assert response.status_code == status, response.text
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == code, error
        assert "WebSocket" in error["message"] and "graphql-transport-ws" in error["message"], error
        assert "/graphql" in error["message"], error
    _no_traceback(server_log)


async def test_every_websocket_message_comes_in_a_text_frame(seeded: Database, hub_url: str) -> None:
    socket = await _acknowledged(hub_url, await key(seeded, Role.ANALYST))  # the ack: text
    await socket.send(json.dumps({"type": "ping"}))
    assert await received(socket) == {"type": "pong"}
    await socket.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "subscription { nope }"}})
    )
    assert (await received(socket))["type"] == "error"
    await socket.close()


@pytest.mark.parametrize("frame", ["[1,2]", '"x"', "1", "null"])
async def test_a_first_frame_that_is_json_but_no_object_closes_the_socket_4400(
    hub_url: str, frame: str, server_log: pytest.LogCaptureFixture
) -> None:
    url = hub_url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=[GRAPHQL_TRANSPORT_WS]) as socket:
        await socket.send(frame)
        code, reason = await _closed_with(socket)
    assert code == 4400 and "Invalid message" in reason, (code, reason)
    _no_traceback(server_log)


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ({"id": "1", "type": "subscribe", "payload": [1]}, "payload.query"),
        ({"id": "1", "type": "subscribe", "payload": "subscription { events { id } }"}, "payload.query"),
        ({"id": "1", "type": "subscribe", "payload": {"query": 1}}, "payload.query"),
        ({"id": ["1"], "type": "subscribe", "payload": {"query": "subscription { events { id } }"}}, "id"),
        ({"id": "1", "type": "subscribe", "payload": {"query": "{ x }", "variables": [1]}}, "variables"),
        ({"id": {}, "type": "complete"}, "id"),
    ],
)
async def test_a_message_of_the_wrong_shape_closes_the_socket_4400_saying_what_is_wrong(
    seeded: Database,
    hub_url: str,
    message: dict[str, object],
    said: str,
    server_log: pytest.LogCaptureFixture,
) -> None:
    socket = await _acknowledged(hub_url, await key(seeded, Role.ANALYST))
    await socket.send(json.dumps(message))
    code, reason = await _closed_with(socket)
    assert code == 4400 and said in reason, (code, reason)
    _no_traceback(server_log)


async def test_an_invalid_subscription_is_refused_with_the_code_http_gives_it(
    seeded: Database, hub_url: str
) -> None:
    socket = await _acknowledged(hub_url, await key(seeded, Role.ANALYST))
    await socket.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "subscription { nope }"}})
    )
    message = await received(socket)
    assert message["type"] == "error", message
    assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", message
    # A syntax error still closes the socket, as the protocol says.
    await socket.send(json.dumps({"id": "2", "type": "subscribe", "payload": {"query": "subscription {"}}))
    code, _ = await _closed_with(socket)
    assert code == 4400
