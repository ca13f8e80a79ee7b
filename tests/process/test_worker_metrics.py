"""/metrics of a real `hub serve` with HUB_WORKERS=2: the counters hold the requests both workers
served, whichever of them answers the scrape."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from hub.db.database import Database
from hub.db.server import Connection
from tests.replicas.conftest import Replica, replicas

QUERY = {"query": "query WorkerCount { zones(first: 1) { totalCount } }"}


def _serving_processes(hub: Replica) -> set[int]:
    lines = [json.loads(line) for line in hub.log.read_text().splitlines() if line.startswith("{")]
    return {
        e["process"] for e in lines if e.get("logger") == "hub.access" and e.get("operation") == "WorkerCount"
    }


async def _one_request(hub: Replica, auth: dict[str, str]) -> None:
    async with httpx.AsyncClient(timeout=30, headers=auth) as fresh:
        answer = await fresh.post(hub.url + "/graphql", json=QUERY)
        assert answer.status_code == 200, answer.text


async def _counted(http: httpx.AsyncClient, hub: Replica, auth: dict[str, str]) -> float:
    scrape = await http.get(hub.url + "/metrics", headers=auth)
    assert scrape.status_code == 200, scrape.text
    return sum(
        s.value
        for family in text_string_to_metric_families(scrape.text)
        for s in family.samples
        if s.name == "hub_requests_total" and s.labels.get("operation") == "WorkerCount"
    )


async def test_metrics_count_the_requests_of_both_workers(
    seeded: Database, neo4j: Connection, tmp_path: Path, auth: dict[str, str]
) -> None:
    with replicas(
        1,
        neo4j,
        tmp_path,
        HUB_WORKERS="2",
        HUB_NETWORK_REFRESH_SECONDS="0",
        HUB_MATCHMAKING_REFRESH_SECONDS="0",
    ) as (hub,):
        sent = 0
        # Each request on a connection of its own, a few at once: the workers take turns
        # accepting them. Rounds until the log shows both served some (bounded).
        for _ in range(30):
            await asyncio.gather(*(_one_request(hub, auth) for _ in range(6)))
            sent += 6
            if len(_serving_processes(hub)) == 2:
                break
        assert len(_serving_processes(hub)) == 2, "one worker served every request"

        async with httpx.AsyncClient(timeout=30) as http:
            # Every scrape, whichever worker answers it, counts the requests of both.
            for _ in range(4):
                assert await _counted(http, hub, auth) == sent
