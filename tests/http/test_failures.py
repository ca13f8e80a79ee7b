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

from hub.db.database import Database
from hub.errors import DatabaseUnavailable
from hub.http.failures import LastResort, database_unavailable
from hub.settings import Settings
from tests.conftest import serve


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


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/graphql", {"GET", "HEAD", "POST"}),
        ("DELETE", "/graphql", {"GET", "HEAD", "POST"}),
        ("OPTIONS", "/graphql", {"GET", "HEAD", "POST"}),
        ("POST", "/readyz", {"GET", "HEAD"}),
        ("POST", "/export/nodes.csv", {"GET", "HEAD"}),
        ("POST", "/explorer/", {"GET", "HEAD"}),
    ],
)
async def test_a_method_a_route_does_not_take_is_a_json_405_with_allow(
    anonymous: httpx.AsyncClient, method: str, path: str, allow: set[str]
) -> None:
    response = await anonymous.request(method, path)
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/json"
    assert set(response.headers["allow"].split(", ")) == allow
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    assert error["message"].startswith(f"{method} is not allowed on {path}; use ")


@pytest.mark.parametrize("path", ["/nope", "/explorer/nope.js", "/graphql/more"])
async def test_no_such_route_is_a_json_404(anonymous: httpx.AsyncClient, path: str) -> None:
    response = await anonymous.get(path)
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"message": f"nothing is served at {path}", "extensions": {"code": "NOT_FOUND"}}]
    }


async def test_a_cors_preflight_is_still_answered_by_cors(db: Database, test_settings: Settings) -> None:
    allowed = test_settings.model_copy(update={"cors_origins": ["https://portal.example"]})
    async with serve(allowed, db) as http:
        preflight = {"origin": "https://portal.example", "access-control-request-method": "POST"}
        response = await http.options("/graphql", headers=preflight)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://portal.example"
