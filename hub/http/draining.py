"""The requests running now, so that the shutdown lets those it cut off finish ending.

Past the grace period uvicorn cancels each request still running and goes straight on to the
lifespan's shutdown, which would close the driver and end the event loop while those requests are
still ending: a refresh stopping its worker process, an answer telling the client to retry. The
lifespan waits a moment (`settle`) for them first.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

SETTLE_SECONDS = 1.0  # ending a cancelled request takes milliseconds; this bounds a stubborn one


class InFlight:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    async def settle(self, seconds: float = SETTLE_SECONDS) -> None:
        """Waits at most `seconds` for the requests still running to end."""
        running = {task for task in self._tasks if not task.done()}
        if running:
            await asyncio.wait(running, timeout=seconds)

    def enter(self) -> asyncio.Task[object] | None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        return task

    def leave(self, task: asyncio.Task[object] | None) -> None:
        if task is not None:
            self._tasks.discard(task)


class TrackInFlight:
    """Records each HTTP request's task in `in_flight` while it runs."""

    def __init__(self, app: ASGIApp, in_flight: InFlight) -> None:
        self.app = app
        self.in_flight = in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        task = self.in_flight.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight.leave(task)
