"""Two hub replicas (two `hub serve` processes on their own ports) on one Neo4j and one Redis,
driven by closed-loop clients that alternate between them, as a load balancer would.

Recorded: requests per second, p50 and p99 latency, the counts by status, and the CPU seconds
each part used (the two replicas, Neo4j, Redis and this load generator), so the part that
saturates first can be read off. The replicas share the rate limit through Redis (each request
spends its cost there) and run the periodic jobs under their leases.

    HUB_HOME=$PWD/.hub/bench HUB_NEO4J_BOLT_PORT=7811 .venv/bin/hub db start && \\
    HUB_HOME=$PWD/.hub/bench .venv/bin/hub seed && \\
    HUB_HOME=$PWD/.hub/bench .venv/bin/python -m bench.replicas --seconds 20 --clients 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import redis

from bench.servers import free_port, run_header
from hub.db.connect import connection_for, open_database
from hub.db.server import ManagedNeo4j
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.settings import Settings

RESULTS = Path(__file__).parent / "results"
QUERIES = [
    {"query": "query Zones { zones(first: 5) { totalCount nodes { name } } }"},
    {
        "query": "query Banks { institutions(first: 5, filter: {kind: BANK}) { totalCount "
        "nodes { name zone { name } partnerships(first: 3) { totalCount nodes { title } } } } }"
    },
]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children that were waited for (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def neo4j_pid(settings: Settings) -> int:
    pid = ManagedNeo4j(settings).status().pid
    assert pid is not None, "start the managed Neo4j first (hub db start)"
    return pid


async def drive(urls: list[str], keys: list[str], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop = time.monotonic() + seconds

    async def client(i: int, http: httpx.AsyncClient) -> None:
        n = i
        while time.monotonic() < stop:
            url = urls[n % len(urls)]
            started = time.perf_counter()
            answer = await http.post(
                url + "/graphql",
                json=QUERIES[n % len(QUERIES)],
                headers={"Authorization": f"Bearer {keys[i % len(keys)]}"},
            )
            latencies.append(time.perf_counter() - started)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            n += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        began = time.monotonic()
        await asyncio.gather(*(client(i, http) for i in range(clients)))
        elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--keys", type=int, default=8)
    args = parser.parse_args()
    settings = Settings()
    connection = connection_for(settings)

    async def issue() -> list[str]:
        db = open_database(settings)
        try:
            keys = ApiKeys(db)
            return [
                (await keys.create(Role.ANALYST, None, f"bench: replicas {i}")).key for i in range(args.keys)
            ]
        finally:
            await db.close()

    keys = asyncio.run(issue())
    redis_port = free_port()
    redis_server = subprocess.Popen(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(redis_port),
            "--save",
            "",
        ],
        stdout=subprocess.DEVNULL,
    )
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {
        **os.environ,
        "NEO4J_URI": connection.uri,
        "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password,
        "HUB_REDIS_URL": redis_url,
        "HUB_LOG_FORMAT": "json",
        "HUB_RATE_LIMIT_POINTS_PER_MINUTE": "10000000",
    }
    ports = [free_port(), free_port()]
    logs = [open(settings.home / f"replica-{p}.log", "wb") for p in ports]  # noqa: SIM115 - closed below
    hub = str(Path(sys.executable).parent / "hub")
    replicas = [
        subprocess.Popen(
            [hub, "serve", "--no-migrate", "--port", str(p)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for p, log in zip(ports, logs, strict=True)
    ]
    try:
        for p in ports:
            deadline = time.monotonic() + 90
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{p}/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "a replica did not start"
                    time.sleep(0.2)
        redis.Redis.from_url(redis_url).ping()
        pids = {"replica 1": replicas[0].pid, "replica 2": replicas[1].pid, "neo4j": neo4j_pid(settings)}
        pids["redis"] = redis_server.pid
        pids["load generator"] = os.getpid()
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        result = asyncio.run(
            drive([f"http://127.0.0.1:{p}" for p in ports], keys, args.clients, args.seconds)
        )
        after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    finally:
        for process in [*replicas, redis_server]:
            process.terminate()
        for process in [*replicas, redis_server]:
            process.wait(timeout=30)
        for log in logs:
            log.close()
    result["cpu_seconds"] = {name: round(after[name] - before[name], 1) for name in pids}
    result["seconds"] = args.seconds
    result["clients"] = args.clients
    record = {**run_header(), **result}
    (RESULTS / "replicas.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
