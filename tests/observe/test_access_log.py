"""One access line per request, formatted as the hub formats it in production (JSON), carrying the
request id the response echoes, the caller, the operation, its cost, the duration and the outcome."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from hub.db.database import Database
from hub.observe.logs import LogFormat, log_config


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The hub's log lines as the production configuration writes them (its own formatter)."""
    config = log_config(LogFormat.JSON)["formatters"]["hub"]
    formatter = config["()"](processors=config["processors"], foreign_pre_chain=config["foreign_pre_chain"])
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    logger = logging.getLogger("hub")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield out
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_a_request_has_one_access_line_under_the_id_it_was_sent_with(
    seeded: Database, client: httpx.AsyncClient, admin_key: str, json_log: io.StringIO
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "query Zones { zones(first: 2) { totalCount } }"},
        headers={"X-Request-Id": "lb-7f3a.42"},
    )
    assert response.status_code == 200
    assert response.headers["X-Request-Id"] == "lb-7f3a.42"
    (line,) = [e for e in _lines(json_log) if e["logger"] == "hub.access"]
    assert line["request_id"] == "lb-7f3a.42"
    assert line["caller"] == "key:" + admin_key.removeprefix("hub_").partition("_")[0]
    assert line["operation"] == "Zones"
    assert line["cost"] == response.json()["extensions"]["cost"]["requested"]
    assert line["outcome"] == "ok" and line["status"] == 200 and line["method"] == "POST"
    assert line["duration_ms"] > 0 and line["level"] == "info" and "timestamp" in line


async def test_a_request_without_an_id_gets_one_and_a_client_error_is_one_line_each(
    seeded: Database, client: httpx.AsyncClient, json_log: io.StringIO
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "query Overdue { stuckSandboxProjects(maxTestDays: 0) { daysInTest } }"},
        headers={"X-Request-Id": "not acceptable\tid"},  # not a plain token: replaced
    )
    given = response.headers["X-Request-Id"]
    assert given != "not acceptable\tid" and len(given) == 32
    lines = _lines(json_log)
    assert all(line["request_id"] == given for line in lines), lines
    assert [line["logger"] for line in lines] == ["hub.graphql", "hub.access"]
    assert lines[1]["outcome"] == "BAD_USER_INPUT" and lines[1]["operation"] == "Overdue"
    assert "Traceback" not in json_log.getvalue() and "exception" not in lines[0]


async def test_unauthenticated_and_malformed_requests_are_logged_with_their_outcome(
    anonymous: httpx.AsyncClient, json_log: io.StringIO
) -> None:
    await anonymous.post("/graphql", json={"query": "{ zones { totalCount } }"})
    await anonymous.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    access = [e for e in _lines(json_log) if e["logger"] == "hub.access"]
    assert [(e["status"], e["outcome"], e["caller"]) for e in access] == [
        (401, "UNAUTHENTICATED", None),
        (400, "http_400", None),
    ]
