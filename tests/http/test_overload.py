"""Admission control seen from HTTP: excess load is refused at once with 503 OVERLOADED and
`Retry-After`, the health checks are never refused, and one key cannot crowd out another."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette

from hub.admission import Admission
from hub.app import create_app
from hub.db.database import Database
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.settings import Settings

QUERY = {"query": "{ partnerships(first: 50) { totalCount nodes { title parties { role } } } }"}


@contextlib.asynccontextmanager
async def _hub(settings: Settings, db: Database) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(settings, database=db)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as http,
    ):
        yield app, http


async def test_a_full_hub_refuses_at_once_and_still_answers_health_checks(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    small = test_settings.model_copy(update={"max_in_flight": 1, "admission_queue": 0})
    async with _hub(small, seeded) as (app, http):
        admission: Admission = app.state.admission
        async with admission.slot("key:someone-else"):  # the worker's only slot is busy
            started = time.perf_counter()
            shed = await http.post("/graphql", json=QUERY, headers=auth)
            refused_in = time.perf_counter() - started
            health = await http.get("/healthz")
            ready = await http.get("/readyz")
        served = await http.post("/graphql", json=QUERY, headers=auth)
    assert shed.status_code == 503
    error = shed.json()["errors"][0]
    assert error["extensions"]["code"] == "OVERLOADED"
    assert int(shed.headers["retry-after"]) == error["extensions"]["retryAfter"] == 1
    assert "at capacity" in error["message"]
    assert refused_in < 1  # at once: not after the operation timeout (a generous bound)
    assert (health.status_code, ready.status_code) == (200, 200)
    assert served.status_code == 200 and "errors" not in served.json()


async def test_a_burst_beyond_capacity_is_partly_refused(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    small = test_settings.model_copy(
        update={"max_in_flight": 2, "admission_queue": 2, "admission_wait_ms": 2000}
    )
    async with _hub(small, seeded) as (_, http):
        answers = await asyncio.gather(*(http.post("/graphql", json=QUERY, headers=auth) for _ in range(40)))
    statuses = [a.status_code for a in answers]
    assert set(statuses) == {200, 503}, statuses
    assert all("errors" not in a.json() for a in answers if a.status_code == 200)
    refused = [a for a in answers if a.status_code == 503]
    assert all(a.json()["errors"][0]["extensions"]["code"] == "OVERLOADED" for a in refused)
    assert all(a.headers["retry-after"] == "1" for a in refused)
    # Two run, two wait (and are served): at least four of the forty.
    assert statuses.count(200) >= 4


async def test_one_key_flooding_does_not_crowd_out_another(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    modest = {"Authorization": f"Bearer {(await ApiKeys(seeded).create(Role.ANALYST, None, 'modest')).key}"}
    small = test_settings.model_copy(
        update={"max_in_flight": 2, "admission_queue": 4, "admission_wait_ms": 5000, "key_share": 0.5}
    )
    async with _hub(small, seeded) as (app, http):
        admission: Admission = app.state.admission
        await http.post("/graphql", json=QUERY, headers=modest)  # its key is verified and cached
        flood = [asyncio.create_task(http.post("/graphql", json=QUERY, headers=auth)) for _ in range(30)]
        for _ in range(10_000):  # until the flood fills the worker and its whole queue
            if admission.waiting == 4:
                break
            await asyncio.sleep(0.001)
        assert admission.waiting == 4
        answer = await http.post("/graphql", json=QUERY, headers=modest)
        flooded = await asyncio.gather(*flood)
    assert answer.status_code == 200 and "errors" not in answer.json()
    assert {a.status_code for a in flooded} == {200, 503}


async def test_a_shed_request_spends_no_rate_limit_points(
    seeded: Database, test_settings: Settings, auth: dict[str, str]
) -> None:
    page = {"query": "{ institutions(first: 20) { nodes { name } } }"}  # costs 21 points
    small = test_settings.model_copy(
        update={"max_in_flight": 1, "admission_queue": 0, "rate_limit_points_per_minute": 300}
    )
    async with _hub(small, seeded) as (app, http):
        admission: Admission = app.state.admission
        async with admission.slot("key:someone-else"):
            shed = [await http.post("/graphql", json=page, headers=auth) for _ in range(20)]
        after = [await http.post("/graphql", json=page, headers=auth) for _ in range(15)]
    assert {r.status_code for r in shed} == {503}
    # The whole budget is still there: 300 // 21 = 14 pages, then 429.
    assert [r.status_code for r in after] == [200] * 14 + [429]
