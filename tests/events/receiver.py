"""A real HTTP receiver on 127.0.0.1 for webhook tests: records each request and answers with the
status codes it is told to, then 200."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    url: str = ""
    answers: list[int] = field(default_factory=list)  # popped one per request; 200 when empty
    received: list[Received] = field(default_factory=list)

    async def _hook(self, request: Request) -> Response:
        status = self.answers.pop(0) if self.answers else 200
        self.received.append(Received(dict(request.headers), await request.body(), status))
        return Response(status_code=status)


@contextlib.asynccontextmanager
async def receiver(answers: list[int] | None = None) -> AsyncIterator[Receiver]:
    state = Receiver(answers=list(answers or []))
    app = Starlette(routes=[Route("/hook", state._hook, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
            await asyncio.sleep(0.02)
        state.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
        yield state
    finally:
        server.should_exit = True
        await task
