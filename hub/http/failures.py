"""The last answers of every route, in the GraphQL error shape (`{"errors": [{message, extensions}]}`).

- Neo4j unreachable (DatabaseUnavailable escaping a route): 503 SERVICE_UNAVAILABLE with `Retry-After`.
- Starlette's own refusals (no such route: 404; a method the route does not take: 405 with
  `Allow`), which it answers in plain text otherwise.
- Anything unexpected: 500 INTERNAL_SERVER_ERROR, logged once with its traceback. This is an ASGI
  middleware rather than Starlette's handler for `Exception`, which re-raises the error to the
  server after answering: the server would log the traceback a second time.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.errors import DatabaseUnavailable
from hub.graphql.errors import INTERNAL_MESSAGE, UNAVAILABLE_MESSAGE

log = logging.getLogger("hub.http")


def error_response(status: int, message: str, code: str, **extensions: Any) -> JSONResponse:
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return JSONResponse({"errors": [error]}, status_code=status)


def unavailable_response() -> JSONResponse:
    seconds = DatabaseUnavailable.retry_after_seconds
    response = error_response(503, UNAVAILABLE_MESSAGE, "SERVICE_UNAVAILABLE", retryAfter=seconds)
    response.headers["Retry-After"] = str(seconds)
    return response


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """Starlette exception handler for DatabaseUnavailable."""
    log.warning("database unavailable during %s %s: %s", request.method, request.url.path, exc)
    return unavailable_response()


async def http_refusal(request: Request, exc: Exception) -> Response:
    """Starlette exception handler for its HTTPException (no route, a method not allowed, ...)."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if status in {204, 304}:  # no body allowed
        return Response(status_code=status, headers=exc.headers)
    allow = (exc.headers or {}).get("Allow")
    if status == 404:
        message = f"nothing is served at {request.url.path}"
    elif status == 405 and allow:
        message = f"{request.method} is not allowed on {request.url.path}; use {allow}"
    else:
        message = exc.detail
    code = HTTPStatus(status).name if status in HTTPStatus._value2member_map_ else "HTTP_ERROR"
    response = error_response(status, message, code)
    response.headers.update(exc.headers or {})
    return response


class LastResort:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            if started:  # too late for another answer: the server logs it and closes the connection
                raise
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            await error_response(500, INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR")(scope, receive, send)
