"""Routes answered within the operation timeout, Neo4j reachable or not.

A bounded route authenticates, checks and, for a stream, reads its first chunk within the timeout,
so an unreachable Neo4j is a 503 with `Retry-After` before anything is sent, never a 200 whose
body breaks off. The rest of a stream has its own, longer limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from hub.http.failures import error_response, unavailable_response

Endpoint = Callable[[Request], Awaitable[Response]]


def within_operation_timeout(endpoint: Endpoint) -> Endpoint:
    async def bounded(request: Request) -> Response:
        try:
            async with asyncio.timeout(request.app.state.operation_timeout_seconds):
                return await endpoint(request)
        except TimeoutError:
            if request.app.state.db.reachability.down:
                return unavailable_response()
            return error_response(504, "the request ran past its time limit; ask for less", "TIMEOUT")

    return bounded


async def started(chunks: AsyncIterator[str]) -> AsyncIterator[str]:
    """The same chunks, the first one already read (so its failure is raised here)."""
    first = await anext(chunks)

    async def replayed() -> AsyncIterator[str]:
        yield first
        async for chunk in chunks:
            yield chunk

    return replayed()
