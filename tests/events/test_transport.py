"""How subscriptions travel: one sent over HTTP is refused with where to send it, without a
traceback in the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from hub.db.database import Database
from hub.domain.enums import Role
from hub.settings import Settings
from tests.conftest import serve
from tests.events.helpers import bearer, key


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Records of every level, uvicorn's too (its loggers do not propagate to the root)."""
    uvicorn = logging.getLogger("uvicorn.error")
    uvicorn.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG):
            yield caplog
    finally:
        uvicorn.removeHandler(caplog.handler)


def _no_traceback(log: pytest.LogCaptureFixture) -> None:
    assert "Traceback" not in log.text and not [r for r in log.records if r.exc_info], log.text
    assert not [r for r in log.records if r.levelno >= logging.ERROR], log.text


async def test_a_subscription_over_http_is_refused_with_where_to_send_it(
    seeded: Database, test_settings: Settings, server_log: pytest.LogCaptureFixture
) -> None:
    query = "subscription { events { id } }"
    async with serve(test_settings, seeded, bearer(await key(seeded, Role.ANALYST))) as http:
        posted = await http.post("/graphql", json={"query": query})
        got = await http.get("/graphql", params={"query": query})
    for response, status, code in ((posted, 400, "BAD_REQUEST"), (got, 405, "METHOD_NOT_ALLOWED")):
        assert response.status_code == status, response.text
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == code, error
        assert "WebSocket" in error["message"] and "graphql-transport-ws" in error["message"], error
        assert "/graphql" in error["message"], error
    _no_traceback(server_log)
