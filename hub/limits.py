"""HTTP-level protection: request bodies larger than the limit are refused before they are read whole,
and bodies slower than the operation timeout are refused before they arrive."""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.observe.exchange import exchange_in

log = logging.getLogger("hub.http")


def _refusal(limit: int) -> bytes:
    error = {
        "message": f"request body is larger than {limit} bytes",
        "extensions": {"code": "PAYLOAD_TOO_LARGE"},
    }
    return json.dumps({"errors": [error]}).encode()


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        too_large = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            if too_large:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = _refusal(self.max_bytes)
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class BodyReadTimeout:
    """A request whose body has not arrived whole within `seconds` of the request is answered 408
    and its connection closed: a client that declares more bytes than it sends holds no worker
    forever. A client that goes away while its body is read is its own event (outcome
    `client_closed`, one line in the log), neither a 500 nor a traceback."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.seconds
        reading = True
        answering = False

        async def bounded_receive() -> Message:
            nonlocal reading
            if not reading:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTimedOut from None
            reading = message["type"] == "http.request" and message.get("more_body", False)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answering
            answering = answering or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, watched_send)
        except _BodyTimedOut:
            if answering:
                raise
            log.info(
                "%s %s: the request body did not arrive within %g s",
                scope["method"],
                scope["path"],
                self.seconds,
            )
            await self._refuse(send)
        except ClientDisconnect:
            log.info(
                "%s %s: the client closed the connection before its request was read",
                scope["method"],
                scope["path"],
            )
            exchange = exchange_in(scope)
            if exchange is not None:
                exchange.client_closed = True

    async def _refuse(self, send: Send) -> None:
        error = {
            "message": f"the request body did not arrive within {self.seconds:g} s; send it whole, without pauses",
            "extensions": {"code": "REQUEST_TIMEOUT"},
        }
        body = json.dumps({"errors": [error]}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),  # the rest of the body may still come: nothing more is read
        ]
        await send({"type": "http.response.start", "status": 408, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _BodyTimedOut(Exception):
    pass
