"""uvicorn's HTTP/1.1 protocol (httptools) with each response sent in one socket write.

uvicorn writes a response's status line and headers when the application sends
`http.response.start`, and its body when it sends `http.response.body`: two `send()` calls on the
socket, two TCP segments, and a client that wakes up for headers without their body. An
application sends both in the same turn of the event loop (nothing between them waits), so the
transport here holds what is written during a turn and writes it as one at the end of that turn,
as Node's HTTP server does with cork and uncork. A write that takes the held bytes past
`HOLD_BYTES` goes out at once with them, so a large or streamed body keeps uvicorn's flow control.

Serve with `--http hub.http.one_write:OneWriteHTTP` (hub up and the benchmarks do).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HOLD_BYTES = 64 * 1024


class TurnTransport:
    """A transport that writes what it is given during one turn of the event loop as one write.

    Everything but writing is the underlying transport's own; closing first sends what is held.
    """

    __slots__ = ("_held", "_held_bytes", "_loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))
        self._held_bytes += len(data)
        if self._held_bytes >= HOLD_BYTES:
            self.flush()

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        """Writes what is held (nothing when the connection is closing)."""
        if not self._held:
            return
        held = self._held
        self._held = []
        self._held_bytes = 0
        if not self.transport.is_closing():
            self.transport.write(held[0] if len(held) == 1 else b"".join(held))

    def get_write_buffer_size(self) -> int:
        return self.transport.get_write_buffer_size() + self._held_bytes

    def write_eof(self) -> None:
        self.flush()
        self.transport.write_eof()

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class OneWriteHTTP(HttpToolsProtocol):
    """uvicorn's httptools protocol over a TurnTransport; a WebSocket upgrade gets the socket's
    own transport (the WebSocket protocol does its own framing)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(TurnTransport(transport, self.loop))  # type: ignore[arg-type]

    def handle_websocket_upgrade(self) -> None:
        if isinstance(self.transport, TurnTransport):
            self.transport.flush()
            self.transport = self.transport.transport
        super().handle_websocket_upgrade()
