"""uvicorn's HTTP/1.1 protocol (httptools) with each response sent in one socket write.

uvicorn writes a response's status line and headers when the application sends
`http.response.start`, and its body when it sends `http.response.body`: two `send()` calls on the
socket, two TCP segments, and a client that wakes up for headers without their body. Here the
transport holds what uvicorn writes and sends it when the response is complete, head and body
in one write, as Node's HTTP server corks a response. A streamed response's chunks go out at the
end of the event loop's turn they were written in; a write that takes the held bytes past
`HOLD_BYTES` goes out at once with them, so a large or streamed body keeps uvicorn's flow control.
Closing, and the client's end of sending (a half-close), send what is held first.

Serve with `--http hub.http.one_write:OneWriteHTTP` (`hub serve`, the tests and the benchmarks do).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HOLD_BYTES = 64 * 1024


class TurnTransport:
    """A transport that holds what it is given until `flush`, at the latest at the end of the
    event loop's turn, and then writes it as one.

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
        self._held.append(data if isinstance(data, bytes) else bytes(data))
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
        if self.transport.is_closing():
            return
        if len(held) == 1:
            self.transport.write(held[0])
        else:  # one vectored write (uvloop), without copying a large body into a joined one
            self.transport.writelines(held)

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

    def on_response_complete(self) -> None:
        # The whole response is held: it leaves now, before the next request's task runs.
        self._flush()
        super().on_response_complete()

    def eof_received(self) -> None:
        # The transport closes itself after this (it is not closed through TurnTransport.close).
        self._flush()
        super().eof_received()

    def _flush(self) -> None:
        if isinstance(self.transport, TurnTransport):
            self.transport.flush()

    def handle_websocket_upgrade(self) -> None:
        if isinstance(self.transport, TurnTransport):
            self.transport.flush()
            self.transport = self.transport.transport
        super().handle_websocket_upgrade()
