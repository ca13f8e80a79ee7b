"""The floor of the benchmark: one operation's hand-written Cypher through the Python driver,
at a fixed concurrency for a fixed time, in its own process. Prints one JSON line.

    python bench/floor_load.py --op "nested read" --concurrency 8 --seconds 5 --target '{...}'
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from bench.operations import OPERATIONS, Target
from hub.db.connect import open_database
from hub.settings import Settings


async def run(op_name: str, concurrency: int, seconds: float, target: Target) -> dict[str, float]:
    op = next(o for o in OPERATIONS if o.name == op_name)
    params = op.cypher_params(target)
    db = open_database(Settings())
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            if op.mutation:
                await db.write(op.cypher, **params)
            else:
                await db.read(op.cypher, **params)
            latencies.append(time.perf_counter() - started)

    try:
        await db.read("RETURN 1 AS warm")
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    finally:
        await db.close()
    latencies.sort()
    return {
        "requests": len(latencies),
        "ok": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--op", required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--target", required=True, help="the Target as JSON")
    args = parser.parse_args()
    target = Target.from_json(json.loads(args.target))
    print(json.dumps(asyncio.run(run(args.op, args.concurrency, args.seconds, target))))


if __name__ == "__main__":
    main()
