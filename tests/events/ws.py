"""A graphql-transport-ws client on the `websockets` library, as a portal's would speak it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

GRAPHQL_TRANSPORT_WS = Subprotocol("graphql-transport-ws")
SUBSCRIBE = """subscription($types: [String!], $after: Int) {
  events(types: $types, after: $after) { id sequence type subjectId organisationIds payload } }"""


async def received(socket: ClientConnection, within: float = 10) -> dict[str, Any]:
    """The next message, which must come in a text frame: browsers' and Node's graphql-ws clients
    parse no other kind (they close with 4400)."""
    frame = await asyncio.wait_for(socket.recv(), within)
    assert isinstance(frame, str), f"a binary frame: {frame!r}"
    message: dict[str, Any] = json.loads(frame)
    return message


class Subscriber:
    """One websocket, one `events` subscription."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    @classmethod
    async def open(
        cls, url: str, token: str, types: list[str] | None = None, after: int | None = None
    ) -> Subscriber:
        socket = await connect(
            url.replace("http://", "ws://") + "/graphql", subprotocols=[GRAPHQL_TRANSPORT_WS]
        )
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        ack = await received(socket)
        assert ack["type"] == "connection_ack", ack
        variables = {"types": types, "after": after}
        await socket.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": variables}}
            )
        )
        return cls(socket)

    async def next(self, within: float = 15) -> dict[str, Any]:
        """The next event (a generous bound: it proves "not hanging", not speed)."""
        while True:
            message = await received(self.socket, within)
            if message["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
                continue
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message["payload"]
            event: dict[str, Any] = message["payload"]["data"]["events"]
            return event

    async def message(self, within: float = 15) -> dict[str, Any]:
        """The next message other than a ping, whatever its type."""
        while True:
            message = await received(self.socket, within)
            if message["type"] != "ping":
                return message
            await self.socket.send(json.dumps({"type": "pong"}))

    async def close(self) -> None:
        await self.socket.close()
