"""Latency of the analysts' queries and exports on a large graph, against the operation timeout.

Measures the partnership network once (as the hub's schedule does), then starts the hub in its own
uvicorn process against the graph HUB_HOME / NEO4J_URI point at and sends each analyst query for a
sample of organisations, one at a time: exploration, network measures, aggregates, risk views,
search. Then it streams the three full exports and records the hub process's peak memory. Every
answer must come without errors and within the hub's operation timeout. Writes Markdown and JSON
to bench/results/.

    HUB_HOME=$PWD/.hub/bench HUB_NEO4J_BOLT_PORT=7717 .venv/bin/python -m bench.analyst_queries
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
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.services.network.service import NetworkMeasures
from hub.settings import Settings

RESULTS = Path(__file__).parent / "results"

NEIGHBOURHOOD = "query($id: ID!, $d: Int!, $n: Int!) { neighbourhood(id: $id, depth: $d, maxNodes: $n) { truncated nodes { id } edges { source target } } }"
PATHS = (
    "query($a: ID!, $b: ID!) { shortestPaths(from: $a, to: $b, maxHops: 4, first: 5) { hops nodes { id } } }"
)
EGO = "query($id: ID!) { egoNetwork(id: $id, maxNodes: 200) { truncated nodes { id } edges { source target } } }"
POSITION = "query($id: ID!) { node(id: $id) { ... on Organisation { network { degree pagerank betweenness community } } } }"
FIXED = {
    "ranking by PageRank (20)": "{ networkMeasures { computedAt ranking(by: PAGERANK, first: 20) { organisation { name } position { pagerank } } } }",
    "ranking by betweenness (20)": "{ networkMeasures { ranking(by: BETWEENNESS, first: 20) { organisation { name } position { betweenness } } } }",
    "top communities (10)": "{ networkMeasures { topCommunities(first: 10) { size centralMembers { name } } } }",
    "aggregate partnerships by year and kind": "{ aggregate(subject: PARTNERSHIPS, groupBy: [YEAR, KIND]) { keys count } }",
    "aggregate organisations by zone and kind": "{ aggregate(subject: ORGANISATIONS, groupBy: [ZONE, KIND]) { keys count } }",
    "provider dependence (20)": "{ providerDependence(first: 20) { provider { name } institutions byKind { kind share } } }",
    "capability concentration (20)": "{ capabilityConcentration(first: 20) { capability { name } hhi } }",
    "sole-provider reliance (50)": "{ soleProviderReliance { institution { name } provider { name } } }",
    "stuck sandbox projects (50)": "{ stuckSandboxProjects { project { name } overdue highRisk } }",
    "search 'cloud' (20)": '{ search(text: "cloud", first: 20) { score node { ... on Node { id } } } }',
}


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered) * 1000,
        "max": ordered[-1] * 1000,
        "mean": statistics.fmean(ordered) * 1000,
        "n": len(ordered),
    }


async def _prepare(seed: int, sample: int) -> dict[str, Any]:
    db = open_database(Settings())
    try:
        rows = await db.read(
            "MATCH (o:Organisation) WITH count(o) AS organisations "
            "MATCH ()-[r]->() RETURN organisations, count(r) AS relationships"
        )
        print(
            f"graph: {rows[0]['organisations']:,} organisations, {rows[0]['relationships']:,} relationships"
        )
        print("measuring the partnership network ...", flush=True)
        snapshot = await NetworkMeasures(db).refresh()
        print(f"  {snapshot.ties:,} ties, {snapshot.communities:,} communities in {snapshot.seconds:.1f} s")
        ids = await db.read(
            "MATCH (o:Organisation) RETURN collect(CASE WHEN o:Institution THEN 'Institution' "
            "ELSE 'TechEnterprise' END + ':' + o.id) AS ids"
        )
        busiest = await db.read(
            "MATCH (o:Organisation) WHERE o.networkDegree IS NOT NULL "
            "WITH o ORDER BY o.networkDegree DESC LIMIT 1 "
            "RETURN CASE WHEN o:Institution THEN 'Institution' ELSE 'TechEnterprise' END + ':' + o.id AS id, "
            "o.networkDegree AS degree"
        )
    finally:
        await db.close()
    chosen = random.Random(seed).sample(ids[0]["ids"], sample * 2)
    return {
        "graph": rows[0],
        "network": {"ties": snapshot.ties, "communities": snapshot.communities, "seconds": snapshot.seconds},
        "sample": [to_global_id(*i.split(":", 1)) for i in chosen],
        "busiest": {"id": to_global_id(*busiest[0]["id"].split(":", 1)), "degree": busiest[0]["degree"]},
    }


def _memory_kib(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM")}


async def run(url: str, key: str, prep: dict[str, Any], pid: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"}
    results: dict[str, Any] = {}
    sample: list[str] = prep["sample"]
    half = len(sample) // 2
    async with httpx.AsyncClient(base_url=url, timeout=120, headers=headers) as client:

        async def timed(name: str, query: str, variables_list: list[dict[str, Any]]) -> None:
            timings, sizes = [], []
            for variables in variables_list:
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": query, "variables": variables})
                timings.append(time.perf_counter() - started)
                body = response.json()
                if body.get("errors"):
                    raise SystemExit(f"{name}: the hub answered an error: {body['errors']}")
                sizes.append(len(response.content))
            results[name] = {**_ms(timings), "bytes_p50": statistics.median(sizes)}
            r = results[name]
            print(f"  {name}: p50 {r['p50']:.0f} ms, max {r['max']:.0f} ms", flush=True)

        await timed("warm-up", NEIGHBOURHOOD, [{"id": i, "d": 1, "n": 50} for i in sample[:5]])
        del results["warm-up"]
        print("exploration:")
        ids = sample[:half]
        for depth, cap in ((1, 150), (2, 150), (3, 500)):
            variables = [{"id": i, "d": depth, "n": cap} for i in ids]
            await timed(f"neighbourhood depth {depth}, cap {cap}", NEIGHBOURHOOD, variables)
        await timed(
            "neighbourhood depth 3, cap 500, of the busiest organisation",
            NEIGHBOURHOOD,
            [{"id": prep["busiest"]["id"], "d": 3, "n": 500}] * 5,
        )
        pairs = [{"a": a, "b": b} for a, b in zip(sample[:half], sample[half:], strict=True)]
        await timed("shortest paths (max 4 hops)", PATHS, pairs)
        await timed("ego network (200)", EGO, [{"id": i} for i in ids])
        await timed("network position of an organisation", POSITION, [{"id": i} for i in ids])
        print("measures, aggregates, risk views, search:")
        for name, query in FIXED.items():
            await timed(name, query, [{}] * 5)

        print("exports (whole graph):")
        exports = {}
        for name in ("nodes.csv", "edges.csv", "graph.graphml"):
            before = _memory_kib(pid)
            started = time.perf_counter()
            size = 0
            async with client.stream("GET", f"/export/{name}", params={"status": "ACTIVE"}) as response:
                response.raise_for_status()
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
            seconds = time.perf_counter() - started
            after = _memory_kib(pid)
            exports[name] = {
                "seconds": seconds,
                "bytes": size,
                "rss_before_mib": before["VmRSS"] / 1024,
                "peak_rss_mib": after["VmHWM"] / 1024,
            }
            print(
                f"  {name}: {size / 1e6:.1f} MB in {seconds:.1f} s; hub RSS {before['VmRSS'] / 1024:.0f} MiB "
                f"before, peak so far {after['VmHWM'] / 1024:.0f} MiB",
                flush=True,
            )
    return {"queries": results, "exports": exports}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=20, help="organisations (and pairs) per query")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--name", default="analyst-queries")
    args = parser.parse_args()
    prep = asyncio.run(_prepare(args.seed, args.sample))
    key = asyncio.run(issue_key(Role.ANALYST, "bench: analyst queries"))
    timeout = Settings().operation_timeout_seconds
    server, url = start_hub()
    try:
        measured = asyncio.run(run(url, key.key, prep, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
        asyncio.run(revoke_key(key.key_id))
    slowest = max(r["max"] for r in measured["queries"].values())
    report = {
        **run_header(),
        "graph": prep["graph"],
        "network measures": prep["network"],
        "busiest organisation degree": prep["busiest"]["degree"],
        "operation timeout (s)": timeout,
        "slowest answer (ms)": slowest,
        **measured,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    g = prep["graph"]
    lines = [
        f"# Analyst queries on {g['organisations']:,} organisations ({report['when']})",
        "",
        f"Graph: {g['organisations']:,} organisations, {g['relationships']:,} relationships. Machine: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. The hub runs in its own uvicorn "
        f"process; one request at a time over {args.sample} sampled organisations (or pairs), 5 repeats "
        "of the fixed queries. Reproduce: `python -m bench.analyst_queries` (its docstring has the command).",
        "",
        f"Network measures (degree, PageRank, betweenness from {128} sampled sources, Louvain): "
        f"{prep['network']['ties']:,} ties, {prep['network']['communities']:,} communities, computed in "
        f"{prep['network']['seconds']:.1f} s in a worker process (not per request).",
        "",
        f"Operation timeout: {timeout:.0f} s. Slowest answer of all: **{slowest:.0f} ms**.",
        "",
        "| query | p50 ms | max ms | response bytes (p50) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, r in measured["queries"].items():
        lines.append(f"| {name} | {r['p50']:.0f} | {r['max']:.0f} | {r['bytes_p50']:,.0f} |")
    lines += [
        "",
        f"The busiest organisation has {prep['busiest']['degree']} partners.",
        "",
        "| export (ACTIVE partnerships) | seconds | MB | hub RSS before, MiB | hub peak RSS so far, MiB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, e in measured["exports"].items():
        lines.append(
            f"| {name} | {e['seconds']:.1f} | {e['bytes'] / 1e6:.1f} | {e['rss_before_mib']:.0f} | "
            f"{e['peak_rss_mib']:.0f} |"
        )
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print(f"wrote bench/results/{args.name}.md and .json")


if __name__ == "__main__":
    main()
