"""Latency of the recommendation queries, with the request's own Cypher as the floor.

Runs the hub (uvicorn, its own process) against the graph HUB_HOME / NEO4J_URI point at, waits
until its ranker has loaded the graph (the first answer without error), sends the three
recommendation queries one at a time for a sample of parties, and times the two statements a
request sends (the party's live exclusions with the check that it exists, then its ten
candidates' nodes) through the Python
driver alone. Writes Markdown and JSON to bench/results/.

    HUB_HOME=.hub/bench .venv/bin/python -m bench.recommendations --requests 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from bench.servers import issue_key, revoke_key, run_header, start_hub
from hub.db.connect import open_database
from hub.db.repositories import matchmaking_model as repo
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.services.matchmaking.learned import REFIT_RUNNING
from hub.settings import Settings

RESULTS = Path(__file__).parent / "results"

QUERIES = {
    "recommendedTechPartners": (
        "Institution",
        "query($id: ID!) { recommendedTechPartners(institutionId: $id, first: 10) "
        "{ score candidate { id name } reasons { kind detail contribution } } }",
    ),
    "recommendedPeers": (
        "Institution",
        "query($id: ID!) { recommendedPeers(institutionId: $id, first: 10) "
        "{ score candidate { id name } reasons { kind detail contribution } } }",
    ),
    "recommendedInstitutions": (
        "TechEnterprise",
        "query($id: ID!) { recommendedInstitutions(techEnterpriseId: $id, first: 10) "
        "{ score candidate { id name } reasons { kind detail contribution } } }",
    ),
}


MODEL_NOTES = "{ matchmakingModel { note } }"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "mean": statistics.fmean(ordered) * 1000,
    }


async def _sample(label: str, n: int, seed: int) -> list[str]:
    db = open_database(Settings())
    try:
        rows = await db.read(
            "MATCH (n:Organisation) WHERE $label IN labels(n) RETURN collect(n.id) AS ids", label=label
        )
    finally:
        await db.close()
    ids: list[str] = rows[0]["ids"]
    return random.Random(seed).sample(ids, min(n, len(ids)))


async def _floor(label: str, parties: list[str]) -> list[float]:
    db = open_database(Settings())
    other = await _sample("Institution" if label == "TechEnterprise" else "TechEnterprise", 10, 3)
    timings = []
    try:
        for party in parties:
            started = time.perf_counter()
            await db.read(repo.LIVE_EXCLUSIONS, id=party, label=label)
            await db.read(repo.CANDIDATE_NODES, ids=other)
            timings.append(time.perf_counter() - started)
    finally:
        await db.close()
    return timings


async def _hub(url: str, query: str, label: str, parties: list[str], headers: dict[str, str]) -> list[float]:
    timings = []
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=headers) as client:
        for party in parties:
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": query, "variables": {"id": to_global_id(label, party)}}
            )
            timings.append(time.perf_counter() - started)
            body = response.json()
            if "errors" in body:
                raise SystemExit(f"the hub answered an error: {body['errors']}")
    return timings


async def _until_ready(url: str, query: str, label: str, party: str, headers: dict[str, str]) -> None:
    """The hub loads the graph for its ranker at the first request: wait (up to 10 minutes) for an
    answer, then for the end of the refit that load may have started."""
    deadline = time.monotonic() + 600
    async with httpx.AsyncClient(base_url=url, timeout=60, headers=headers) as client:
        while True:
            body = (
                await client.post(
                    "/graphql", json={"query": query, "variables": {"id": to_global_id(label, party)}}
                )
            ).json()
            if "errors" not in body:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"the hub is still not ready: {body['errors']}")
            await asyncio.sleep(5)
        # Models not fitted on this graph (an upgrade, a graph changed since): the hub answers with
        # what it has while it refits in the background; measure after that refit, not during it.
        while True:
            models = (await client.post("/graphql", json={"query": MODEL_NOTES})).json()["data"]
            if not any(REFIT_RUNNING in m["note"] for m in models["matchmakingModel"]):
                return
            if time.monotonic() > deadline:
                raise SystemExit("the hub's background refit did not end within 10 minutes")
            print("  waiting for the hub's background refit ...", flush=True)
            await asyncio.sleep(15)


async def run(url: str, requests: int, warmup: int, seed: int, headers: dict[str, str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, (label, query) in QUERIES.items():
        parties = await _sample(label, requests + warmup, seed)
        print(f"{name}: {len(parties)} parties ...", flush=True)
        await _until_ready(url, query, label, parties[0], headers)
        await _hub(url, query, label, parties[:warmup], headers)
        await _floor(label, parties[:warmup])
        hub = await _hub(url, query, label, parties[warmup:], headers)
        floor = await _floor(label, parties[warmup:])
        results[name] = {"hub": _percentiles(hub), "cypher": _percentiles(floor), "requests": len(hub)}
        h, c = results[name]["hub"], results[name]["cypher"]
        print(
            f"  hub p50 {h['p50']:.1f} ms p95 {h['p95']:.1f} ms | cypher p50 {c['p50']:.1f} ms p95 {c['p95']:.1f} ms"
        )
    return results


async def _graph_size() -> dict[str, int]:
    db = open_database(Settings())
    try:
        rows = await db.read(
            "MATCH (o:Organisation) WITH count(o) AS organisations "
            "MATCH ()-[r]->() RETURN organisations, count(r) AS relationships"
        )
    finally:
        await db.close()
    return {"organisations": rows[0]["organisations"], "relationships": rows[0]["relationships"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--name", default="recommendations")
    args = parser.parse_args()
    size = asyncio.run(_graph_size())
    print(f"graph: {size['organisations']} organisations, {size['relationships']} relationships", flush=True)
    server, url = start_hub()
    key = asyncio.run(issue_key(Role.ANALYST, "bench: recommendations"))
    try:
        headers = {"Authorization": f"Bearer {key.key}"}
        results = asyncio.run(run(url, args.requests, args.warmup, args.seed, headers))
    finally:
        server.terminate()
        server.wait(timeout=30)
        asyncio.run(revoke_key(key.key_id))
    report = {
        **run_header(),
        "graph": size,
        "sequential requests, after warm-up": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        f"# Recommendation latency ({report['when']})",
        "",
        f"Graph: {size['organisations']:,} organisations, {size['relationships']:,} relationships. "
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}. One request at a time, "
        f"{args.warmup} warm-up requests first; the hub runs in its own uvicorn process.",
        "",
        "| query | requests | hub p50 ms | hub p95 ms | hub p99 ms | request's Cypher p50 ms | request's Cypher p95 ms | hub/Cypher p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        h, c = r["hub"], r["cypher"]
        lines.append(
            f"| {name} | {r['requests']} | {h['p50']:.1f} | {h['p95']:.1f} | {h['p99']:.1f} | "
            f"{c['p50']:.1f} | {c['p95']:.1f} | {h['p50'] / c['p50']:.2f} |"
        )
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
