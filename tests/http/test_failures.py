"""The last answers: anything unexpected is a JSON 500 with a code, logged once with its traceback."""

from __future__ import annotations

import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.errors import DatabaseUnavailable
from hub.http.failures import LastResort, database_unavailable


async def broken(_: Request) -> Response:
    raise RuntimeError("a bug with a secret detail")


async def unreachable(_: Request) -> Response:
    raise DatabaseUnavailable("Neo4j does not answer: connection refused")


def _app() -> Starlette:
    return Starlette(
        routes=[Route("/broken", broken), Route("/unreachable", unreachable)],
        middleware=[Middleware(LastResort)],
        exception_handlers={DatabaseUnavailable: database_unavailable},
    )


async def test_an_unexpected_error_is_a_json_500_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_app()), base_url="http://hub.test"
    ) as http:
        with caplog.at_level(logging.ERROR):
            response = await http.get("/broken")
    assert response.status_code == 500
    assert response.json() == {
        "errors": [{"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
    }
    assert "secret" not in response.text
    [record] = caplog.records
    assert record.exc_info is not None and "GET /broken" in record.getMessage()


async def test_an_unreachable_database_is_a_503_with_retry_after() -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_app()), base_url="http://hub.test"
    ) as http:
        response = await http.get("/unreachable")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryAfter": 5}
    assert "refused" not in response.text
