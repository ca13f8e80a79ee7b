"""One benchmark operation in process, timed and profiled (bench/profiling.md's method).

The hub behind httpx's ASGI client, on the graph HUB_HOME / HUB_NEO4J_BOLT_PORT point at: warm-up
requests, then N requests timed without a profiler (p50), then N under cProfile (calls per
request and the functions with the most own and cumulative time).

    HUB_HOME=$PWD/.hub/bench-seed HUB_NEO4J_BOLT_PORT=7811 .venv/bin/python -m bench.profile_request mutation
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import time
from typing import Any

import httpx

from bench.compare import pick_target
from bench.operations import OPERATIONS
from hub.app import create_app
from hub.db.connect import open_database
from hub.domain.enums import Role
from hub.security.api_keys import ApiKeys
from hub.settings import Settings


async def _run(name: str, count: int, warm: int, top: int, dump: str | None) -> None:
    operation = next(o for o in OPERATIONS if o.name == name)
    settings = Settings(matchmaking_refresh_seconds=0, network_refresh_seconds=0)
    target, _ = await pick_target(settings)
    db = open_database(settings)
    issued = await ApiKeys(db).create(Role.ADMIN, None, "profile_request")
    body: dict[str, Any] = {"query": operation.hub, "variables": operation.hub_vars(target)}
    app = create_app(settings, database=db)
    headers = {"Authorization": f"Bearer {issued.key}"}
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://hub.test", headers=headers
            ) as http,
        ):

            async def once() -> None:
                response = await http.post("/graphql", json=body)
                assert response.status_code == 200 and "errors" not in response.json(), response.text

            for _ in range(warm):
                await once()
            times = []
            cpu = time.process_time()
            for _ in range(count):
                started = time.perf_counter()
                await once()
                times.append(time.perf_counter() - started)
            cpu = (time.process_time() - cpu) / count
            # CPU time of this process (client, hub, driver) moves less with the machine's load.
            print(
                f"{name}: p50 {statistics.median(times) * 1000:.2f} ms, "
                f"CPU {cpu * 1000:.2f} ms per request over {count} requests"
            )
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(count):
                await once()
            profile.disable()
            if dump:
                profile.dump_stats(dump)
            stats = pstats.Stats(profile)
            print(f"calls per request: {stats.total_calls / count:.0f}")  # type: ignore[attr-defined]
            stats.sort_stats("tottime").print_stats(top)
            stats.sort_stats("cumulative").print_stats(top * 2)
    finally:
        await ApiKeys(db).revoke(issued.key_id)
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("operation", help="an operation name of bench/operations.py")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", help="also write the profile to this file (pstats format)")
    args = parser.parse_args()
    asyncio.run(_run(args.operation, args.count, args.warm, args.top, args.dump))


if __name__ == "__main__":
    main()
