"""A graphql-transport-ws client on the `websockets` library, as a portal's would speak it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

SUBSCRIBE = """subscription($types: [String!], $after: Int) {
  events(types: $types, after: $after) { id sequence type subjectId organisationIds payload } }"""


class Subscriber:
    """One websocket, one `events` subscription."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    @classmethod
    async def open(
        cls, url: str, token: str, types: list[str] | None = None, after: int | None = None
    ) -> Subscriber:
        socket = await connect(
            url.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"]
        )  # type: ignore[list-item]
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        ack = json.loads(await asyncio.wait_for(socket.recv(), 10))
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
            message = json.loads(await asyncio.wait_for(self.socket.recv(), within))
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
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), within))
            if message["type"] != "ping":
                return message
            await self.socket.send(json.dumps({"type": "pong"}))

    async def close(self) -> None:
        await self.socket.close()
