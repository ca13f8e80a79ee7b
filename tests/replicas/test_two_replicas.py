"""Two hub replicas (two uvicorn processes on their own ports) on one Neo4j and one Redis: a key's
rate limit holds across both, a revoked key is refused by both within a second, each periodic job
runs once per interval across both, and a request's id is in its answer and its replica's log."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from hub.db.database import Database
from hub.db.repositories import leases
from hub.db.server import Connection
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.security.revocations import Revocations
from tests.replicas.conftest import replicas

ZONES = {"query": "query Zones { zones(first: 1) { totalCount } }"}


async def test_two_replicas_share_the_rate_limit_and_revocations(
    seeded: Database, neo4j: Connection, redis_url: str, tmp_path: Path
) -> None:
    revocations = Revocations(redis_url)
    try:
        await _share(seeded, neo4j, redis_url, tmp_path, ApiKeys(seeded, revocations))
    finally:
        await revocations.close()


async def _share(seeded: Database, neo4j: Connection, redis_url: str, tmp_path: Path, keys: ApiKeys) -> None:
    limited = await keys.create(Role.ANALYST, None, "shared budget")
    doomed = await keys.create(Role.ANALYST, None, "revoked while cached")
    budget = 12
    with replicas(
        2,
        neo4j,
        tmp_path,
        HUB_REDIS_URL=redis_url,
        HUB_RATE_LIMIT_POINTS_PER_MINUTE=str(budget),
        HUB_API_KEY_CACHE_SECONDS="300",
        HUB_NETWORK_REFRESH_SECONDS="0",
        HUB_MATCHMAKING_REFRESH_SECONDS="0",
    ) as (a, b):
        async with httpx.AsyncClient(timeout=30) as http:
            # One budget for both: each request costs `cost` points, alternately on each replica.
            spent, answers = 0, []
            for i in range(2 * budget):
                url = (a if i % 2 == 0 else b).url
                answer = await http.post(
                    url + "/graphql", json=ZONES, headers={"Authorization": f"Bearer {limited.key}"}
                )
                answers.append(answer.status_code)
                if answer.status_code == 200:
                    spent += answer.json()["extensions"]["cost"]["requested"]
            assert 429 in answers and spent <= budget, (answers, spent)
            assert answers.index(429) <= budget  # not twice the budget, as with one count per replica

            # Both replicas remember the key, then it is revoked (as `hub keys revoke` does).
            doomed_auth = {"Authorization": f"Bearer {doomed.key}"}
            for replica in (a, b):
                assert (
                    await http.post(replica.url + "/graphql", json=ZONES, headers=doomed_auth)
                ).status_code == 200
            assert await keys.revoke(doomed.key_id)
            revoked_at = time.monotonic()
            for replica in (a, b):
                refused = await http.post(replica.url + "/graphql", json=ZONES, headers=doomed_auth)
                assert refused.status_code == 401, refused.text
            assert time.monotonic() - revoked_at < 1.0

            # The request id is echoed and written in the replica's JSON access line.
            traced = await http.post(
                b.url + "/graphql",
                json=ZONES,
                headers={"Authorization": f"Bearer {limited.key}", "X-Request-Id": "trace-replica-b"},
            )
            assert traced.headers["X-Request-Id"] == "trace-replica-b"
    lines = [json.loads(line) for line in b.log.read_text().splitlines() if line.startswith("{")]
    (access,) = [e for e in lines if e.get("request_id") == "trace-replica-b" and e["logger"] == "hub.access"]
    assert access["outcome"] == "RATE_LIMITED" and access["status"] == 429
    assert any(e["logger"].startswith("uvicorn") for e in lines)  # uvicorn's own lines, as JSON too


async def _job_runs(http: httpx.AsyncClient, url: str, auth: dict[str, str], job: str) -> float:
    text = (await http.get(url + "/metrics", headers=auth)).text
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "hub_job_runs_total" and s.labels == {"job": job, "result": "ok"}
    )


async def test_each_periodic_job_runs_once_per_interval_across_both_replicas(
    seeded: Database, neo4j: Connection, redis_url: str, tmp_path: Path, auth: dict[str, str]
) -> None:
    every = 2
    with replicas(
        2,
        neo4j,
        tmp_path,
        HUB_REDIS_URL=redis_url,
        HUB_NETWORK_REFRESH_SECONDS=str(every),
        HUB_MATCHMAKING_REFRESH_SECONDS=str(every),
    ) as (a, b):
        async with httpx.AsyncClient(timeout=30) as http:
            deadline = time.monotonic() + 120  # bounds a hang; counts decide, not the clock
            while True:
                lease = await leases.lease(seeded, job="matchmaking-leaders")
                if lease is not None and lease["runs"] >= 4:
                    break
                assert time.monotonic() < deadline, lease
                await asyncio.sleep(0.2)
            for job in ("matchmaking-leaders", "network-measures"):
                before = await leases.lease(seeded, job=job)
                runs = [await _job_runs(http, r.url, auth, job) for r in (a, b)]
                after = await leases.lease(seeded, job=job)
                assert before is not None and after is not None
                # Every run either replica made is one run of the lease: none ran outside it.
                assert before["runs"] <= sum(runs) <= after["runs"], (job, runs, before, after)
